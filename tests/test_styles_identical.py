"""Issue item 7: the module-level API (``portkey.ChatCompletions.create`` reading the
``portkey.*`` globals) and the client style (``Portkey(...).chat.completions.create``) are one
implementation. The same call made both ways reaches a recording server with the same method,
path, query, headers (names, values and order) and body bytes."""

import asyncio
from typing import Any, Callable, List, Tuple

import pytest
from provider_stub import ProviderStub, RecordedRequest

import portkey
from portkey import AsyncPortkey, Config, LLMOptions, Portkey, createHeaders

HI = [{"role": "user", "content": "Hi"}]
API_KEY = "pk-identical-0001"

Wire = Tuple[str, str, str, List[Tuple[str, str]], bytes]


#: Headers whose value is new for every call (the call's id); compared by presence only.
PER_CALL = {"idempotency-key", "x-portkey-trace-id"}


def wire(record: RecordedRequest) -> Wire:
    """Everything a request carried: method, path, query, every header in order, the body.

    A call's own id (its idempotency key, and its trace id when none was set) differs from
    call to call by design, so those values are replaced by a placeholder.
    """
    headers = [
        (name, "<per-call id>" if name.lower() in PER_CALL and len(value) == 32 else value)
        for name, value in record.headers.items()
    ]
    return (record.method, record.path, record.query, headers, record.body)


def configs(stub: ProviderStub) -> List[Any]:
    llm = LLMOptions(
        provider="openai",
        api_key="sk-a-1",
        model="gpt-4o",
        temperature=0.5,
        trace_id="llm-trace",
        metadata={"_user": "u1"},
        retry=2,
    )
    backup = LLMOptions(provider="anthropic", api_key="sk-b-2", model="claude-3-5-sonnet")
    return [
        Config(mode="fallback", llms=[llm, backup]),
        {
            "strategy": {"mode": "loadbalance"},
            "targets": [
                {"provider": "openai", "api_key": "sk-a", "weight": 0.7},
                {"provider": "openai", "api_key": "sk-b", "weight": 0.3},
            ],
        },
        "pc-config-slug-1",
    ]


@pytest.fixture
def both(stub: ProviderStub) -> Callable[[Any], Portkey]:
    """Point the module globals at the recording server; return a client maker for the same."""
    base_url = f"{stub.url}/v1"
    portkey.api_key = API_KEY
    portkey.base_url = base_url

    def client(config: Any) -> Portkey:
        return Portkey(api_key=API_KEY, base_url=base_url, config=config)

    return client


def last_two(stub: ProviderStub) -> Tuple[Wire, Wire]:
    records = stub.requests()
    assert len(records) == 2
    return wire(records[0]), wire(records[1])


@pytest.mark.parametrize("index", [0, 1, 2], ids=["Config", "dict", "slug"])
def test_chat_is_byte_identical(stub: ProviderStub, both: Any, index: int) -> None:
    config = configs(stub)[index]
    portkey.config = config
    portkey.ChatCompletions.create(messages=HI, model="gpt-4o", temperature=0.2, max_tokens=9)
    both(config).chat.completions.create(messages=HI, model="gpt-4o", temperature=0.2, max_tokens=9)
    module_style, client_style = last_two(stub)
    assert module_style == client_style
    assert ("x-portkey-api-key", API_KEY) in module_style[3]


def test_stream_is_byte_identical(stub: ProviderStub, both: Any) -> None:
    config = configs(stub)[0]
    portkey.config = config
    legacy = list(portkey.ChatCompletions.create(messages=HI, model="m", stream=True))
    modern = list(both(config).chat.completions.create(messages=HI, model="m", stream=True))
    module_style, client_style = last_two(stub)
    assert module_style == client_style
    assert ("accept", "text/event-stream") in module_style[3]
    # the stand-in numbers its answers, so compare what the chunks say rather than their ids
    assert [c.choices[0].delta.content for c in legacy] == [
        c.choices[0].delta.content for c in modern
    ]
    assert len(legacy) == 5


def test_completions_and_embeddings_are_byte_identical(stub: ProviderStub, both: Any) -> None:
    config = configs(stub)[1]
    portkey.config = config
    portkey.Completions.create(prompt="Say hi", model="m", max_tokens=3)
    both(config).completions.create(prompt="Say hi", model="m", max_tokens=3)
    module_style, client_style = last_two(stub)
    assert module_style == client_style
    stub.reset()
    portkey.Embeddings.create(input=["a", "b"], model="e")
    both(config).embeddings.create(input=["a", "b"], model="e")
    module_style, client_style = last_two(stub)
    assert module_style == client_style


def test_async_is_byte_identical(stub: ProviderStub, both: Any) -> None:
    config = configs(stub)[0]
    portkey.config = config
    base_url = f"{stub.url}/v1"

    async def main() -> None:
        await portkey.ChatCompletions.acreate(messages=HI, model="m", top_p=0.9)
        async with AsyncPortkey(api_key=API_KEY, base_url=base_url, config=config) as client:
            await client.chat.completions.create(messages=HI, model="m", top_p=0.9)

    asyncio.run(main())
    module_style, client_style = last_two(stub)
    assert module_style == client_style


def test_per_call_options_are_byte_identical(stub: ProviderStub, both: Any) -> None:
    config = configs(stub)[1]
    portkey.config = config
    per_call = {"trace_id": "call-trace", "metadata": {"_user": "u9"}, "cache_force_refresh": True}
    portkey.ChatCompletions.create(messages=HI, model="m", **per_call)
    both(config).chat.completions.create(
        messages=HI, model="m", extra_headers=createHeaders(**per_call)
    )
    module_style, client_style = last_two(stub)
    assert module_style == client_style


def test_with_options_sends_the_same_headers(stub: ProviderStub, both: Any) -> None:
    config = configs(stub)[1]
    portkey.config = config
    portkey.ChatCompletions.create(messages=HI, model="m", trace_id="t-1", metadata={"k": "v"})
    both(config).with_options(trace_id="t-1", metadata={"k": "v"}).chat.completions.create(
        messages=HI, model="m"
    )
    module_style, client_style = last_two(stub)
    # Same method, path, query, body and the same set of headers with the same values. The one
    # difference is where two headers sit: with_options makes them client options, encoded with
    # the others when the client is built, while a module-level per-call option is added after
    # them for that call only. HTTP gives no meaning to the order of different header names.
    assert module_style[:3] == client_style[:3] and module_style[4] == client_style[4]
    assert dict(module_style[3]) == dict(client_style[3])
    assert len(module_style[3]) == len(client_style[3])
    moved = ("x-portkey-trace-id", "x-portkey-metadata")
    assert [h for h in module_style[3] if h[0] not in moved] == [
        h for h in client_style[3] if h[0] not in moved
    ]
