"""Security and protocol hardening, probed with a server that misbehaves at the socket level
(tests/hostile_server.py): redirects, a stream that stays open after ``[DONE]``, a body that
trickles, replays, header values with stray whitespace, proxies, huge error bodies and secrets
in URLs and echoed headers. Each class in both transports, client and module style."""

import asyncio
import json
from typing import Any, Iterator, List

import pytest
from hostile_server import (
    HostileServer,
    gzip_bomb,
    ok_json,
    redirect,
    reset_after_read,
    respond,
    sse_then_hang,
    trickle,
)

import portkey
from portkey import (
    APIConnectionError,
    APITimeoutError,
    AsyncPortkey,
    InvalidHeaderValueError,
    Portkey,
    RedirectError,
)
from portkey.api_resources.constants import MAX_ERROR_BODY_BYTES

HI = [{"role": "user", "content": "Hi"}]
SECRET = "sk-hardening-secret-0001"


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


@pytest.fixture
def elsewhere() -> Iterator[HostileServer]:
    """A second origin: where a redirect points. It must never be reached."""
    with HostileServer() as running:
        yield running


def client(server: HostileServer, **options: Any) -> Portkey:
    return Portkey(base_url=f"{server.url}/v1", provider="openai", api_key=SECRET, **options)


def async_client(server: HostileServer, **options: Any) -> AsyncPortkey:
    return AsyncPortkey(base_url=f"{server.url}/v1", provider="openai", api_key=SECRET, **options)


# ---- 1. redirects are never followed ------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_sync_redirect_is_refused_and_names_the_location(
    server: HostileServer, elsewhere: HostileServer, status: int
) -> None:
    server.script(redirect(status, f"{elsewhere.url}/v1/chat/completions"))
    with pytest.raises(RedirectError) as info:
        client(server, virtual_key="vk-secret-1234").chat.completions.create(model="m", messages=HI)
    assert info.value.status_code == status
    assert info.value.location == f"{elsewhere.url}/v1/chat/completions"
    assert elsewhere.url in str(info.value)
    assert elsewhere.requests == []  # no key ever left for the other origin
    assert len(server.requests) == 1  # and a redirect is not retried


@pytest.mark.parametrize("status", [302, 307, 308])
async def test_async_redirect_is_refused(
    server: HostileServer, elsewhere: HostileServer, status: int
) -> None:
    server.script(redirect(status, f"{elsewhere.url}/v1/chat/completions"))
    async with async_client(server) as api:
        with pytest.raises(RedirectError) as info:
            await api.chat.completions.create(model="m", messages=HI)
    assert info.value.location == f"{elsewhere.url}/v1/chat/completions"
    assert elsewhere.requests == []


def test_module_style_redirect_is_refused(server: HostileServer, elsewhere: HostileServer) -> None:
    server.script(redirect(308, f"{elsewhere.url}/x"))
    portkey.base_url = f"{server.url}/v1"
    portkey.config = {"provider": "openai", "api_key": SECRET}
    with pytest.raises(RedirectError):
        portkey.ChatCompletions.create(model="m", messages=HI)
    assert elsewhere.requests == []


def test_a_relative_redirect_location_is_resolved_and_credentials_dropped(
    server: HostileServer,
) -> None:
    server.script(redirect(307, "http://user:hunter22pass@evil.example/v1"))
    with pytest.raises(RedirectError) as info:
        client(server).chat.completions.create(model="m", messages=HI)
    assert info.value.location == "http://evil.example/v1"
    assert "hunter22pass" not in str(info.value)


# ---- 2. [DONE] ends a stream at once --------------------------------------------------------

CHUNK = json.dumps(
    {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}],
    }
)


def test_sync_stream_ends_at_done_while_the_server_keeps_the_connection(
    server: HostileServer,
) -> None:
    # If iteration waited for the body to end, the 2 s timeout would raise instead.
    server.script(sse_then_hang([CHUNK, CHUNK, "[DONE]"], hang=30))
    api = client(server, timeout=2, max_retries=0)
    chunks = list(api.chat.completions.create(model="m", messages=HI, stream=True))
    assert len(chunks) == 2
    assert server.wait_for_open_connections(0) == 0  # the connection was let go


async def test_async_stream_ends_at_done_while_the_server_keeps_the_connection(
    server: HostileServer,
) -> None:
    server.script(sse_then_hang([CHUNK, CHUNK, "[DONE]"], hang=30))
    async with async_client(server, timeout=2, max_retries=0) as api:
        stream = await api.chat.completions.create(model="m", messages=HI, stream=True)
        chunks = [chunk async for chunk in stream]
    assert len(chunks) == 2
    assert server.wait_for_open_connections(0) == 0


@pytest.mark.parametrize("style", ["sync", "async"])
def test_closing_a_stream_early_releases_its_connection(server: HostileServer, style: str) -> None:
    server.script(sse_then_hang([CHUNK] * 50, hang=30))
    if style == "sync":
        api = client(server, max_retries=0)
        with api.chat.completions.create(model="m", messages=HI, stream=True) as stream:
            next(iter(stream))
            assert server.connections_open == 1
    else:

        async def read_one() -> None:
            async with async_client(server, max_retries=0) as api:
                stream = await api.chat.completions.create(model="m", messages=HI, stream=True)
                async with stream:
                    await stream.__anext__()
                    assert server.connections_open == 1

        asyncio.run(read_one())
    assert server.wait_for_open_connections(0) == 0


# ---- 3. timeout bounds the whole call -------------------------------------------------------

#: The sync transport bounds a trickled body with urllib3's ``read1`` (urllib3 2.3+, what
#: requests installs today); with an older urllib3 (requests < 2.30 pins 1.26) each read is
#: bounded but not the body as a whole. Said in docs/reliability.md.
needs_read1 = pytest.mark.skipif(
    not hasattr(__import__("urllib3").HTTPResponse, "read1"),
    reason="urllib3 < 2.3 has no read1: only each read is bounded (docs/reliability.md)",
)


@needs_read1
def test_sync_timeout_bounds_a_trickling_body(server: HostileServer) -> None:
    # 0.1 s a byte for a ~200-byte body: 20 s if only each read were bounded.
    server.script(trickle(0.1))
    with pytest.raises(APITimeoutError, match="timeout of 1"):
        client(server, timeout=1, max_retries=0).chat.completions.create(model="m", messages=HI)


async def test_async_timeout_bounds_a_trickling_body(server: HostileServer) -> None:
    server.script(trickle(0.1))
    async with async_client(server, timeout=1, max_retries=0) as api:
        with pytest.raises(APITimeoutError):
            await api.chat.completions.create(model="m", messages=HI)


@needs_read1
def test_module_style_timeout_bounds_a_trickling_body(server: HostileServer) -> None:
    server.script(trickle(0.1))
    portkey.base_url = f"{server.url}/v1"
    portkey.config = {"provider": "openai", "api_key": SECRET}
    portkey.timeout = 1
    portkey.max_retries = 0
    with pytest.raises(APITimeoutError):
        portkey.ChatCompletions.create(model="m", messages=HI)


# ---- 4. replays are visible: one idempotency key, counted attempts ---------------------------


def _attempt_headers(server: HostileServer) -> List[Any]:
    return [
        (r.headers.get("idempotency-key"), r.headers.get("x-portkey-trace-id"),
         r.headers.get("x-portkey-retry-count"))
        for r in server.requests
    ]  # fmt: skip


def test_sync_retries_carry_one_idempotency_key_and_count(
    server: HostileServer, fast_retries: None
) -> None:
    server.script(reset_after_read(), reset_after_read())
    answer = client(server).chat.completions.create(model="m", messages=HI)
    assert answer.choices[0].message.content == "hello"
    seen = _attempt_headers(server)
    assert len(seen) == 3
    assert len({key for key, _, _ in seen}) == 1 and seen[0][0]
    assert len({trace for _, trace, _ in seen}) == 1
    assert [count for _, _, count in seen] == ["0", "1", "2"]


async def test_async_retries_carry_one_idempotency_key_and_count(
    server: HostileServer, fast_retries: None
) -> None:
    server.script(reset_after_read(), reset_after_read())
    async with async_client(server) as api:
        await api.chat.completions.create(model="m", messages=HI)
    seen = _attempt_headers(server)
    assert [count for _, _, count in seen] == ["0", "1", "2"]
    assert len({key for key, _, _ in seen}) == 1


def test_each_call_gets_its_own_key_and_a_given_trace_id_is_kept(server: HostileServer) -> None:
    api = client(server, trace_id="my-trace")
    api.chat.completions.create(model="m", messages=HI)
    api.chat.completions.create(model="m", messages=HI)
    first, second = _attempt_headers(server)
    assert first[0] != second[0]
    assert first[1] == second[1] == "my-trace"


def test_retries_can_be_turned_off(server: HostileServer) -> None:
    server.script(reset_after_read())
    with pytest.raises(APIConnectionError):
        client(server, max_retries=0).chat.completions.create(model="m", messages=HI)
    assert len(server.requests) == 1


#: The documented policy, written out: a status dropped from the SDK's set must fail here.
RETRYABLE = [408, 409, 429, 500, 502, 503, 504]


def _status(code: int) -> Any:
    def behave(sock: Any, request: Any) -> bool:
        respond(sock, code, b'{"error": {"message": "scripted"}}')
        return True

    return behave


@pytest.mark.parametrize("code", RETRYABLE)
def test_every_retryable_status_is_retried_max_retries_times(
    server: HostileServer, fast_retries: None, code: int
) -> None:
    server.default = _status(code)
    with pytest.raises(portkey.APIStatusError):
        client(server, max_retries=2).chat.completions.create(model="m", messages=HI)
    assert len(server.requests) == 3


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_a_client_error_is_not_retried(server: HostileServer, code: int) -> None:
    server.default = _status(code)
    with pytest.raises(portkey.APIStatusError):
        client(server, max_retries=2).chat.completions.create(model="m", messages=HI)
    assert len(server.requests) == 1


# ---- 7. header values with stray whitespace are refused before sending ------------------------


@pytest.mark.parametrize("value", [" pk-lead", "pk-trail ", "pk-newline\n", "\tpk-tab"])
def test_whitespace_around_a_header_value_is_refused_in_every_style(
    server: HostileServer, value: str
) -> None:
    with pytest.raises(InvalidHeaderValueError) as sync_error:
        client(server, trace_id=value)
    with pytest.raises(InvalidHeaderValueError) as async_error:
        async_client(server, trace_id=value)
    with pytest.raises(InvalidHeaderValueError):
        client(server).chat.completions.create(
            model="m", messages=HI, extra_headers={"x-custom": value}
        )
    portkey.base_url = f"{server.url}/v1"
    portkey.config = {"provider": "openai", "api_key": SECRET}
    with pytest.raises(InvalidHeaderValueError):
        portkey.ChatCompletions.create(model="m", messages=HI, trace_id=value)
    assert sync_error.value.field == async_error.value.field == "trace_id"
    assert value.strip() not in str(sync_error.value)
    assert server.requests == []


def test_an_api_key_read_from_a_file_with_its_newline_is_refused_and_not_echoed() -> None:
    with pytest.raises(InvalidHeaderValueError) as info:
        Portkey(base_url="http://127.0.0.1:9/v1", api_key=SECRET + "\n")
    assert SECRET not in str(info.value)
    assert "trailing newline" in str(info.value)


# ---- 9. the same proxy route in both transports -------------------------------------------


@pytest.mark.parametrize("variable", ["ALL_PROXY", "all_proxy", "HTTP_PROXY"])
def test_both_transports_take_the_same_proxy_route(
    server: HostileServer, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    from portkey.local.gateway import free_port

    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, server.url)  # the hostile server plays the proxy
    nowhere = f"http://127.0.0.1:{free_port()}/v1"  # reachable only through the proxy
    Portkey(base_url=nowhere, provider="openai", max_retries=0).chat.completions.create(
        model="m", messages=HI
    )

    async def through_async() -> None:
        async with AsyncPortkey(base_url=nowhere, provider="openai", max_retries=0) as api:
            await api.chat.completions.create(model="m", messages=HI)

    asyncio.run(through_async())
    assert [r.path for r in server.requests] == [f"{nowhere}/chat/completions"] * 2


# ---- 10. an exception keeps a bounded prefix of a huge error body --------------------------


def test_sync_error_body_is_bounded(server: HostileServer) -> None:
    server.script(gzip_bomb(500, 50_000_000))
    with pytest.raises(portkey.InternalServerError) as info:
        client(server, max_retries=0).chat.completions.create(model="m", messages=HI)
    assert 0 < len(info.value.body) <= MAX_ERROR_BODY_BYTES


async def test_async_error_body_is_bounded(server: HostileServer) -> None:
    server.script(gzip_bomb(500, 50_000_000))
    async with async_client(server, max_retries=0) as api:
        with pytest.raises(portkey.InternalServerError) as info:
            await api.chat.completions.create(model="m", messages=HI)
    # aiohttp < 3.14 refuses to inflate more than 32 MiB at once and the body is then empty;
    # either way the exception holds no more than the bound.
    assert len(info.value.body) <= MAX_ERROR_BODY_BYTES
    assert info.value.status_code == 500


# ---- 6. secrets in URLs and echoed headers ------------------------------------------------


def test_a_password_in_base_url_never_reaches_an_error(server: HostileServer) -> None:
    from portkey.local.gateway import free_port

    api = Portkey(
        base_url=f"http://admin:s3cr3t-passw0rd@127.0.0.1:{free_port()}/v1",
        provider="openai",
        max_retries=0,
    )
    with pytest.raises(APIConnectionError) as info:
        api.chat.completions.create(model="m", messages=HI)
    assert "s3cr3t-passw0rd" not in str(info.value)
    assert "127.0.0.1" in str(info.value)


def test_a_key_echoed_in_a_response_header_is_masked(server: HostileServer) -> None:
    def echo(sock: Any, request: Any) -> bool:
        respond(sock, 401, b'{"error": {"message": "bad key"}}', {"x-echo": f"key={SECRET}"})
        return True

    server.script(echo)
    with pytest.raises(portkey.AuthenticationError) as info:
        client(server, max_retries=0).chat.completions.create(model="m", messages=HI)
    assert SECRET not in json.dumps(info.value.headers)
    assert info.value.headers["x-echo"].startswith("key=sk-")


def test_the_happy_path_through_the_hostile_server(server: HostileServer) -> None:
    server.default = ok_json()
    assert client(server).chat.completions.create(model="m", messages=HI).choices


@pytest.mark.parametrize(
    ("host", "port", "no_proxy", "direct"),
    [
        ("api.portkey.ai", 443, "portkey.ai", True),
        ("api.portkey.ai", 443, ".portkey.ai", True),
        ("notportkey.ai", 443, "portkey.ai", False),
        ("127.0.0.1", 8787, "127.0.0.1:8787", True),
        ("127.0.0.1", 8788, "127.0.0.1:8787", False),
        ("10.1.2.3", 80, "10.0.0.0/8", True),
        ("11.1.2.3", 80, "10.0.0.0/8", False),
        ("anything", 1, "*", True),
        ("host", 1, "", False),
        ("::1", 80, "::1", True),
    ],
)
def test_no_proxy_rules(host: str, port: int, no_proxy: str, direct: bool) -> None:
    from portkey.api_resources.proxies import bypasses_proxy

    assert bypasses_proxy(host, port, no_proxy) is direct
