"""The performance changes keep behaviour: first attempt outside tenacity, reused module-level
options, env proxies on the async side without ``trust_env``, response headers kept beside the
models (one record object shared by a stream's chunks), the one-event SSE fast path in the
stream loop and its finish tracking, and models built on first use. The stand-in plays the
gateway (``base_url`` = the stub)."""

import asyncio
import copy
import gc
import json
import logging
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List

import pytest
import requests
from provider_stub import ProviderStub, answer_text, status

import portkey
from portkey import (
    APIConnectionError,
    AsyncPortkey,
    BadRequestError,
    ChatCompletion,
    Config,
    InternalServerError,
    InvalidConfigError,
    LLMOptions,
    Portkey,
    StreamInterruptedError,
)
from portkey.api_resources import streaming
from portkey.api_resources.resources.chat import checked_messages
from portkey.api_resources.response_meta import (
    ResponseMeta,
    attach,
    attach_new,
    meta_of,
    tracked,
)
from portkey.api_resources.responses import (
    APIResponse,
    ChatChunkChoice,
    ChatCompletionChunk,
    TextCompletionChunk,
    parse_response,
)
from portkey.api_resources.streaming import (
    AsyncStream,
    ServerSentEvent,
    SSEDecoder,
    Stream,
    _ChunkParser,
)
from portkey.local.gateway import free_port

HI = [{"role": "user", "content": "Hi"}]


def retry_lines(caplog: pytest.LogCaptureFixture) -> List[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]


# ---- retries: first attempt outside tenacity, then the same policy ------------------------


def test_first_failure_is_retried_as_attempt_one(
    stub: ProviderStub, fast_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="portkey")
    stub.script("default", status(503), status(502))
    client = Portkey(base_url=f"{stub.url}/v1", provider="openai", max_retries=2)
    response = client.chat.completions.create(model="m", messages=HI)
    assert response.choices[0].message.content == answer_text("default")
    assert len(stub.requests("default")) == 3
    lines = retry_lines(caplog)
    assert [line.split(" failed")[0] for line in lines] == [
        "retrying after attempt 1",
        "retrying after attempt 2",
    ]


def test_attempt_limit_counts_the_first_attempt(stub: ProviderStub, fast_retries: None) -> None:
    stub.script("default", *[status(503)] * 4)
    client = Portkey(base_url=f"{stub.url}/v1", provider="openai", max_retries=1)
    with pytest.raises(InternalServerError):
        client.chat.completions.create(model="m", messages=HI)
    assert len(stub.requests("default")) == 2


def test_no_retries_and_non_retryable_fail_at_once(
    stub: ProviderStub, fast_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="portkey")
    stub.script("default", status(503), status(400))
    client = Portkey(base_url=f"{stub.url}/v1", provider="openai", max_retries=3)
    with pytest.raises(InternalServerError):
        client.chat.completions.create(model="m", messages=HI, max_retries=0)
    with pytest.raises(BadRequestError):
        client.chat.completions.create(model="m", messages=HI)
    assert len(stub.requests("default")) == 2
    assert retry_lines(caplog) == []


async def test_async_first_failure_is_retried_as_attempt_one(
    stub: ProviderStub, fast_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="portkey")
    stub.script("default", status(429), status(503), status(503))
    client = AsyncPortkey(base_url=f"{stub.url}/v1", provider="openai", max_retries=2)
    with pytest.raises(InternalServerError):
        await client.chat.completions.create(model="m", messages=HI)
    assert len(stub.requests("default")) == 3
    assert len(retry_lines(caplog)) == 2
    assert retry_lines(caplog)[0].startswith("retrying after attempt 1 failed")


# ---- module-level calls: options reused only while nothing they depend on changed ---------


def config_headers(stub: ProviderStub) -> List[str]:
    return [r.headers["x-portkey-config"] for r in stub.requests("default")]


def test_module_calls_follow_every_change(stub: ProviderStub, monkeypatch: Any) -> None:
    portkey.base_url = f"{stub.url}/v1"
    portkey.api_key = "pk-one"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-one")
    llm = LLMOptions(provider="openai", model="m")  # key read from OPENAI_API_KEY
    portkey.config = Config(llms=[llm])
    portkey.ChatCompletions.create(messages=HI)
    portkey.ChatCompletions.create(messages=HI)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-two")
    portkey.ChatCompletions.create(messages=HI)
    portkey.api_key = "pk-two"
    portkey.ChatCompletions.create(messages=HI)
    portkey.mode = "fallback"
    portkey.ChatCompletions.create(messages=HI)
    seen = stub.requests("default")
    assert [r.headers["x-portkey-api-key"] for r in seen] == ["pk-one"] * 3 + ["pk-two"] * 2
    configs = config_headers(stub)
    assert "sk-env-one" in configs[0] and configs[0] == configs[1]
    assert "sk-env-two" in configs[2] and '"mode":"single"' in configs[3]
    assert '"mode":"fallback"' in configs[4]


def test_module_calls_see_a_dict_config_changed_in_place(stub: ProviderStub) -> None:
    portkey.base_url = f"{stub.url}/v1"
    target = {"provider": "openai", "api_key": "k1"}
    config: Dict[str, Any] = {"strategy": {"mode": "single"}, "targets": [target]}
    portkey.ChatCompletions.create(messages=HI, model="m", config=config)
    target["api_key"] = "k2"  # the same dict, changed in place
    portkey.ChatCompletions.create(messages=HI, model="m", config=config)
    first, second = config_headers(stub)
    assert '"api_key":"k1"' in first and '"api_key":"k2"' in second


def test_module_calls_follow_base_url_and_timeout(stub: ProviderStub) -> None:
    portkey.config = Config(llms=[LLMOptions(provider="openai", api_key="sk-x", model="m")])
    portkey.base_url = f"http://127.0.0.1:{free_port()}/v1"
    portkey.max_retries = 0
    with pytest.raises(APIConnectionError):
        portkey.ChatCompletions.create(messages=HI)
    portkey.base_url = f"{stub.url}/v1"
    assert portkey.ChatCompletions.create(messages=HI).choices[0].message.content
    portkey.timeout = -1.0
    with pytest.raises(portkey.InvalidRequestError, match="timeout"):
        portkey.ChatCompletions.create(messages=HI)


def test_module_calls_with_unchanged_globals_skip_resolving_them(
    stub: ProviderStub, monkeypatch: Any
) -> None:
    from portkey import legacy

    portkey.base_url = f"{stub.url}/v1"
    portkey.api_key = "pk-one"
    portkey.config = Config(llms=[LLMOptions(provider="openai", api_key="sk-x", model="m")])
    portkey.ChatCompletions.create(messages=HI)
    resolved: List[Any] = []
    resolve = legacy._settings
    monkeypatch.setattr(
        legacy, "_settings", lambda config: resolved.append(config) or resolve(config)
    )
    for _ in range(3):
        portkey.ChatCompletions.create(messages=HI)
    assert resolved == []  # the globals compared as set: nothing resolved, no env read
    kept = legacy.default_client()
    portkey.api_key = "".join(["pk-", "one"])  # equal, not the same object
    portkey.ChatCompletions.create(messages=HI)
    assert resolved == [] and legacy.default_client() is kept
    portkey.timeout = 30.0  # a change: resolved once, then compared again
    portkey.ChatCompletions.create(messages=HI)
    portkey.ChatCompletions.create(messages=HI)
    assert len(resolved) == 1 and legacy.default_client() is not kept
    monkeypatch.delenv("PORTKEY_API_KEY", raising=False)
    portkey.api_key = None  # now the key comes from the environment: read on every call
    monkeypatch.setenv("PORTKEY_API_KEY", "pk-env")
    portkey.ChatCompletions.create(messages=HI)
    monkeypatch.setenv("PORTKEY_API_KEY", "pk-env-two")
    portkey.ChatCompletions.create(messages=HI)
    keys = [r.headers["x-portkey-api-key"] for r in stub.requests("default")]
    assert keys == ["pk-one"] * 7 + ["pk-env", "pk-env-two"]


async def test_module_calls_go_to_the_client_without_the_resource_coroutine(
    stub: ProviderStub, monkeypatch: Any
) -> None:
    # A module call builds the resource's Call and hands it to the client's send: the
    # resource's own coroutine would be one more layer on every suspension of every call.
    from portkey.api_resources.resources import chat, completions

    def not_this_way(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the module call went through the resource method")

    for resource in (chat.AsyncChatCompletions, chat.ChatCompletions):
        monkeypatch.setattr(resource, "create", not_this_way)
    for resource in (completions.AsyncCompletions, completions.Completions):
        monkeypatch.setattr(resource, "create", not_this_way)
    portkey.base_url = f"{stub.url}/v1"
    portkey.config = Config(
        mode="single", llms=[LLMOptions(provider="openai", api_key="sk-test", model="m")]
    )
    chat_answer = await portkey.ChatCompletions.acreate(messages=HI, extra_body={"seed": 7})
    text_answer = await portkey.Completions.acreate(prompt="Hi", model="m2")
    assert chat_answer.choices[0].message.content
    assert text_answer.choices[0].text
    assert portkey.ChatCompletions.create(messages=HI).choices[0].message.content
    assert portkey.Completions.create(prompt="Hi").choices[0].text
    sent = [r.json for r in stub.requests("default")[-4:]]
    assert [r.get("seed") for r in sent] == [7, None, None, None]
    assert sent[1]["model"] == "m2"
    assert [r.get("messages") for r in sent] == [HI, None, HI, None]


def test_module_calls_check_the_model_from_the_config_once(stub: ProviderStub) -> None:
    from portkey import legacy

    portkey.base_url = f"{stub.url}/v1"
    portkey.config = Config(llms=[LLMOptions(provider="openai", api_key="sk-x")])
    with pytest.raises(portkey.InvalidRequestError, match=r"llms\[0\] has no model"):
        portkey.ChatCompletions.create(messages=HI)
    assert legacy.default_client().models_missing == [0]
    assert portkey.ChatCompletions.create(messages=HI, model="m").choices
    assert stub.requests("default")[0].json["model"] == "m"


async def test_module_calls_merge_trace_options_with_extra_headers(stub: ProviderStub) -> None:
    portkey.base_url = f"{stub.url}/v1"
    portkey.config = Config(llms=[LLMOptions(provider="openai", api_key="sk-x", model="m")])
    portkey.ChatCompletions.create(
        messages=HI, trace_id="t-sync", extra_headers={"x-portkey-metadata": '{"a":"1"}'}
    )
    await portkey.ChatCompletions.acreate(
        messages=HI, trace_id="t-async", extra_headers={"x-custom": "yes"}
    )
    first, second = stub.requests("default")
    assert first.headers["x-portkey-trace-id"] == "t-sync"
    assert first.headers["x-portkey-metadata"] == '{"a":"1"}'
    assert second.headers["x-portkey-trace-id"] == "t-async"
    assert second.headers["x-custom"] == "yes"


# ---- env proxies: read once per connection pool --------------------------------------------


async def test_async_env_proxies_are_read_when_the_pool_opens(
    stub: ProviderStub, monkeypatch: Any
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    client = AsyncPortkey(base_url=f"{stub.url}/v1", provider="openai", max_retries=0)
    await client.chat.completions.create(model="m", messages=HI)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # nothing listens
    await client.chat.completions.create(model="m", messages=HI)  # the open pool keeps its own
    await client.close()  # a new pool reads the environment again
    with pytest.raises(APIConnectionError):
        await client.chat.completions.create(model="m", messages=HI)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fresh = AsyncPortkey(base_url=f"{stub.url}/v1", provider="openai", max_retries=0)
    await fresh.chat.completions.create(model="m", messages=HI)
    await client.close()
    await fresh.close()
    assert len(stub.requests("default")) == 3


def test_sync_env_proxies_are_read_when_the_pool_opens(
    stub: ProviderStub, monkeypatch: Any
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    client = Portkey(base_url=f"{stub.url}/v1", provider="openai", max_retries=0)
    client.chat.completions.create(model="m", messages=HI)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # nothing listens
    client.chat.completions.create(model="m", messages=HI)  # the open pool keeps its own
    client.close()
    with pytest.raises(APIConnectionError):
        client.chat.completions.create(model="m", messages=HI)
    client.close()
    assert len(stub.requests("default")) == 2


async def test_async_calls_go_through_a_working_env_proxy(
    stub: ProviderStub, monkeypatch: Any
) -> None:
    # The stub answers proxied requests too (absolute-form request lines), so a gateway URL
    # on a closed port is reached only if the request really goes through the proxy.
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", stub.url)
    client = AsyncPortkey(
        base_url=f"http://127.0.0.1:{free_port()}/v1", provider="openai", max_retries=0
    )
    response = await client.chat.completions.create(model="m", messages=HI)
    assert response.choices[0].message.content == answer_text("default")
    assert stub.requests("default")[0].endpoint == "/chat/completions"


# ---- response headers: kept beside the model, one object per stream ------------------------


def test_stream_chunks_carry_the_response_headers(stub: ProviderStub) -> None:
    client = Portkey(base_url=f"{stub.url}/v1", provider="openai")
    with client.chat.completions.create(model="m", messages=HI, stream=True) as stream:
        chunks = list(stream)
    assert chunks and all(
        c.get_headers()["content-type"].startswith("text/event-stream") for c in chunks
    )
    assert chunks[0].raw_json == ""
    # The fast path: the chunks share their stream's one headers object, not a copy each.
    assert len({id(meta_of(c)) for c in chunks}) == 1
    assert chunks[0].get_headers() is not chunks[1].get_headers()  # callers get copies


def test_response_models_hold_no_slots_or_private_attributes() -> None:
    # The headers live beside the model (response_meta.py): no __slots__ written around
    # pydantic, and no private attribute for pydantic to set up per stream chunk.
    for model in (APIResponse, ChatCompletion, ChatCompletionChunk):
        assert "__slots__" not in vars(model)
        assert model.__private_attributes__ == {}


def test_response_meta_records_die_with_their_responses() -> None:
    gc.collect()
    before = tracked()
    body = b'{"id": "x", "choices": []}'
    responses = [parse_response(ChatCompletion, body, {"n": str(i)}) for i in range(200)]
    assert tracked() == before + 200
    assert [r.get_headers()["n"] for r in responses[:3]] == ["0", "1", "2"]
    del responses
    gc.collect()
    assert tracked() == before
    # A response built later (often at the very address of a dead one) has no headers.
    for _ in range(50):
        parse_response(ChatCompletion, body, {"stale": "yes"})
        assert ChatCompletion(id="new").get_headers() == {}


def test_stream_chunks_are_recorded_without_the_replacing_attach(monkeypatch: Any) -> None:
    # A chunk was validated just now and has no record: the loop skips looking for one.
    replacing: List[object] = []
    monkeypatch.setattr(streaming, "attach", replacing.append, raising=False)
    gc.collect()
    before = tracked()
    reads = [event_bytes(chunk_payload(t)) for t in "abc"] + [b"data: [DONE]\n\n"]
    chunks = contents_of_stream(reads, {"h": "v"})
    assert replacing == []
    assert [c.get_headers() for c in chunks] == [{"h": "v"}] * 3
    assert tracked() == before + 3
    del chunks
    gc.collect()
    assert tracked() == before


def test_parsed_responses_are_recorded_without_the_replacing_attach(monkeypatch: Any) -> None:
    # A response parsed just now has no record to replace: parse_response skips looking.
    from portkey.api_resources import responses

    replacing: List[object] = []
    monkeypatch.setattr(responses, "attach", lambda *args: replacing.append(args))
    body = b'{"id": "x", "choices": []}'
    response = parse_response(ChatCompletion, body, {"X-Seen": "yes"})
    assert replacing == []
    assert response.get_headers() == {"x-seen": "yes"}
    assert response.raw_json == body.decode()


def test_attach_new_records_what_attach_records() -> None:
    body = b'{"id": "x", "choices": []}'
    first, second = (parse_response(ChatCompletion, body, {}) for _ in range(2))
    meta = ResponseMeta({"X-Name": "v"}, b"raw")
    attach(first, meta)
    attach_new(second, meta)
    for response in (first, second):
        assert meta_of(response) is meta
        assert response.get_headers() == {"x-name": "v"} and response.raw_json == "raw"
    # attach replaces an earlier record (attach_new is only for responses that have none).
    before = tracked()
    attach(first, ResponseMeta({"x-name": "w"}))
    assert first.get_headers() == {"x-name": "w"}
    assert tracked() == before


def test_response_headers_survive_copies_and_pickles() -> None:
    body = b'{"id": "x", "choices": []}'
    response = parse_response(ChatCompletion, body, {"x-portkey-cache-status": "HIT"})
    for other in (
        copy.copy(response),
        copy.deepcopy(response),
        response.model_copy(),
        pickle.loads(pickle.dumps(response)),
    ):
        assert other.gateway.cache_status == "HIT"
        assert other.raw_json == body.decode()
        assert other == response
    assert parse_response(ChatCompletion, body, {}) != response  # headers count, as before
    bare = ChatCompletion(id="y")
    assert bare.get_headers() == {} and bare.raw_json == "" and bare.gateway.cache_status is None


# ---- SSE: the one-event fast path decodes like the general path -----------------------------


def events_of(pieces: List[bytes]) -> List[ServerSentEvent]:
    decoder = SSEDecoder()
    events = [event for piece in pieces for event in decoder.feed(piece)]
    return events + decoder.flush()


@pytest.mark.parametrize(
    "body",
    [
        b'data: {"a": 1}\n\ndata: {"b": 2}\n\ndata: [DONE]\n\n',
        b"event: error\ndata: x\n\ndata: y\n\n",
        b"data: one\ndata: two\n\n: comment\ndata: three\n\n",
        b"data: crlf\r\n\r\ndata: cr\r\rdata:nospace\n\n",
        "data: é ü\n\n".encode(),
    ],
)
def test_fast_path_events_equal_byte_by_byte_decoding(body: bytes) -> None:
    whole = [(e.event, e.data) for e in events_of([body])]
    by_event = [
        (e.event, e.data) for e in events_of([p + b"\n\n" for p in body.split(b"\n\n") if p])
    ]
    by_byte = [(e.event, e.data) for e in events_of([body[i : i + 1] for i in range(len(body))])]
    assert whole == by_byte
    if b"\r" not in body:
        assert by_event == by_byte


# ---- the stream loop takes the usual chunk without the general decoder ----------------------


def event_bytes(payload: Dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def chunk_payload(content: str, finish: Any = None) -> Dict[str, Any]:
    return {"choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]}


def contents_of_stream(reads: List[bytes], headers: Dict[str, str]) -> List[ChatCompletionChunk]:
    stream: Stream[ChatCompletionChunk] = Stream(
        cast_to=ChatCompletionChunk, body=iter(reads), close=lambda: None, headers=headers
    )
    return list(stream)


def contents(reads: List[bytes]) -> List[Any]:
    stream: Stream[ChatCompletionChunk] = Stream(
        cast_to=ChatCompletionChunk, body=iter(reads), close=lambda: None, headers={"a": "b"}
    )
    return [(c.choices[0].delta.content, c.choices[0].finish_reason) for c in stream]


def test_usual_chunks_skip_the_general_decoder(fed: List[bytes]) -> None:
    reads = [event_bytes(chunk_payload(f"t{i}")) for i in range(5)]
    reads.append(event_bytes(chunk_payload("", "stop")) + b"data: [DONE]\n\n")  # two events
    assert contents(reads) == [(f"t{i}", None) for i in range(5)] + [("", "stop")]
    assert fed == [reads[-1]]  # only the read holding two events took the general path


def test_fast_and_general_paths_give_the_same_chunks() -> None:
    events = [event_bytes(chunk_payload(text)) for text in ("a", "é", "c")]
    body = b"".join(events) + b"data: [DONE]\n\n"
    one_per_read = contents([*events, b"data: [DONE]\n\n"])  # the fast path
    assert one_per_read == contents([body])  # the general path, all in one read
    assert one_per_read == contents([body[i : i + 7] for i in range(0, len(body), 7)])
    assert one_per_read == [("a", None), ("é", None), ("c", None)]


# A read either is one plain one-line data event (the fast path takes it) or is left to the
# general decoder, which must then give what the fast path would have; the reads below cover
# both sides of every check in parse_usual.
_USUAL_READS = [
    b'data: {"a": 1}\n\n',
    b"data: [DONE]\n\n",
    'data: {"é": "ü"}\n\n'.encode(),
    b'data: {"a": "\xff"}\n\n',  # not UTF-8: read as text with a replacement character
    b'data:  {"a": "two spaces: the second belongs to the data"}\n\n',
    b"data: \n\n",  # empty data: not JSON, on either path
    b"data: {not json\n\n",
]
_OTHER_READS = [
    b"",
    b'data: {"a": 1}',
    b'data: {"a": 1}\n',
    b'data: {"a": 1}\r\n\r\n',
    b'data: {"a":\r1}\n\n',  # CR inside: a line break, not data
    b'data: {"a":\n1}\n\n',  # LF inside: two lines
    b'data: {"a":\ndata: 1}\n\n',  # two data lines: one event, joined
    b'data: {"a": 1}\n\n\n',
    b'data: {"a": 1}\r\n\n',
    b'data:{"a": 1}\n\n',  # no space after the colon
    b'event: error\ndata: {"a": 1}\n\n',  # a typed event
    b"\n\n",
    b'data: {"a": 1}\n\ndata: {"b": 2}\n\n',  # two events
    b": comment\n\n",
    b'datum: {"a": 1}\n\n',
]


def outcome(reads: List[bytes]) -> Any:
    """The chunks a stream of these reads yields, and how it ends."""
    stream: Stream[ChatCompletionChunk] = Stream(
        cast_to=ChatCompletionChunk, body=iter(reads), close=lambda: None, headers={}
    )
    chunks = []
    try:
        for chunk in stream:
            chunks.append(chunk.to_dict())
    except Exception as exc:  # the error is part of the outcome compared
        return chunks, type(exc).__name__, str(exc)
    return chunks, "complete"


def byte_by_byte(reads: List[bytes]) -> List[bytes]:
    # One byte per read never has the fast path's shape: the general decoder alone.
    body = b"".join(reads)
    return [body[i : i + 1] for i in range(len(body))]


@pytest.fixture
def fed(monkeypatch: Any) -> List[bytes]:
    """The reads that went to the general decoder."""
    reads: List[bytes] = []
    general = SSEDecoder.feed

    def counting_feed(self: SSEDecoder, chunk: bytes) -> List[ServerSentEvent]:
        reads.append(chunk)
        return general(self, chunk)

    monkeypatch.setattr(SSEDecoder, "feed", counting_feed)
    return reads


@pytest.mark.parametrize("read", _USUAL_READS + _OTHER_READS)
def test_the_fast_path_takes_exactly_the_plain_one_line_events(
    read: bytes, fed: List[bytes]
) -> None:
    fast = outcome([read])
    assert fed[:1] == ([] if read in _USUAL_READS else [read])  # (flush may feed a line end)
    assert fast == outcome(byte_by_byte([read]))


@pytest.mark.parametrize(
    "pending",
    [
        b"data: pend",  # a line left over from an earlier read
        b"event: update\n",  # an event type
        b'data: {"a": 1}\n',  # data of an unfinished event
    ],
)
def test_the_fast_path_waits_while_anything_is_pending(pending: bytes, fed: List[bytes]) -> None:
    reads = [pending, b'data: {"b": 2}\n\n', b'data: {"c": 3}\n\n']
    fast = outcome(reads)
    assert fed[:2] == reads[:2]
    assert fast == outcome(byte_by_byte(reads))


def finish_payload(*choices: Any) -> bytes:
    payload = {"choices": [{"index": index, "finish_reason": finish} for index, finish in choices]}
    return event_bytes(payload)


class ChoicesElsewhere(APIResponse):
    """A chunk type with chat choices that is not a chat chunk: its finishes are probed."""

    choices: List[ChatChunkChoice] = []


_CHUNK_TYPES = [ChatCompletionChunk, TextCompletionChunk, ChoicesElsewhere]
_ENDINGS = {
    # events (no [DONE] marker) -> whether the stream is complete
    "one of two choices finished": (
        [
            finish_payload((0, None), (1, None)),
            finish_payload((0, "stop")),
            finish_payload((1, None)),
        ],
        False,
    ),
    "both finished, one chunk after a finish": (
        [
            finish_payload((0, None)),
            finish_payload((1, "stop")),
            finish_payload((0, None)),
            finish_payload((0, "length")),
        ],
        True,
    ),
    "finished, then a chunk without choices": (
        [finish_payload((0, None)), finish_payload((0, "stop")), event_bytes({"usage": {}})],
        True,
    ),
    "no choices at all": ([event_bytes({"usage": {}})], False),
}


def ending(cast_to: Any, reads: List[bytes]) -> Any:
    stream: Stream[Any] = Stream(cast_to=cast_to, body=iter(reads), close=lambda: None, headers={})
    try:
        return len(list(stream))
    except StreamInterruptedError as exc:
        return ("interrupted", exc.chunks_received)


def async_ending(cast_to: Any, reads: List[bytes]) -> Any:
    async def body() -> AsyncIterator[bytes]:
        for read in reads:
            yield read

    async def count() -> int:
        stream: AsyncStream[Any] = AsyncStream(
            cast_to=cast_to, body=body(), close=lambda: None, headers={}
        )
        return len([chunk async for chunk in stream])

    try:
        return asyncio.run(count())
    except StreamInterruptedError as exc:
        return ("interrupted", exc.chunks_received)


@pytest.mark.parametrize("cast_to", _CHUNK_TYPES)
@pytest.mark.parametrize("name", list(_ENDINGS))
def test_finish_tracking_is_the_same_on_the_fast_and_general_paths(cast_to: Any, name: str) -> None:
    events, complete = _ENDINGS[name]
    body = b"".join(events)
    expected = len(events) if complete else ("interrupted", len(events))
    assert ending(cast_to, events) == expected  # one event per read: the fast path
    assert async_ending(cast_to, events) == expected
    assert ending(cast_to, [body]) == expected  # all in one read: the general path
    assert ending(cast_to, [body[i : i + 5] for i in range(0, len(body), 5)]) == expected


def test_chat_and_text_chunks_track_finishes_from_their_fields(monkeypatch: Any) -> None:
    probed: List[Any] = []
    general = _ChunkParser._track_choices

    def probing(self: Any, chunk: Any) -> None:
        probed.append(type(chunk))
        general(self, chunk)

    monkeypatch.setattr(_ChunkParser, "_track_choices", probing)
    events = [finish_payload((0, None)), finish_payload((0, "stop"))]
    for cast_to in (ChatCompletionChunk, TextCompletionChunk):
        assert ending(cast_to, events) == 2
    assert probed == []  # read directly on the fast path, no getattr probing
    assert ending(ChoicesElsewhere, events) == 2
    assert probed == [ChoicesElsewhere, ChoicesElsewhere]


# ---- models build on first use ---------------------------------------------------------------

_FIRST_USE = """
import json
import portkey
from portkey.api_resources import gateway_config, responses
before = {
    name: model.__pydantic_complete__
    for name, model in [
        ("ChatCompletion", responses.ChatCompletion),
        ("ModelList", responses.ModelList),
        ("GatewayTarget", gateway_config.GatewayTarget),
        ("Config", portkey.Config),
    ]
}
config = portkey.Config(llms=[portkey.LLMOptions(provider="openai", api_key="sk-x", model="m")])
answer = responses.parse_response(
    responses.ChatCompletion, b'{"choices": [{"message": {"content": "hi"}}]}', {}
)
target = gateway_config.GatewayTarget.model_validate(
    {"strategy": {"mode": "fallback"}, "targets": [{"provider": "openai"}]}
)
print(json.dumps({
    "before": before,
    "content": answer.choices[0].message.content,
    "nested": target.targets[0].provider,
    "config": config.llms[0].model,
    "models_unbuilt_after": responses.ModelList.__pydantic_complete__,
}))
"""


def test_models_are_built_on_first_use_not_at_import() -> None:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_USE], cwd=root, capture_output=True, text=True, check=True
    )
    seen = json.loads(done.stdout)
    assert seen["before"] == {
        "ChatCompletion": False,
        "ModelList": False,
        "GatewayTarget": False,
        "Config": False,
    }
    assert (seen["content"], seen["nested"], seen["config"]) == ("hi", "openai", "m")
    assert seen["models_unbuilt_after"] is False  # untouched models stay unbuilt


_PLAIN_CALL_PATH = """
import json, sys
import portkey
from portkey.api_resources import responses
client = portkey.Portkey(api_key="pk", config=portkey.Config(
    llms=[portkey.LLMOptions(provider="openai", api_key="sk-x", model="m")]))
completions = client.chat.completions
built_at_import = responses.ChatCompletionMessage.__pydantic_complete__
answer = responses.parse_response(
    responses.ChatCompletion, b'{"choices": [{"message": {"content": "hi"}}]}', {}
)
print(json.dumps({
    "loaded": sorted(sys.modules),
    "message_built_at_import": built_at_import,
    "content": answer.choices[0].message.content,
}))
"""

#: Modules a plain (sync) chat call never needs: the async transport, the stream helpers, the
#: platform and Responses models, and the did-you-mean machinery of error messages.
_NOT_ON_THE_PLAIN_CALL_PATH = (
    "aiohttp",
    "difflib",
    "portkey.api_resources.assistant_types",
    "portkey.api_resources.chat_stream",
    "portkey.api_resources.platform_types",
    "portkey.api_resources.response_types",
)


def test_a_plain_chat_call_loads_only_what_it_uses() -> None:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", _PLAIN_CALL_PATH],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["content"] == "hi"
    assert [name for name in _NOT_ON_THE_PLAIN_CALL_PATH if name in seen["loaded"]] == []
    # A model instance as a field default would build the whole chat tree at import.
    assert seen["message_built_at_import"] is False


def test_the_helpers_left_off_the_call_path_still_work() -> None:
    client = Portkey(api_key="pk", base_url="http://127.0.0.1:9/v1")
    manager = client.chat.completions.stream(
        model="m", messages=[{"role": "user", "content": "hi"}]
    )
    assert type(manager).__name__ == "ChatCompletionStreamManager"
    with pytest.raises(InvalidConfigError, match="did you mean 'fallback'"):
        Portkey(api_key="pk", config={"strategy": {"mode": "falback"}, "targets": [{}]})
    with pytest.raises(InvalidConfigError, match="did you mean 'openai'"):
        Portkey(api_key="pk", config={"provider": "opnai", "api_key": "k"})


def test_a_stream_of_an_unbuilt_model_builds_it() -> None:
    code = (
        "from portkey.api_resources.streaming import Stream\n"
        "from portkey.api_resources.responses import TextCompletionChunk as T\n"
        "assert not T.__pydantic_complete__\n"
        's = Stream(cast_to=T, body=iter([b\'data: {"choices": [{"text": "x"}]}\\n\\n\','
        " b'data: [DONE]\\n\\n']), close=lambda: None, headers={})\n"
        "print([c.choices[0].text for c in s])\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['x']"


def test_fast_path_reads_bytes_that_are_not_utf8_as_the_general_path_does() -> None:
    event = b'data: {"choices": [{"index": 0, "delta": {"content": "a\xffb"}}]}\n\n'
    done = b"data: [DONE]\n\n"
    fast = contents([event, done])  # one event per read: validated from the bytes
    general = contents([event[:10], event[10:], done])  # split: the general decoder
    assert fast == general == [("a\ufffdb", None)]


def test_headers_are_lower_cased_when_read_not_when_received() -> None:
    received = requests.structures.CaseInsensitiveDict({"X-Portkey-Cache-Status": "HIT"})
    response = parse_response(ChatCompletion, b'{"id": "x"}', received)
    meta = meta_of(response)
    assert meta._headers is None  # nothing copied on the call's path
    assert response.get_headers() == {"x-portkey-cache-status": "HIT"}
    assert response.gateway.cache_status == "HIT"
    assert meta._headers == {"x-portkey-cache-status": "HIT"}  # copied once, then kept


# ---- cheap type checks on every call keep their verdicts ------------------------------------


@pytest.mark.parametrize("bad", [None, "Hi", b"Hi", {"role": "user", "content": "Hi"}, []])
def test_chat_messages_check_refuses_what_is_not_a_list_of_messages(bad: Any) -> None:
    with pytest.raises(portkey.InvalidRequestError) as caught:
        checked_messages(bad)
    assert caught.value.field == "messages"


def test_chat_messages_check_takes_lists_tuples_and_generators() -> None:
    message = {"role": "user", "content": "Hi"}
    assert checked_messages([message]) == [message]
    assert checked_messages((message,)) == [message]
    assert checked_messages(m for m in [message]) == [message]


def test_chat_messages_of_plain_dicts_skip_the_general_role_check(monkeypatch: Any) -> None:
    from portkey.api_resources.resources import chat

    def general_check(messages: Any) -> None:
        raise AssertionError("the general role check ran for plain dict messages")

    monkeypatch.setattr(chat, "_check_roles", general_check)
    messages = [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Hi"}]
    assert checked_messages(messages) == messages


def test_chat_messages_of_other_kinds_get_the_general_role_check() -> None:
    from collections import OrderedDict, UserDict

    from portkey import Message

    kinds = [
        {"role": "user", "content": "a"},
        OrderedDict(role="assistant", content="b"),
        UserDict(role="user", content="c"),
        Message(role="user", content="d"),
    ]
    assert checked_messages(kinds) == kinds
    for bad in ({"content": "no role"}, UserDict(content="x"), {"role": "", "content": "x"}, 7):
        with pytest.raises(portkey.InvalidRequestError, match=r"messages\[2\] has no role"):
            checked_messages([*kinds[:2], bad, kinds[3]])
        if type(bad) is dict:  # among plain dicts only
            with pytest.raises(portkey.InvalidRequestError, match=r"messages\[2\] has no role"):
                checked_messages([kinds[0], kinds[0], bad, kinds[0]])


async def test_the_open_session_is_found_without_awaiting(stub: ProviderStub) -> None:
    client = AsyncPortkey(base_url=f"{stub.url}/v1", provider="openai")
    requestor = client.requestor
    assert requestor._open_session() is None  # nothing opened yet on this loop
    await client.chat.completions.create(model="m", messages=HI)
    session = requestor._open_session()
    assert session is not None and session is await requestor.session()
    await client.close()
    assert requestor._open_session() is None


class _NoLookups(dict):  # type: ignore[type-arg]
    def get(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the session table was searched for the loop just used")


async def test_calls_on_the_loop_just_used_skip_the_session_table(stub: ProviderStub) -> None:
    client = AsyncPortkey(base_url=f"{stub.url}/v1", provider="openai")
    requestor = client.requestor
    await client.chat.completions.create(model="m", messages=HI)
    session = requestor._open_session()
    table = requestor._sessions
    requestor._sessions = _NoLookups(table)  # type: ignore[assignment]
    try:
        assert requestor._open_session() is session
        await client.chat.completions.create(model="m", messages=HI)
    finally:
        requestor._sessions = table
    await client.close()
    assert requestor._open_session() is None


def test_a_loop_after_another_finds_its_own_session(stub: ProviderStub) -> None:
    client = AsyncPortkey(base_url=f"{stub.url}/v1", provider="openai")
    requestor = client.requestor

    async def call_and_look() -> Any:
        await client.chat.completions.create(model="m", messages=HI)
        return requestor._open_session()

    first_loop, second_loop = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        first = first_loop.run_until_complete(call_and_look())
        second = second_loop.run_until_complete(call_and_look())
        assert first is not None and second is not None and first is not second
        assert first_loop.run_until_complete(call_and_look()) is first  # found again
        assert second_loop.run_until_complete(call_and_look()) is second
        assert requestor.open_sessions == 2
    finally:
        for loop in (first_loop, second_loop):
            loop.run_until_complete(client.close())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
    assert requestor.open_sessions == 0
