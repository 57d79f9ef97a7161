"""The transport on its own: the stand-in plays the gateway (base_url = the stub), so each
failure the SDK must handle can be produced exactly. Sync and async twins side by side."""

import asyncio
import time
from typing import Any, Dict, Type

import pytest
from provider_stub import (
    ProviderStub,
    answer_text,
    cut_stream,
    empty_body,
    html_error,
    malformed_json,
    reset,
    slow,
    status,
)

from portkey import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncPortkey,
    AuthenticationError,
    BadRequestError,
    BinaryResponse,
    ChatCompletion,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    Portkey,
    RateLimitError,
    StreamInterruptedError,
    UnprocessableEntityError,
)
from portkey.api_resources.transport import RetryPolicy, retry_after_seconds
from portkey.local.gateway import free_port

HI = [{"role": "user", "content": "Hi"}]


def client_for(stub: ProviderStub, **params: Any) -> Portkey:
    return Portkey(base_url=f"{stub.url}/v1", provider="openai", **params)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (418, APIStatusError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
    ],
)
def test_each_status_maps_to_its_exception(
    stub: ProviderStub, code: int, error: Type[APIStatusError]
) -> None:
    body = {"error": {"message": f"failure {code}", "type": "test"}}
    stub.script("default", status(code, body, {"x-portkey-trace-id": "trace-9"}))
    with pytest.raises(error) as info:
        client_for(stub, max_retries=0).chat.completions.create(model="m", messages=HI)
    assert type(info.value) is error
    assert info.value.status_code == code
    assert info.value.message == f"failure {code}"
    assert info.value.body == body
    assert info.value.request_id == "trace-9"
    assert (info.value.type, info.value.code, info.value.param) == ("test", None, None)
    assert str(info.value) == f"{code}: failure {code}"


@pytest.mark.parametrize(
    ("body", "headers", "fields", "request_id"),
    [
        (
            {"error": {"message": "m", "type": "invalid_request_error", "param": "model",
                       "code": "model_not_found"}},
            {"x-request-id": "req_1"},
            ("invalid_request_error", "model_not_found", "model"),
            "req_1",
        ),
        (
            {"message": "m", "type": "t", "code": 42},
            {"x-portkey-trace-id": "trace-1", "x-request-id": "req_2"},
            ("t", "42", None),
            "trace-1",
        ),
        ({"error": "just text"}, {}, (None, None, None), None),
    ],
)  # fmt: skip
def test_status_errors_carry_the_openai_sdks_error_fields(
    stub: ProviderStub, body: Any, headers: Dict[str, str], fields: Any, request_id: Any
) -> None:
    stub.script("default", status(400, body, headers))
    with pytest.raises(BadRequestError) as info:
        client_for(stub, max_retries=0).chat.completions.create(model="m", messages=HI)
    assert (info.value.type, info.value.code, info.value.param) == fields
    assert info.value.request_id == request_id


def test_gateway_style_error_message_is_used(stub: ProviderStub) -> None:
    body = {"status": "failure", "message": "Invalid config passed", "errors": ["path: x"]}
    stub.script("default", status(400, body))
    with pytest.raises(BadRequestError, match=r"Invalid config passed.*path: x"):
        client_for(stub).chat.completions.create(model="m", messages=HI)


def test_retryable_statuses_are_retried_then_succeed(
    stub: ProviderStub, fast_retries: None
) -> None:
    stub.script("default", status(503), status(429), status(408))
    response = client_for(stub, max_retries=3).chat.completions.create(model="m", messages=HI)
    assert response.choices[0].message.content == answer_text("default")
    assert len(stub.requests("default")) == 4


def test_retries_are_bounded_and_the_last_error_raised(
    stub: ProviderStub, fast_retries: None
) -> None:
    stub.script("default", *[status(502)] * 5)
    with pytest.raises(InternalServerError):
        client_for(stub, max_retries=2).chat.completions.create(model="m", messages=HI)
    assert len(stub.requests("default")) == 3


def test_client_errors_are_not_retried(stub: ProviderStub, fast_retries: None) -> None:
    stub.script("default", status(400), status(400))
    with pytest.raises(BadRequestError):
        client_for(stub, max_retries=3).chat.completions.create(model="m", messages=HI)
    assert len(stub.requests("default")) == 1


def test_retry_after_is_honoured(stub: ProviderStub) -> None:
    stub.script("default", status(429, None, {"Retry-After": "0.4"}))
    started = time.monotonic()
    client_for(stub, max_retries=1).chat.completions.create(model="m", messages=HI)
    assert time.monotonic() - started >= 0.4


def test_retry_policy_delays() -> None:
    policy = RetryPolicy()
    policy.jitter = lambda: 1.0  # type: ignore[method-assign]
    assert [policy.delay(n, None) for n in (1, 2, 3, 4, 5, 6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    too_long = APIStatusError("x", status_code=429, headers={"retry-after": "3600"})
    assert policy.delay(1, too_long) == 0.5  # an hour is ignored; the backoff applies
    assert retry_after_seconds({"retry-after-ms": "250"}) == 0.25
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert 0 < RetryPolicy().jitter() <= 1
    assert not policy.should_retry(StreamInterruptedError("cut", chunks_received=3))


def test_connection_refused_is_retried_then_raised(fast_retries: None) -> None:
    client = Portkey(
        base_url=f"http://127.0.0.1:{free_port()}/v1", provider="openai", max_retries=2
    )
    with pytest.raises(APIConnectionError, match=r"127\.0\.0\.1"):
        client.chat.completions.create(model="m", messages=HI)


def test_slow_gateway_times_out(stub: ProviderStub) -> None:
    stub.script("default", slow(3))
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        client_for(stub, max_retries=0, timeout=0.3).chat.completions.create(model="m", messages=HI)
    assert time.monotonic() - started < 2


def test_per_call_timeout_and_retries(stub: ProviderStub) -> None:
    stub.script("default", slow(3))
    client = client_for(stub)
    with pytest.raises(APITimeoutError):
        client.chat.completions.create(model="m", messages=HI, timeout=0.3, max_retries=0)
    assert len(stub.requests("default")) == 1


def test_connection_reset_without_answer(stub: ProviderStub) -> None:
    stub.script("default", reset())
    with pytest.raises(APIConnectionError):
        client_for(stub, max_retries=0).chat.completions.create(model="m", messages=HI)


def test_malformed_and_empty_success_bodies(stub: ProviderStub) -> None:
    stub.script("default", malformed_json(), empty_body())
    client = client_for(stub, max_retries=0)
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        client.chat.completions.create(model="m", messages=HI)
    with pytest.raises(APIResponseValidationError):
        client.chat.completions.create(model="m", messages=HI)


def test_html_error_page(stub: ProviderStub) -> None:
    stub.script("default", html_error(502))
    with pytest.raises(InternalServerError, match="non-JSON"):
        client_for(stub, max_retries=0).chat.completions.create(model="m", messages=HI)


def test_echoed_secret_is_masked_in_the_error(stub: ProviderStub) -> None:
    secret = "sk-provider-secret-123456789"
    stub.script("default", status(401, {"error": {"message": f"Incorrect API key: {secret}"}}))
    client = client_for(stub, max_retries=0, default_headers={"Authorization": f"Bearer {secret}"})
    with pytest.raises(AuthenticationError) as info:
        client.chat.completions.create(model="m", messages=HI)
    assert secret not in str(info.value) and secret not in repr(info.value.body)
    assert "sk-...6789" in info.value.message


def test_stream_cut_midway_raises(stub: ProviderStub) -> None:
    stub.set_stream_chunks(6)
    stub.script("default", cut_stream(2))
    stream = client_for(stub).chat.completions.create(model="m", messages=HI, stream=True)
    received = []
    with pytest.raises(StreamInterruptedError) as info:
        for chunk in stream:
            received.append(chunk)
    assert info.value.chunks_received == len(received) == 2


def test_stream_closed_early_releases_the_connection(stub: ProviderStub) -> None:
    stub.set_stream_chunks(6)
    client = client_for(stub)
    with client.chat.completions.create(model="m", messages=HI, stream=True) as stream:
        first = next(iter(stream))
    assert first.choices[0].delta.content
    # The same client keeps working after an abandoned stream.
    assert client.chat.completions.create(model="m", messages=HI).choices


# ---- async twins ------------------------------------------------------------------------------


def async_client_for(stub: ProviderStub, **params: Any) -> AsyncPortkey:
    return AsyncPortkey(base_url=f"{stub.url}/v1", provider="openai", **params)


async def test_async_status_retry_and_timeout(stub: ProviderStub, fast_retries: None) -> None:
    client = async_client_for(stub, max_retries=2)
    stub.script("default", status(503))
    response = await client.chat.completions.create(model="m", messages=HI)
    assert response.choices[0].message.content == answer_text("default")
    stub.script("default", status(404))
    with pytest.raises(NotFoundError):
        await client.chat.completions.create(model="m", messages=HI)
    stub.script("default", slow(3))
    with pytest.raises(APITimeoutError):
        await client.chat.completions.create(model="m", messages=HI, timeout=0.3, max_retries=0)


async def test_async_connection_refused(fast_retries: None) -> None:
    client = AsyncPortkey(base_url=f"http://127.0.0.1:{free_port()}/v1", provider="openai")
    with pytest.raises(APIConnectionError):
        await client.chat.completions.create(model="m", messages=HI)


async def test_async_stream_cut_midway_raises(stub: ProviderStub) -> None:
    stub.set_stream_chunks(6)
    stub.script("default", cut_stream(3))
    stream = await async_client_for(stub).chat.completions.create(
        model="m", messages=HI, stream=True
    )
    count = 0
    with pytest.raises(StreamInterruptedError):
        async for _ in stream:
            count += 1
    assert count == 3


async def test_async_stream_context_manager_and_close(stub: ProviderStub) -> None:
    stub.set_stream_chunks(4)
    async with async_client_for(stub) as client:
        async with await client.chat.completions.create(
            model="m", messages=HI, stream=True
        ) as stream:
            pieces = [chunk.choices[0].delta.content async for chunk in stream if chunk.choices]
        assert "".join(p or "" for p in pieces) == answer_text("default")
        half = await client.chat.completions.create(model="m", messages=HI, stream=True)
        await half.__anext__()
        await half.aclose()
        assert [chunk async for chunk in half] == []  # closed: nothing more comes


async def test_async_stream_close_is_the_openai_sdks_name(stub: ProviderStub) -> None:
    # Code written for the openai SDK (and the reference SDK on it) ends a stream early
    # with `await stream.close()`.
    stub.set_stream_chunks(6)
    async with async_client_for(stub) as client:
        stream = await client.chat.completions.create(model="m", messages=HI, stream=True)
        first = await stream.__anext__()
        assert first.choices
        await stream.close()
        await stream.close()  # twice is fine
        assert [chunk async for chunk in stream] == []
        again = await client.chat.completions.create(model="m", messages=HI, stream=True)
        assert [c async for c in again]  # the connection went back to a working pool


def test_async_sessions_survive_separate_event_loops(stub: ProviderStub) -> None:
    client = async_client_for(stub)

    async def call() -> str:
        response = await client.chat.completions.create(model="m", messages=HI)
        return response.choices[0].message.content or ""

    assert [asyncio.run(call()) for _ in range(3)] == [answer_text("default")] * 3


async def test_the_clients_request_and_request_bytes_send_as_resources_do(
    stub: ProviderStub,
) -> None:
    # The lower-level entry points (the log exporter's) build the same Call a resource builds.
    with client_for(stub) as sync_client:
        typed = sync_client.request(
            "POST", "/chat/completions", cast_to=ChatCompletion, body={"model": "m", "messages": HI}
        )
        raw = sync_client.request_bytes("GET", "/files/f1/content", params={"a": "1"})
    async with async_client_for(stub) as async_client:
        atyped = await async_client.request(
            "POST", "/chat/completions", cast_to=ChatCompletion, body={"model": "m", "messages": HI}
        )
        araw = await async_client.request_bytes("GET", "/files/f1/content")
    assert isinstance(typed, ChatCompletion) and isinstance(atyped, ChatCompletion)
    assert typed.choices[0].message.content == answer_text("default")
    assert isinstance(raw, BinaryResponse) and raw.content == b"{}" == araw.content
    methods = [(r.method, r.endpoint, r.query) for r in stub.requests()]
    assert methods == [
        ("POST", "/chat/completions", ""),
        ("GET", "/files/f1/content", "a=1"),
        ("POST", "/chat/completions", ""),
        ("GET", "/files/f1/content", ""),
    ]
