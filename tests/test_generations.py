"""``client.generations.create`` (the deprecated 0.1.x prompt API, hosted only), against the
provider stand-in's catch-all as a recording server (``base_url=stub.url/v1``)."""

import asyncio
from typing import Any, Dict

import pytest
from provider_stub import ProviderStub, status

from portkey import AsyncPortkey, InvalidRequestError, Portkey
from portkey.api_resources.resources.generations import (
    DEPRECATION_MESSAGE,
    AsyncGenerations,
    Generation,
    Generations,
)

ANSWER = {"success": True, "data": {"choices": [{"text": "Hello Ada"}]}}


def hosted(stub: ProviderStub, **params: Any) -> Portkey:
    return Portkey(api_key="pk-gen-1", base_url=f"{stub.url}/v1", max_retries=0, **params)


def test_create_sends_the_generate_request_and_warns(stub: ProviderStub) -> None:
    stub.script("default", status(200, ANSWER))
    client = hosted(stub, trace_id="tr-gen")
    assert isinstance(client.generations, Generations)
    with pytest.warns(DeprecationWarning, match="prompts.completions.create"):
        result = client.generations.create(prompt_id="pp-greet", variables={"name": "Ada"})
    assert isinstance(result, Generation)
    assert result.success is True
    assert result.data == {"choices": [{"text": "Hello Ada"}]}
    assert result.warning == DEPRECATION_MESSAGE
    [seen] = stub.requests()
    assert (seen.method, seen.path) == ("POST", "/v1/prompts/pp-greet/generate")
    assert seen.json == {"variables": {"name": "Ada"}}
    assert seen.headers["x-portkey-api-key"] == "pk-gen-1"
    assert seen.headers["x-portkey-trace-id"] == "tr-gen"
    assert seen.headers["content-type"] == "application/json"


def test_create_with_a_per_call_config_sends_it_for_that_call_only(stub: ProviderStub) -> None:
    stub.script("default", status(200, ANSWER), status(200, ANSWER))
    client = hosted(stub, config="pc-client")
    with pytest.warns(DeprecationWarning):
        client.generations.create(prompt_id="pp-1", config="pc-call", temperature=0.1)
        client.generations.create(prompt_id="pp-1")
    first, second = stub.requests()
    assert first.headers["x-portkey-config"] == "pc-call"
    assert first.json == {"variables": {}, "temperature": 0.1}
    assert second.headers["x-portkey-config"] == "pc-client"
    assert second.json == {"variables": {}}


def test_async_create(stub: ProviderStub) -> None:
    stub.script("default", status(200, ANSWER))

    async def main() -> Generation:
        async with AsyncPortkey(api_key="pk-gen-1", base_url=f"{stub.url}/v1") as client:
            assert isinstance(client.generations, AsyncGenerations)
            with pytest.warns(DeprecationWarning):
                return await client.generations.create(prompt_id="pp-a", variables={"v": "1"})

    result = asyncio.run(main())
    assert result.warning == DEPRECATION_MESSAGE and result.success is True
    [seen] = stub.requests()
    assert (seen.method, seen.path) == ("POST", "/v1/prompts/pp-a/generate")
    assert seen.json == {"variables": {"v": "1"}}


def test_an_error_answer_raises_the_typed_error(stub: ProviderStub) -> None:
    from portkey import NotFoundError

    stub.script("default", status(404, {"error": {"message": "prompt not found"}}))
    with pytest.warns(DeprecationWarning), pytest.raises(NotFoundError):
        hosted(stub).generations.create(prompt_id="pp-missing")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"prompt_id": ""}, "prompt_id"),
        ({"prompt_id": None}, "prompt_id"),
        ({"prompt_id": ["pp-1"]}, "prompt_id"),
        ({"prompt_id": "pp-1", "variables": ["a"]}, "variables"),
        ({"prompt_id": "pp-1", "variables": "name=Ada"}, "variables"),
        ({"prompt_id": "pp-1", "config": 42}, "config"),
        ({"prompt_id": "pp-1", "config": "not a slug"}, "config"),
    ],
)
def test_bad_input_is_refused_before_sending(
    stub: ProviderStub, kwargs: Dict[str, Any], field: str
) -> None:
    with pytest.warns(DeprecationWarning), pytest.raises(InvalidRequestError) as caught:
        hosted(stub).generations.create(**kwargs)
    assert caught.value.field == field
    assert stub.requests() == []


def test_the_0_1_module_form_sends_the_same_request(stub: ProviderStub) -> None:
    import portkey

    portkey.api_key = "pk-gen-1"
    portkey.base_url = f"{stub.url}/v1"
    stub.script("default", status(200, ANSWER), status(200, ANSWER))
    with pytest.warns(DeprecationWarning):
        result = portkey.Generations.create(prompt_id="pp-greet", variables={"name": "Ada"})
    assert result.data == {"choices": [{"text": "Hello Ada"}]}
    with pytest.warns(DeprecationWarning):
        again = asyncio.run(
            portkey.Generations.acreate(
                prompt_id="pp-greet", variables={"name": "Bo"}, config="pc-1"
            )
        )
    assert again.success is True
    first, second = stub.requests()
    assert (first.method, first.path) == ("POST", "/v1/prompts/pp-greet/generate")
    assert first.json == {"variables": {"name": "Ada"}}
    assert "x-portkey-config" not in first.headers
    assert second.headers["x-portkey-config"] == "pc-1"
    with pytest.raises(TypeError):
        portkey.Generations.create(variables={"name": "Ada"})  # type: ignore[call-arg]
