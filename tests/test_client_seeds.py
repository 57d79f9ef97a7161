"""The client-style examples of seeds 001, 002 and 003, as written, against the local gateway.

Only the URL and the credentials change: virtual keys and config slugs exist only on the hosted
service, so where an example names one, the gateway is given the same provider directly
(``provider`` + ``custom_host`` + the key, or a target with them) to reach the provider
stand-in; the examples that are about the virtual-key and slug headers themselves are checked
against the stand-in used as a recording server instead.
"""

import asyncio
import json
import os
import uuid
from typing import Any, Dict, Iterator

import pytest
from provider_stub import ProviderStub, answer_text, status

KEY = "sk-seed-provider-000001"


@pytest.fixture
def env(gateway_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The examples read PORTKEY_API_KEY from the environment; the gateway is local."""
    monkeypatch.setenv("PORTKEY_API_KEY", "pk-seed-example")
    monkeypatch.setenv("PORTKEY_BASE_URL", gateway_url)
    yield


def provider_keys(stub: ProviderStub, name: str = "a") -> Dict[str, Any]:
    """What replaces ``virtual_key=...`` locally: the provider, its host and its key."""
    return {
        "provider": "openai",
        "custom_host": stub.host_for(name),
        "default_headers": {"Authorization": f"Bearer {KEY}"},
    }


def target_keys(stub: ProviderStub, name: str) -> Dict[str, Any]:
    """What replaces a target's ``"virtual_key": ...`` locally."""
    return {"provider": "openai", "api_key": KEY, "custom_host": stub.host_for(name)}


# ---- imports of seed 003 ------------------------------------------------------------------------


def test_seed_003_imports_are_the_portkey_objects() -> None:
    import portkey
    from portkey_ai import (  # the seed's import lines, verbatim
        AsyncPortkey,
        Config,
        LLMOptions,
        Modes,
        Portkey,
        ProviderTypes,
        createHeaders,
    )

    assert (Portkey, AsyncPortkey, Config, LLMOptions, Modes, ProviderTypes, createHeaders) == (
        portkey.Portkey,
        portkey.AsyncPortkey,
        portkey.Config,
        portkey.LLMOptions,
        portkey.Modes,
        portkey.ProviderTypes,
        portkey.createHeaders,
    )
    assert Modes.FALLBACK.value == "fallback" and ProviderTypes.OPENAI.value == "openai"


# ---- seed 001 ----------------------------------------------------------------------------------


def test_seed_001_quick_start_streaming_and_multi_turn(env: None, stub: ProviderStub) -> None:
    from portkey_ai import Portkey

    client = Portkey(api_key=os.environ["PORTKEY_API_KEY"], **provider_keys(stub))

    response = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Hello!"}]
    )
    assert response.choices[0].message.content == answer_text("a")
    assert response.usage is not None and response.usage.total_tokens > 0

    stream = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Write a short story"}],
        stream=True,
    )
    pieces = []
    for chunk in stream:
        if chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
    assert "".join(pieces) == answer_text("a")

    messages = [
        {"role": "system", "content": "You are a helpful coding assistant."},
        {"role": "user", "content": "What is Python?"},
        {"role": "assistant", "content": "Python is a high-level programming language..."},
        {"role": "user", "content": "Show me a hello world example."},
    ]
    client.chat.completions.create(model="gpt-4o", messages=messages)
    assert stub.requests("a")[-1].json["messages"] == messages
    assert stub.requests("a")[-1].headers["authorization"] == f"Bearer {KEY}"

    client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": "Extract as JSON with name and age fields."},
            {"role": "user", "content": "John is 30 years old."},
        ],
        response_format={"type": "json_object"},
    )
    assert stub.requests("a")[-1].json["response_format"] == {"type": "json_object"}


def test_seed_001_async_and_async_streaming(env: None, stub: ProviderStub) -> None:
    from portkey_ai import AsyncPortkey

    seen = []

    async def main() -> None:
        client = AsyncPortkey(api_key=os.environ["PORTKEY_API_KEY"], **provider_keys(stub))
        response = await client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "Hello!"}]
        )
        seen.append(response.choices[0].message.content)

    async def stream_response() -> None:
        client = AsyncPortkey(api_key=os.environ["PORTKEY_API_KEY"], **provider_keys(stub))
        stream = await client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "Write a poem"}], stream=True
        )
        async for chunk in stream:
            if chunk.choices[0].delta.content:
                seen.append(chunk.choices[0].delta.content)

    asyncio.run(main())
    asyncio.run(stream_response())
    assert seen[0] == answer_text("a")
    assert "".join(seen[1:]) == answer_text("a")


def test_seed_001_fallbacks(env: None, stub: ProviderStub) -> None:
    from portkey_ai import Portkey

    stub.script("openai", status(503))
    client = Portkey(
        api_key=os.environ["PORTKEY_API_KEY"],
        config={
            "strategy": {"mode": "fallback"},
            "targets": [
                {**target_keys(stub, "openai"), "override_params": {"model": "gpt-4o"}},
                {
                    **target_keys(stub, "anthropic"),
                    "override_params": {"model": "claude-3-5-sonnet-20241022"},
                },
            ],
        },
    )
    response = client.chat.completions.create(messages=[{"role": "user", "content": "Hello!"}])
    assert response.choices[0].message.content == answer_text("anthropic")
    assert stub.requests("anthropic")[-1].json["model"] == "claude-3-5-sonnet-20241022"
    assert response.gateway.target_index == 1


def test_seed_001_load_balancing(env: None, stub: ProviderStub) -> None:
    from portkey_ai import Portkey

    client = Portkey(
        api_key=os.environ["PORTKEY_API_KEY"],
        config={
            "strategy": {"mode": "loadbalance"},
            "targets": [
                {**target_keys(stub, "k1"), "weight": 0.7},
                {**target_keys(stub, "k2"), "weight": 0.3},
            ],
        },
    )
    served = {
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        .choices[0]
        .message.content
        for _ in range(40)
    }
    assert served == {answer_text("k1"), answer_text("k2")}  # 0.7**40 + 0.3**40: never one


def test_seed_001_retries_and_caching_configs(env: None, stub: ProviderStub) -> None:
    from portkey_ai import Portkey

    stub.script("a", status(500))
    client = Portkey(
        api_key=os.environ["PORTKEY_API_KEY"],
        config={
            "retry": {"attempts": 3, "on_status_codes": [429, 500, 502, 503, 504]},
            **target_keys(stub, "a"),
        },
    )
    response = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "x"}]
    )
    assert response.gateway.retry_attempt_count == 1
    assert len(stub.requests("a")) == 2

    client = Portkey(
        api_key=os.environ["PORTKEY_API_KEY"],
        config={"cache": {"mode": "semantic", "max_age": 3600}, **target_keys(stub, "c")},
    )
    for question in ("What is the capital of France?", "Tell me France's capital"):
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": question}]
        )
    # The open-source gateway has no cache store: it reports the cache as DISABLED and asks
    # the provider both times (the hosted gateway would answer the second from its cache).
    assert len(stub.requests("c")) == 2


def test_seed_001_observability_options(env: None, stub: ProviderStub) -> None:
    from portkey_ai import Portkey

    trace = str(uuid.uuid4())
    client = Portkey(api_key=os.environ["PORTKEY_API_KEY"], **provider_keys(stub), trace_id=trace)
    response = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "x"}]
    )
    assert response.gateway.trace_id == trace

    client = Portkey(
        api_key=os.environ["PORTKEY_API_KEY"],
        **provider_keys(stub),
        metadata={"user_id": "user-123", "session_id": "session-456", "environment": "production"},
    )
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])

    response = client.with_options(
        trace_id="unique-trace-id", metadata={"request_type": "summarization"}
    ).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Summarize this..."}]
    )
    assert response.gateway.trace_id == "unique-trace-id"

    # request_timeout is in milliseconds on the wire (x-portkey-request-timeout); seed 001's
    # comment calls 30 "30 seconds", which the gateway would read as 30 ms, so a value in ms
    # is used here.
    client = Portkey(
        api_key=os.environ["PORTKEY_API_KEY"], **provider_keys(stub), request_timeout=30_000
    )
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert stub.requests("a")[-1].json["model"] == "m"


def test_seed_001_production_setup(env: None, stub: ProviderStub) -> None:
    from portkey_ai import Portkey

    def create_production_client() -> Portkey:
        return Portkey(
            api_key=os.environ["PORTKEY_API_KEY"],
            config={
                "strategy": {"mode": "fallback"},
                "targets": [
                    {
                        **target_keys(stub, "openai"),
                        "override_params": {"model": "gpt-4o"},
                        "retry": {"attempts": 2, "on_status_codes": [429, 500]},
                    },
                    {
                        **target_keys(stub, "anthropic"),
                        "override_params": {"model": "claude-3-5-sonnet-20241022"},
                    },
                ],
                "cache": {"mode": "semantic", "max_age": 3600},
            },
            trace_id="production-session",
            metadata={"environment": "production"},
        )

    stub.script("openai", status(500), status(500), status(500))
    response = create_production_client().chat.completions.create(
        messages=[{"role": "user", "content": "Hello"}]
    )
    assert response.choices[0].message.content == answer_text("anthropic")
    assert len(stub.requests("openai")) == 3  # the first try and two gateway retries
    assert response.gateway.trace_id == "production-session"


# ---- seed 002 ----------------------------------------------------------------------------------


def test_seed_002_virtual_key_and_slug_headers(stub: ProviderStub) -> None:
    """The constructions of seed 002 send exactly the headers its cURL tab shows."""
    from portkey_ai import Portkey

    base_url = f"{stub.url}/v1"  # a recording server: virtual keys and slugs are hosted-only
    portkey = Portkey(api_key="PORTKEY_API_KEY", virtual_key="VIRTUAL_KEY", base_url=base_url)
    portkey.chat.completions.create(
        messages=[{"role": "user", "content": "Say this is a test"}], model="gpt-3.5-turbo"
    )
    portkey = Portkey(api_key="PORTKEY_API_KEY", config="cf-***", base_url=base_url)
    portkey.chat.completions.create(
        messages=[{"role": "user", "content": "Say this is a test"}], model="gpt-3.5-turbo"
    )
    first, second = stub.requests()
    assert first.path == second.path == "/v1/chat/completions"
    assert first.headers["content-type"] == "application/json"
    assert first.headers["x-portkey-api-key"] == "PORTKEY_API_KEY"
    assert first.headers["x-portkey-virtual-key"] == "VIRTUAL_KEY"
    assert second.headers["x-portkey-config"] == "cf-***"
    assert (
        first.json
        == second.json
        == {
            "model": "gpt-3.5-turbo",
            "messages": [{"role": "user", "content": "Say this is a test"}],
        }
    )


def test_seed_002_request_trace_and_async(env: None, stub: ProviderStub) -> None:
    from portkey_ai import AsyncPortkey, Portkey

    portkey = Portkey(api_key="PORTKEY_API_KEY", **provider_keys(stub))
    completion = portkey.with_options(
        trace_id="TRACE_ID", metadata={"_user": "USER_IDENTIFIER"}
    ).chat.completions.create(
        messages=[{"role": "user", "content": "Say this is a test"}], model="gpt-3.5-turbo"
    )
    assert completion.gateway.trace_id == "TRACE_ID"

    async_portkey = AsyncPortkey(api_key="PORTKEY_API_KEY", **provider_keys(stub, "b"))

    async def main() -> str:
        chat_completion = await async_portkey.chat.completions.create(
            messages=[{"role": "user", "content": "Say this is a test"}], model="gpt-4"
        )
        return chat_completion.choices[0].message.content or ""

    assert asyncio.run(main()) == answer_text("b")


def test_seed_003_create_headers_with_the_openai_style(env: None, stub: ProviderStub) -> None:
    """createHeaders output, sent by a plain HTTP client through the gateway."""
    import requests

    from portkey_ai import createHeaders

    headers = createHeaders(
        api_key="PORTKEY_API_KEY",
        provider="openai",
        custom_host=stub.host_for("h"),
        trace_id="hdr-1",
    )
    answer = requests.post(
        f"{os.environ['PORTKEY_BASE_URL']}/chat/completions",
        headers={**headers, "Authorization": f"Bearer {KEY}"},
        json={"model": "m", "messages": [{"role": "user", "content": "x"}]},
        timeout=30,
    )
    assert answer.status_code == 200
    assert answer.headers["x-portkey-trace-id"] == "hdr-1"
    assert json.loads(answer.content)["choices"][0]["message"]["content"] == answer_text("h")
