"""The OpenAI-SDK path: ``openai.OpenAI(base_url=..., default_headers=createHeaders(...))`` (and
``AsyncOpenAI``, and LangChain's ``ChatOpenAI``) through the real gateway to the provider
stand-in: a fallback config, streaming, and the ``x-portkey-*`` response headers read back."""

import asyncio
from typing import Any, Dict, List

import openai
import pytest
from provider_stub import ProviderStub, status

import portkey
from portkey import PORTKEY_GATEWAY_URL, InvalidHeaderValueError, createHeaders

HI = [{"role": "user", "content": "Hi"}]


def fallback_config(stub: ProviderStub) -> Dict[str, Any]:
    """Target ``a`` first, then ``b``, each with its own provider key."""
    return {
        "strategy": {"mode": "fallback"},
        "targets": [
            {"provider": "openai", "api_key": "sk-a-000001", "custom_host": stub.host_for("a")},
            {"provider": "openai", "api_key": "sk-b-000002", "custom_host": stub.host_for("b")},
        ],
    }


def openai_client(gateway_url: str, stub: ProviderStub, **options: Any) -> openai.OpenAI:
    return openai.OpenAI(
        api_key="unused-the-config-holds-the-keys",
        base_url=gateway_url,
        default_headers=createHeaders(config=fallback_config(stub), **options),
        max_retries=0,
    )


def test_gateway_url_constant_is_the_hosted_gateway() -> None:
    assert PORTKEY_GATEWAY_URL == "https://api.portkey.ai/v1"
    assert portkey.PORTKEY_GATEWAY_URL is PORTKEY_GATEWAY_URL
    assert "PORTKEY_GATEWAY_URL" in portkey.__all__


def test_fallback_through_openai_sdk_reads_back_portkey_headers(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.script("a", status(503))
    with openai_client(gateway_url, stub, trace_id="tr-openai-1", metadata={"_user": "u1"}) as c:
        raw = c.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=HI)
    completion = raw.parse()
    assert completion.choices[0].message.content == "hello from b"
    assert raw.headers["x-portkey-last-used-option-index"] == "config.targets[1]"
    assert raw.headers["x-portkey-trace-id"] == "tr-openai-1"
    assert raw.headers["x-portkey-provider"] == "openai"
    assert [r.target for r in stub.requests()] == ["a", "b"]
    assert stub.requests("b")[0].headers["authorization"] == "Bearer sk-b-000002"


def test_streaming_through_openai_sdk(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(500))
    with openai_client(gateway_url, stub, trace_id="tr-stream") as client:
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=HI, stream=True
        )
        assert raw.headers["x-portkey-last-used-option-index"] == "config.targets[1]"
        assert raw.headers["x-portkey-trace-id"] == "tr-stream"
        pieces = [chunk.choices[0].delta.content or "" for chunk in raw.parse() if chunk.choices]
    assert len(pieces) > 1 and "".join(pieces) == "hello from b"
    assert stub.requests("b")[-1].json["stream"] is True


def test_async_openai_with_fallback_and_stream(gateway_url: str, stub: ProviderStub) -> None:
    stub.script("a", status(503), status(503))

    async def main() -> List[Any]:
        async with openai.AsyncOpenAI(
            api_key="unused",
            base_url=gateway_url,
            default_headers=createHeaders(config=fallback_config(stub)),
            max_retries=0,
        ) as client:
            raw = await client.chat.completions.with_raw_response.create(
                model="gpt-4o-mini", messages=HI
            )
            stream = await client.chat.completions.create(
                model="gpt-4o-mini", messages=HI, stream=True
            )
            pieces = [chunk.choices[0].delta.content or "" async for chunk in stream]
            return [raw.headers, raw.parse(), "".join(pieces)]

    headers, completion, streamed = asyncio.run(main())
    assert headers["x-portkey-last-used-option-index"] == "config.targets[1]"
    assert completion.choices[0].message.content == "hello from b"
    assert streamed == "hello from b"


def test_every_target_failing_is_an_openai_status_error_with_portkey_headers(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.script("a", status(503))
    stub.script("b", status(502))
    with openai_client(gateway_url, stub) as client, pytest.raises(openai.APIStatusError) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages=HI)
    assert caught.value.status_code == 502
    assert caught.value.response.headers["x-portkey-last-used-option-index"] == (
        "config.targets[1]"
    )


def test_provider_and_authorization_headers_for_a_self_hosted_gateway(
    gateway_url: str, stub: ProviderStub
) -> None:
    # No config: the provider key travels as Authorization, the target as custom_host.
    headers = createHeaders(provider="openai", custom_host=stub.host_for("a"))
    with openai.OpenAI(
        api_key="sk-direct-000003", base_url=gateway_url, default_headers=headers, max_retries=0
    ) as client:
        completion = client.chat.completions.create(model="gpt-4o-mini", messages=HI)
    assert completion.choices[0].message.content == "hello from a"
    assert stub.requests("a")[0].headers["authorization"] == "Bearer sk-direct-000003"


def test_langchain_chat_openai_with_portkey_headers(gateway_url: str, stub: ProviderStub) -> None:
    from langchain_openai import ChatOpenAI

    stub.script("a", status(503))
    llm = ChatOpenAI(
        api_key="unused",  # type: ignore[arg-type]
        base_url=gateway_url,
        model="gpt-4o-mini",
        default_headers=createHeaders(config=fallback_config(stub), trace_id="tr-lc"),
        max_retries=0,
        include_response_headers=True,
    )
    answer = llm.invoke("Hi")
    assert answer.content == "hello from b"
    headers = answer.response_metadata["headers"]
    assert headers["x-portkey-last-used-option-index"] == "config.targets[1]"
    assert headers["x-portkey-trace-id"] == "tr-lc"
    streamed = "".join(str(chunk.content) for chunk in llm.stream("Hi"))
    assert streamed == "hello from a"


def test_bad_header_values_are_refused_before_any_client_is_built() -> None:
    with pytest.raises(InvalidHeaderValueError) as caught:
        createHeaders(trace_id="t\r\nx-evil: 1")
    assert caught.value.field == "trace_id"
