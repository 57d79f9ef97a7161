"""The asynchronous transport on aiohttp: one pooled session per event loop.

Imported only when async is used, so ``import portkey`` does not pay for aiohttp.

A session belongs to the loop that created it. Each loop gets its own, reused by every call
made on that loop; a new loop (another ``asyncio.run``) gets a new one. The session is closed
when its loop shuts down: ``asyncio.run`` and pytest-asyncio finalize a loop's asynchronous
generators before closing it, so a suspended generator per session is a dependable hook to
close the session there. Nothing is closed from ``__del__``. ``aclose()`` closes it earlier.
"""

import asyncio
import os
from typing import AsyncIterator, Awaitable, Callable, Dict, Optional, Tuple, Type, TypeVar

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from yarl import URL

from .exceptions import APIConnectionError, APITimeoutError, TLSError
from .responses import APIResponse, BinaryResponse, parse_response
from .streaming import AsyncStream
from .transport import (
    RequestSpec,
    RetryPolicy,
    connection_error_message,
    invalid_body_error,
    log_retry,
    lower_headers,
    status_error,
)

ResponseT = TypeVar("ResponseT", bound=APIResponse)
T = TypeVar("T")

_Raw = Tuple[int, Dict[str, str], bytes]
_Proxy = Tuple[Optional[URL], Optional[aiohttp.BasicAuth]]
_TIMEOUTS: Dict[Tuple[Optional[float], bool], aiohttp.ClientTimeout] = {}

#: The variables that decide which env proxy, if any, an http(s) URL goes through.
_PROXY_ENV_VARS = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY")

# os.environ.get costs microseconds for an unset variable (it raises and catches KeyError
# inside), and these are read on every request. CPython's os.environ keeps its values in a
# plain dict under encoded keys: read that when it is there, os.environ.get otherwise.
_environ_data = getattr(os.environ, "_data", None)
_encodekey = getattr(os.environ, "encodekey", None)
_PROXY_ENV_KEYS = (
    tuple(_encodekey(name) for name in _PROXY_ENV_VARS)
    if isinstance(_environ_data, dict) and _encodekey is not None
    else ()
)


def _proxy_env() -> Tuple[object, ...]:
    """The proxy variables' values now (raw), to notice a change."""
    if _PROXY_ENV_KEYS:
        get = _environ_data.get  # type: ignore[union-attr]
        return tuple([get(key) for key in _PROXY_ENV_KEYS])
    return tuple([os.environ.get(name) for name in _PROXY_ENV_VARS])


class _EnvProxies:
    """The proxy for a URL as aiohttp's ``trust_env=True`` picks it (HTTP(S)_PROXY, NO_PROXY),
    at a fraction of the cost.

    With ``trust_env=True`` aiohttp reads the proxy settings and ``~/.netrc`` in a worker
    thread on every request: two thread-pool round trips that, on loopback, doubled the time
    of a call. Here the answer of the same function aiohttp uses is kept per URL and worked
    out again whenever one of the proxy variables changes. Unlike ``trust_env=True``, no
    ``~/.netrc`` credentials are sent to the gateway (the SDK authenticates with headers; a
    netrc entry for the gateway's host would even clash with an ``Authorization`` header).
    """

    def __init__(self) -> None:
        self._env: Tuple[object, ...] = ()
        self._by_url: Dict[str, _Proxy] = {}

    def for_url(self, url: str) -> _Proxy:
        """``(proxy, proxy_auth)`` for ``url``; ``(None, None)`` to connect directly."""
        env = _proxy_env()
        if env != self._env:
            self._env = env
            self._by_url.clear()
        proxy = self._by_url.get(url)
        if proxy is None:
            try:
                proxy = get_env_proxy_for_url(URL(url))
            except LookupError:
                proxy = (None, None)
            if len(self._by_url) >= 256:  # URLs with ids in their paths: keep it bounded
                self._by_url.clear()
            self._by_url[url] = proxy
        return proxy


class AsyncRequestor:
    """Sends :class:`RequestSpec` requests with aiohttp; shared by every async client."""

    def __init__(self, retry_policy: Optional[RetryPolicy] = None, pool_size: int = 100) -> None:
        self.retry_policy = retry_policy or RetryPolicy()
        self._pool_size = pool_size
        self._sessions: Dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}
        self._closers: Dict[asyncio.AbstractEventLoop, AsyncIterator[None]] = {}
        self._proxies = _EnvProxies()

    async def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                # Env proxies are honoured, but through _EnvProxies rather than trust_env=True,
                # which costs two thread-pool round trips per request (see _EnvProxies).
                trust_env=False,
                auto_decompress=True,
            )
            self._sessions[loop] = session
            closer = self._close_at_shutdown(loop, session)
            await closer.__anext__()
            self._closers[loop] = closer
        return session

    async def _close_at_shutdown(
        self, loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession
    ) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if self._sessions.get(loop) is session:
                del self._sessions[loop]
                self._closers.pop(loop, None)
            await session.close()

    async def aclose(self) -> None:
        """Close the running loop's session and its connections."""
        loop = asyncio.get_running_loop()
        session = self._sessions.pop(loop, None)
        closer = self._closers.pop(loop, None)
        if session is not None:
            await session.close()
        if closer is not None:
            await closer.aclose()  # type: ignore[attr-defined]

    # ---- public entry points -----------------------------------------------------------

    async def request(self, spec: RequestSpec, cast_to: Type[ResponseT]) -> ResponseT:
        """Send ``spec`` (with retries) and parse the JSON answer into ``cast_to``."""
        status, headers, content = await self._with_retries(spec, self._send_and_read)
        try:
            return parse_response(cast_to, content, headers)
        except ValueError:
            raise invalid_body_error(status, content, cast_to.__name__, spec.secrets) from None

    async def request_bytes(self, spec: RequestSpec) -> BinaryResponse:
        """Send ``spec`` (with retries) and return the answer's bytes."""
        _, headers, content = await self._with_retries(spec, self._send_and_read)
        return BinaryResponse(content, headers)

    async def stream(self, spec: RequestSpec, cast_to: Type[ResponseT]) -> AsyncStream[ResponseT]:
        """Send ``spec`` and return an async stream of ``cast_to`` chunks (retries only until
        the response starts)."""
        response = await self._with_retries(spec, self._send)
        return AsyncStream(
            cast_to=cast_to,
            body=self._body_chunks(spec, response),
            close=response.release,
            headers=lower_headers(response.headers),
            secrets=spec.secrets,
        )

    # ---- internals -----------------------------------------------------------------------

    async def _with_retries(
        self, spec: RequestSpec, send: Callable[[RequestSpec], Awaitable[T]]
    ) -> T:
        # First attempt outside tenacity, as in SyncRequestor._with_retries (which says why).
        try:
            return await send(spec)
        except Exception as exc:
            if spec.max_retries <= 0 or not self.retry_policy.should_retry(exc):
                raise
            first_failure: Optional[Exception] = exc
        from tenacity import AsyncRetrying, stop_after_attempt  # on the first retry, as in sync

        policy = self.retry_policy
        retrying = AsyncRetrying(
            stop=stop_after_attempt(spec.max_retries + 1),
            wait=policy.tenacity_wait,
            retry=policy.tenacity_retry,
            before_sleep=log_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                if first_failure is not None:
                    failure, first_failure = first_failure, None
                    raise failure
                return await send(spec)
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    def _timeout(self, spec: RequestSpec) -> aiohttp.ClientTimeout:
        # Built once per (timeout, stream): building one costs microseconds and a client
        # sends the same timeout on nearly every call. ClientTimeout is immutable.
        key = (spec.timeout, spec.stream)
        timeout = _TIMEOUTS.get(key)
        if timeout is None:
            if spec.stream:
                # A stream may run long; bound the connect and each wait for data instead.
                timeout = aiohttp.ClientTimeout(
                    total=None, sock_connect=spec.timeout, sock_read=spec.timeout
                )
            else:
                timeout = aiohttp.ClientTimeout(total=spec.timeout)
            if len(_TIMEOUTS) < 64:  # per-call timeouts could be many different numbers
                _TIMEOUTS[key] = timeout
        return timeout

    async def _send(self, spec: RequestSpec) -> aiohttp.ClientResponse:
        session = self._sessions.get(asyncio.get_running_loop())
        if session is None or session.closed:  # awaiting _session() always costs a coroutine
            session = await self._session()
        data: object = spec.body
        if spec.files is not None:
            form = aiohttp.FormData()
            for name, value in (spec.form or {}).items():
                form.add_field(name, value)
            for name, (filename, content, content_type) in spec.files.items():
                form.add_field(name, content, filename=filename, content_type=content_type)
            data = form
        proxy, proxy_auth = self._proxies.for_url(spec.url)
        try:
            response = await session.request(
                spec.method,
                spec.url,
                headers=dict(spec.headers),
                data=data,
                params=spec.params,
                timeout=self._timeout(spec),
                ssl=spec.verify,
                proxy=proxy,
                proxy_auth=proxy_auth,
            )
        except asyncio.TimeoutError as exc:
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except aiohttp.ClientSSLError as exc:
            raise TLSError(connection_error_message(spec, exc)) from None
        except aiohttp.ClientError as exc:
            raise APIConnectionError(connection_error_message(spec, exc)) from None
        if response.status >= 400:
            try:
                content = await response.read()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                content = b""
            finally:
                response.release()
            raise status_error(
                response.status, lower_headers(response.headers), content, spec.secrets
            )
        return response

    async def _send_and_read(self, spec: RequestSpec) -> _Raw:
        response = await self._send(spec)
        try:
            content = await response.read()
        except asyncio.TimeoutError as exc:
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except aiohttp.ClientError as exc:
            raise APIConnectionError(connection_error_message(spec, exc)) from None
        finally:
            response.release()
        return response.status, lower_headers(response.headers), content

    async def _body_chunks(
        self, spec: RequestSpec, response: aiohttp.ClientResponse
    ) -> AsyncIterator[bytes]:
        try:
            async for data in response.content.iter_any():
                yield data
        except asyncio.TimeoutError as exc:
            response.close()
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except aiohttp.ClientError as exc:
            response.close()
            raise APIConnectionError(connection_error_message(spec, exc)) from None


# ---- websockets (the realtime API) -----------------------------------------------------------


class WebSocketConnection:
    """An open websocket on a requestor's pooled session: text frames in and out.

    Failures surface as the SDK's own errors: a refused handshake as the status error of its
    HTTP status, a broken connection as :class:`APIConnectionError`.
    """

    def __init__(self, socket: aiohttp.ClientWebSocketResponse, spec: RequestSpec) -> None:
        self._socket = socket
        self._spec = spec

    @property
    def closed(self) -> bool:
        """Whether the connection is closed (by either side)."""
        return self._socket.closed

    async def send_text(self, text: str) -> None:
        """Send one text frame."""
        try:
            await self._socket.send_str(text)
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as exc:
            raise APIConnectionError(connection_error_message(self._spec, exc)) from None

    async def receive_text(self) -> Optional[str]:
        """The next text (or UTF-8 binary) frame; ``None`` once the connection is closed."""
        message = await self._socket.receive()
        if message.type == aiohttp.WSMsgType.TEXT:
            return str(message.data)
        if message.type == aiohttp.WSMsgType.BINARY:
            return bytes(message.data).decode("utf-8", errors="replace")
        if message.type == aiohttp.WSMsgType.ERROR:
            raise APIConnectionError(connection_error_message(self._spec, message.data))
        return None  # CLOSE, CLOSING, CLOSED

    async def close(self) -> None:
        """Close the connection (a no-op when it is already closed)."""
        await self._socket.close()


async def open_websocket(requestor: AsyncRequestor, spec: RequestSpec) -> WebSocketConnection:
    """Open a websocket to ``spec.url`` with ``spec``'s headers, query and timeout."""
    session = await requestor._session()
    proxy, proxy_auth = requestor._proxies.for_url(spec.url)  # the session does not trust env
    try:
        socket = await asyncio.wait_for(
            session.ws_connect(
                spec.url,
                headers=dict(spec.headers),
                params=spec.params,
                ssl=spec.verify,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ),
            timeout=spec.timeout,
        )
    except aiohttp.WSServerHandshakeError as exc:
        headers = lower_headers(exc.headers or {})
        raise status_error(exc.status, headers, str(exc.message).encode(), spec.secrets) from None
    except asyncio.TimeoutError as exc:
        raise APITimeoutError(connection_error_message(spec, exc)) from None
    except aiohttp.ClientError as exc:
        raise APIConnectionError(connection_error_message(spec, exc)) from None
    return WebSocketConnection(socket, spec)
