"""Headers merge by name without case, as HTTP compares them: a caller's header replaces the
SDK's (or an earlier one of the caller's) of the same name in any spelling, and is never sent
beside it nor lost to it. Checked on the wire, header line by header line, for both clients, both
module-level styles, retries, and client-level ``default_headers``. The stand-in plays the
gateway (``base_url`` = the stub)."""

from typing import Any, Dict, List

import pytest
from provider_stub import ProviderStub, RecordedRequest, status

import portkey
from portkey import AsyncPortkey, Config, LLMOptions, Portkey
from portkey.api_resources.headers import SDK_HEADER_SPELLINGS, merge_headers

HI = [{"role": "user", "content": "Hi"}]
CALLER = {
    "X-Portkey-Trace-Id": "my-trace",
    "IDEMPOTENCY-KEY": "my-key",
    "X-PORTKEY-METADATA": '{"team": "ml"}',
    "accept": "application/json",
    "x-team": "blue",
}


def sent(record: RecordedRequest, name: str) -> List[str]:
    return record.header_values(name)


def assert_caller_headers_sent_once(record: RecordedRequest) -> None:
    assert sent(record, "x-portkey-trace-id") == ["my-trace"]
    assert sent(record, "idempotency-key") == ["my-key"]
    assert sent(record, "x-portkey-metadata") == ['{"team": "ml"}']
    assert sent(record, "accept") == ["application/json"]
    assert sent(record, "x-team") == ["blue"]


def client_kwargs(stub: ProviderStub, **extra: Any) -> Dict[str, Any]:
    return {"base_url": f"{stub.url}/v1", "provider": "openai", "max_retries": 0, **extra}


def test_sync_call_headers_in_any_case_replace_the_sdks(stub: ProviderStub) -> None:
    client = Portkey(**client_kwargs(stub, trace_id="client-trace", metadata={"team": "x"}))
    client.chat.completions.create(model="m", messages=HI, extra_headers=CALLER)
    with client.chat.completions.create(
        model="m", messages=HI, stream=True, extra_headers=CALLER
    ) as stream:
        assert list(stream)
    first, streamed = stub.requests("default")
    assert_caller_headers_sent_once(first)
    assert_caller_headers_sent_once(streamed)  # the caller's Accept over the stream's
    client.close()


async def test_async_call_headers_in_any_case_replace_the_sdks(stub: ProviderStub) -> None:
    client = AsyncPortkey(**client_kwargs(stub, trace_id="client-trace", metadata={"team": "x"}))
    await client.chat.completions.create(model="m", messages=HI, extra_headers=CALLER)
    stream = await client.chat.completions.create(
        model="m", messages=HI, stream=True, extra_headers=CALLER
    )
    async for _ in stream:
        pass
    first, streamed = stub.requests("default")
    assert_caller_headers_sent_once(first)
    assert_caller_headers_sent_once(streamed)
    await client.close()


@pytest.mark.parametrize("use_async", [False, True])
async def test_a_call_without_its_own_trace_id_gets_one_not_two(
    stub: ProviderStub, use_async: bool
) -> None:
    # The trace id the SDK adds (the call's id) must see the caller's in any spelling.
    headers = {"X-PORTKEY-TRACE-ID": "mine"}
    if use_async:
        client: Any = AsyncPortkey(**client_kwargs(stub))
        await client.chat.completions.create(model="m", messages=HI, extra_headers=headers)
        await client.close()
    else:
        with Portkey(**client_kwargs(stub)) as client:
            client.chat.completions.create(model="m", messages=HI, extra_headers=headers)
    with Portkey(**client_kwargs(stub)) as plain:
        plain.chat.completions.create(model="m", messages=HI)
    given, generated = stub.requests("default")
    assert sent(given, "x-portkey-trace-id") == ["mine"]
    (call_id,) = sent(generated, "x-portkey-trace-id")
    assert sent(generated, "idempotency-key") == [call_id]


@pytest.mark.parametrize("use_async", [False, True])
async def test_retries_repeat_the_callers_headers_once_each(
    stub: ProviderStub, fast_retries: None, use_async: bool
) -> None:
    stub.script("default", status(500), status(503))
    kwargs = client_kwargs(stub, max_retries=2)
    if use_async:
        client: Any = AsyncPortkey(**kwargs)
        await client.chat.completions.create(model="m", messages=HI, extra_headers=CALLER)
        await client.close()
    else:
        with Portkey(**kwargs) as client:
            client.chat.completions.create(model="m", messages=HI, extra_headers=CALLER)
    attempts = stub.requests("default")
    assert len(attempts) == 3
    for number, attempt in enumerate(attempts):
        assert_caller_headers_sent_once(attempt)
        assert sent(attempt, "x-portkey-retry-count") == [str(number)]


def test_default_headers_in_any_case_replace_the_sdks_and_yield_to_the_call(
    stub: ProviderStub,
) -> None:
    client = Portkey(
        **client_kwargs(
            stub,
            trace_id="option-trace",
            default_headers={"X-Portkey-Trace-Id": "default-trace", "X-Team": "red"},
        )
    )
    client.chat.completions.create(model="m", messages=HI)
    client.chat.completions.create(model="m", messages=HI, extra_headers={"x-team": "blue"})
    copy = client.with_options(default_headers={"x-TEAM": "green"})
    copy.chat.completions.create(model="m", messages=HI)
    plain, per_call, copied = stub.requests("default")
    assert sent(plain, "x-portkey-trace-id") == ["default-trace"]
    assert sent(plain, "x-team") == ["red"]
    assert sent(per_call, "x-team") == ["blue"]
    assert sent(copied, "x-team") == ["green"]
    client.close()


async def test_module_calls_put_the_callers_extra_headers_over_their_options(
    stub: ProviderStub,
) -> None:
    portkey.base_url = f"{stub.url}/v1"
    portkey.config = Config(
        mode="single", llms=[LLMOptions(provider="openai", api_key="sk-test", model="m")]
    )
    mine = {"X-Portkey-Trace-Id": "mine", "X-PORTKEY-CACHE-FORCE-REFRESH": "false"}
    try:
        portkey.ChatCompletions.create(
            messages=HI, trace_id="option", cache_force_refresh=True, extra_headers=mine
        )
        await portkey.ChatCompletions.acreate(messages=HI, trace_id="option", extra_headers=mine)
        await portkey.Completions.acreate(prompt="Hi", trace_id="option", extra_headers=mine)
    finally:
        portkey.close()
        await portkey.aclose()
    for record in stub.requests("default"):
        assert sent(record, "x-portkey-trace-id") == ["mine"]
        assert sent(record, "x-portkey-cache-force-refresh") == ["false"]


def test_merging_keeps_the_sdks_spelling_and_an_earlier_one_of_the_callers() -> None:
    headers = {"Idempotency-Key": "sdk", "X-Team": "red", "x-portkey-trace-id": "sdk"}
    merge_headers(
        headers,
        {"idempotency-key": "mine", "x-team": "blue", "X-Portkey-Trace-Id": "t", "New": 1},
    )
    assert headers == {
        "Idempotency-Key": "mine",
        "X-Team": "blue",
        "x-portkey-trace-id": "t",
        "New": "1",
    }
    assert SDK_HEADER_SPELLINGS["content-type"] == "Content-Type"


@pytest.mark.parametrize("bad", [{"bad name": "x"}, {"X-Ok": "line\r\nbreak"}, {3: "x"}])
def test_merging_still_refuses_bad_names_and_values(bad: Dict[Any, Any]) -> None:
    headers = {"X-Team": "red"}
    with pytest.raises(portkey.InvalidHeaderValueError):
        merge_headers(headers, bad)
    assert headers == {"X-Team": "red"}


@pytest.mark.parametrize("use_async", [False, True])
async def test_with_options_adds_default_headers_to_the_clients_own(
    stub: ProviderStub, use_async: bool
) -> None:
    # A copy given default_headers keeps the parent's (the provider key given as
    # Authorization among them), as the openai SDK's with_options does.
    cls: Any = AsyncPortkey if use_async else Portkey
    parent = cls(
        **client_kwargs(stub, Authorization="Bearer sk-parent", default_headers={"X-Team": "red"})
    )
    copies = [
        parent.with_options(default_headers={"x-team": "blue", "X-Extra": "1"}),
        parent.with_options(trace_id="t1"),
        parent.with_options(default_headers=None),
        parent.with_options(default_headers={"authorization": "Bearer sk-copy"}),
        parent.with_options(Authorization="sk-auth", default_headers={"X-Extra": "2"}),
    ]
    for client in copies:
        answer = client.chat.completions.create(model="m", messages=HI)
        if use_async:
            await answer
    blue, traced, unchanged, own_key, both = stub.requests("default")
    assert sent(blue, "authorization") == ["Bearer sk-parent"]
    assert sent(blue, "x-team") == ["blue"] and sent(blue, "x-extra") == ["1"]
    for record in (traced, unchanged):
        assert sent(record, "authorization") == ["Bearer sk-parent"]
        assert sent(record, "x-team") == ["red"] and sent(record, "x-extra") == []
    assert sent(own_key, "authorization") == ["Bearer sk-copy"]
    assert sent(both, "authorization") == ["Bearer sk-auth"]
    assert sent(both, "x-team") == ["red"] and sent(both, "x-extra") == ["2"]
    assert parent.options.default_headers == {
        "X-Team": "red",
        "Authorization": "Bearer sk-parent",
    }
    closed = parent.close()
    if use_async:
        await closed


def test_with_options_still_refuses_a_bad_default_header(stub: ProviderStub) -> None:
    with Portkey(**client_kwargs(stub)) as client, pytest.raises(portkey.InvalidHeaderValueError):
        client.with_options(default_headers={"X-Bad": "a\r\nb"})
