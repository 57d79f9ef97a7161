"""A streaming request answered with one JSON document (a provider or endpoint that does not
stream, a proxy that buffered the events, a gateway error sent with 200) raises at once with
what came back, instead of ending as an empty stream "without the [DONE] marker". Both clients;
the stand-in plays the gateway."""

from typing import Any

import pytest
from provider_stub import ProviderStub, status

from portkey import (
    APIResponseValidationError,
    AsyncPortkey,
    Portkey,
    ProviderResponseError,
)

HI = [{"role": "user", "content": "Hi"}]
KEY = "sk-stream-json-000000000001"


def client(stub: ProviderStub, use_async: bool) -> Any:
    cls: Any = AsyncPortkey if use_async else Portkey
    return cls(base_url=f"{stub.url}/v1", provider="openai", Authorization=KEY, max_retries=0)


async def stream_of(portkey_client: Any, use_async: bool) -> Any:
    answer = portkey_client.chat.completions.create(model="m", messages=HI, stream=True)
    return await answer if use_async else answer


async def close(portkey_client: Any, use_async: bool) -> None:
    if use_async:
        await portkey_client.close()
    else:
        portkey_client.close()


@pytest.mark.parametrize("use_async", [False, True])
async def test_a_json_answer_to_a_stream_raises_quoting_it(
    stub: ProviderStub, use_async: bool
) -> None:
    completion = {"id": "c1", "object": "chat.completion", "choices": [], "echo": KEY}
    stub.script("default", status(200, completion))
    portkey_client = client(stub, use_async)
    with pytest.raises(APIResponseValidationError) as caught:
        await stream_of(portkey_client, use_async)
    error = caught.value
    assert error.status_code == 200 and "one JSON document" in str(error)
    assert '"chat.completion"' in str(error)
    assert KEY not in str(error) and KEY not in repr(error.body)  # masked
    # The connection was dropped, not left half-read: the next stream works.
    stream = await stream_of(portkey_client, use_async)
    chunks = [c async for c in stream] if use_async else list(stream)
    assert chunks
    await close(portkey_client, use_async)


@pytest.mark.parametrize("use_async", [False, True])
async def test_a_json_error_answer_to_a_stream_raises_the_error(
    stub: ProviderStub, use_async: bool
) -> None:
    error_body = {"error": {"message": "this model does not stream", "type": "invalid"}}
    stub.script("default", status(200, error_body))
    portkey_client = client(stub, use_async)
    with pytest.raises(ProviderResponseError, match="this model does not stream") as caught:
        await stream_of(portkey_client, use_async)
    assert caught.value.body == error_body and caught.value.type == "invalid"
    await close(portkey_client, use_async)
