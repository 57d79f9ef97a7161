"""A 200 that is an error raises (issue 13, item 5).

Through the real gateway: a target whose provider (anthropic, translated by the gateway) answers
something the gateway cannot translate makes the gateway reply 200 with ``{"error": {...}}`` and
no result. The SDK raises :class:`ProviderResponseError` with the gateway's message instead of
returning ``choices=[]``: sync and async, client and module style. A stream chunk that carries
``error`` raises too (recording server).
"""

from __future__ import annotations

from typing import Any, Dict

import pytest
from platform_support import direct_client, resolve
from provider_stub import ProviderStub, sse_events, status

import portkey
from portkey import APIStatusError, AsyncPortkey, Config, LLMOptions, Portkey
from portkey.api_resources.exceptions import ProviderResponseError

HI = [{"role": "user", "content": "Hi"}]
UNTRANSLATABLE = {"unexpected": True}


def anthropic_target(stub: ProviderStub) -> Dict[str, Any]:
    return {"provider": "anthropic", "api_key": "sk-ant-test", "custom_host": stub.host_for("a")}


def check(error: ProviderResponseError) -> None:
    assert isinstance(error, APIStatusError)
    assert error.status_code == 200
    assert error.message.startswith("Invalid response received from anthropic")
    assert error.body["provider"] == "anthropic"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_client_style_raises(gateway_url: str, stub: ProviderStub, use_async: bool) -> None:
    stub.script("a", status(200, json_body=UNTRANSLATABLE))
    cls = AsyncPortkey if use_async else Portkey
    client = cls(base_url=gateway_url, config=anthropic_target(stub), max_retries=0)
    with pytest.raises(ProviderResponseError) as info:
        await resolve(client.chat.completions.create(model="claude-x", messages=HI, max_tokens=5))
    check(info.value)
    assert [r.endpoint for r in stub.requests("a")] == ["/messages"]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_module_style_raises(gateway_url: str, stub: ProviderStub, use_async: bool) -> None:
    stub.script("a", status(200, json_body=UNTRANSLATABLE))
    portkey.base_url = gateway_url
    portkey.api_key = None
    llm = LLMOptions(
        provider="anthropic",
        api_key="sk-ant-test",
        custom_host=stub.host_for("a"),
        model="claude-x",
        max_tokens=5,
    )
    portkey.config = Config(mode="single", llms=[llm])
    with pytest.raises(ProviderResponseError) as info:
        if use_async:
            await portkey.ChatCompletions.acreate(messages=HI)
        else:
            portkey.ChatCompletions.create(messages=HI)
    check(info.value)


async def test_a_good_answer_after_it_still_parses(gateway_url: str, stub: ProviderStub) -> None:
    client = Portkey(base_url=gateway_url, config=anthropic_target(stub), max_retries=0)
    stub.script(
        "a",
        status(
            200,
            json_body={
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "claude-x",
                "content": [{"type": "text", "text": "fine"}],
                "stop_reason": "end_turn",
                "usage": {"input_tokens": 3, "output_tokens": 1},
            },
        ),
    )
    response = client.chat.completions.create(model="claude-x", messages=HI, max_tokens=5)
    assert response.choices[0].message.content == "fine"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_error_chunk_in_a_stream_raises(stub: ProviderStub, use_async: bool) -> None:
    first = {"id": "c1", "object": "chat.completion.chunk", "choices": [
        {"index": 0, "delta": {"content": "Hel"}, "finish_reason": None}]}  # fmt: skip
    error = {"error": {"message": "provider went away mid-answer", "code": 502}}
    stub.script("default", sse_events(first, error))
    client = direct_client(stub, use_async=use_async)
    stream = await resolve(client.chat.completions.create(model="m", messages=HI, stream=True))
    seen = []
    with pytest.raises(APIStatusError, match="provider went away mid-answer") as info:
        if use_async:
            async for chunk in stream:
                seen.append(chunk.choices[0].delta.content)
        else:
            for chunk in stream:
                seen.append(chunk.choices[0].delta.content)
    assert seen == ["Hel"]
    assert info.value.status_code == 502
