"""The asynchronous transport on aiohttp: one client's pooled sessions, one per event loop.

Imported only when async is used, so ``import portkey`` does not pay for aiohttp.

Each client owns its requestor, and the requestor owns its sessions. An aiohttp session belongs
to the loop it was created on, so a client used on several loops (another ``asyncio.run``, a
notebook's loop and a worker thread's) has one session per loop, created on first use there.

A session is closed by :meth:`AsyncRequestor.aclose` (the client's ``close()``), or when its
loop ends: loops that finalize their asynchronous generators before closing (``asyncio.run``,
pytest-asyncio, anything calling ``loop.shutdown_asyncgens()``) close it cleanly through a
suspended generator; for a loop closed without that, the session is released when the loop
discards its pending callbacks at ``close()``, which drops the one timer that keeps the
session's record alive. Nothing is closed from ``__del__``. In a forked child every inherited
session is dropped unused. A session the user hands in (``http_client=``) is used as it is and
never closed.
"""

import asyncio
import contextlib
import weakref
from typing import (
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Mapping,
    NoReturn,
    Optional,
    Tuple,
    Type,
    TypeVar,
)

import aiohttp

from . import forks
from .constants import MAX_ERROR_BODY_BYTES
from .exceptions import APIConnectionError, APITimeoutError, TLSError
from .proxies import EnvProxies
from .responses import APIResponse, BinaryResponse, parse_response
from .streaming import AsyncStream
from .transport import (
    Attempts,
    RequestSpec,
    RetryPolicy,
    connection_error_message,
    invalid_body_error,
    is_json_answer,
    json_instead_of_stream,
    lower_headers,
    redirect_error,
    status_error,
)

ResponseT = TypeVar("ResponseT", bound=APIResponse)
T = TypeVar("T")

_Raw = Tuple[int, Mapping[str, str], bytes]
_TIMEOUTS: Dict[Tuple[Optional[float], bool], aiohttp.ClientTimeout] = {}

#: Seconds between re-arming a loop's keep-alive timer; any long interval serves.
_KEEPALIVE_INTERVAL = 86400.0


def _close_now(session: aiohttp.ClientSession) -> None:
    """Close ``session`` without a running loop (its own loop has closed).

    aiohttp closes a connector whose loop is closed without waiting for anything, so its
    ``close()`` coroutine finishes in one step; were it ever to suspend, the session is
    detached instead, which marks it closed.
    """
    if session.closed:
        return
    closing = session.close()
    try:
        closing.send(None)
    except StopIteration:
        return
    except RuntimeError:
        pass
    closing.close()
    session.detach()


class _LoopSession:
    """One loop's session, and what closes it when that loop ends.

    The loop keeps this record alive through a pending timer; the requestor only holds it
    weakly. When the loop is closed, it discards the timer, the record goes, and its finalizer
    closes the session.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession) -> None:
        self.loop_ref = weakref.ref(loop)
        self.session = session
        self.generation = forks.generation()
        self._closer: Optional[AsyncIterator[None]] = None
        self._timer = loop.call_later(_KEEPALIVE_INTERVAL, self._rearm)
        weakref.finalize(self, _close_now, session)

    def _rearm(self) -> None:
        loop = self.loop_ref()
        if loop is not None and not loop.is_closed():
            self._timer = loop.call_later(_KEEPALIVE_INTERVAL, self._rearm)

    async def watch_shutdown(self) -> None:
        """Close the session cleanly when the loop finalizes its asynchronous generators."""
        self._closer = _close_at_shutdown(self.session)
        await self._closer.__anext__()

    async def aclose(self) -> None:
        """Close the session now (on its own, running loop)."""
        self._timer.cancel()
        await self.session.close()
        if self._closer is not None:
            with contextlib.suppress(RuntimeError, StopAsyncIteration):
                await self._closer.aclose()  # type: ignore[attr-defined]


async def _close_at_shutdown(session: aiohttp.ClientSession) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await session.close()


class AsyncRequestor:
    """Sends :class:`RequestSpec` requests with aiohttp for one client and its copies."""

    def __init__(
        self,
        retry_policy: Optional[RetryPolicy] = None,
        *,
        http_client: Optional[aiohttp.ClientSession] = None,
        pool_size: int = 100,
    ) -> None:
        if http_client is not None and not isinstance(http_client, aiohttp.ClientSession):
            raise TypeError(
                "http_client of AsyncPortkey must be an aiohttp.ClientSession; got "
                f"{type(http_client).__name__} (Portkey takes a requests.Session)"
            )
        self.retry_policy = retry_policy or RetryPolicy()
        self._pool_size = pool_size
        self._user_session = http_client
        self._sessions: weakref.WeakValueDictionary[int, _LoopSession] = (
            weakref.WeakValueDictionary()
        )
        self._proxies: Optional[EnvProxies] = None
        # The record last used, weakly (a strong one would keep a closed loop's session
        # open): most calls run on the loop the previous one ran on.
        self._last: Callable[[], Optional[_LoopSession]] = _no_record

    @property
    def open_sessions(self) -> int:
        """How many of this requestor's own sessions are open (one per live loop at most)."""
        return sum(1 for record in list(self._sessions.values()) if not record.session.closed)

    async def session(self) -> aiohttp.ClientSession:
        """The running loop's session: the user's, or this requestor's own for this loop."""
        return self._open_session() or await self._open(asyncio.get_running_loop())

    def _open_session(self) -> Optional[aiohttp.ClientSession]:
        """The session calls on the running loop go through, if it is open (no await: this
        is on every call's path, and a coroutine per lookup costs as much as the lookup)."""
        if self._user_session is not None:
            return self._user_session
        loop = asyncio.get_running_loop()
        record = self._last()
        if record is None or record.loop_ref() is not loop:
            record = self._sessions.get(id(loop))
            if record is None or record.loop_ref() is not loop:
                return None
            self._last = weakref.ref(record)
        if record.session.closed or record.generation != forks.generation():
            return None
        return record.session

    async def _open(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        self._proxies = EnvProxies()  # the environment is read once per pool (see proxies.py)
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._pool_size),
            # Proxies come from EnvProxies (the same rules as the sync transport, ALL_PROXY
            # included); trust_env=True would also send ~/.netrc credentials to the gateway.
            trust_env=False,
            auto_decompress=True,
        )
        record = _LoopSession(loop, session)
        await record.watch_shutdown()
        self._sessions[id(loop)] = record
        self._last = weakref.ref(record)
        return session

    async def aclose(self) -> None:
        """Close this requestor's session on the running loop, and release the sessions of
        loops that have closed (a user's ``http_client`` is left open)."""
        loop = asyncio.get_running_loop()
        for key, record in list(self._sessions.items()):
            owner = record.loop_ref()
            if owner is loop:
                self._sessions.pop(key, None)
                await record.aclose()
            elif owner is None or owner.is_closed():
                self._sessions.pop(key, None)
                _close_now(record.session)

    async def websocket(self, spec: RequestSpec) -> "WebSocketConnection":
        """Open a websocket to ``spec.url`` on the running loop's session."""
        session = await self.session()
        proxy = self._proxies.for_url(spec.url) if self._proxies is not None else None
        return await connect_websocket(session, proxy, spec)

    # ---- public entry points -----------------------------------------------------------

    async def request(self, spec: RequestSpec, cast_to: Type[ResponseT]) -> ResponseT:
        """Send ``spec`` (with retries) and parse the JSON answer into ``cast_to``."""
        # The first attempt is written out here rather than run through _with_retries and
        # _send_and_read: each coroutine layer is one more frame on every suspension of every
        # call (bench/README.md, "async hot path"). A retry goes the general way.
        try:
            response = await self._send(spec)
            try:
                content = await response.read()
            except (asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:
                raise _read_failure(spec, exc) from None
            finally:
                response.release()
            status = response.status
            headers: Mapping[str, str] = response.headers
        except Exception as exc:
            if spec.max_retries <= 0 or not self.retry_policy.should_retry(exc):
                raise
            status, headers, content = await self._retry(spec, exc, self._send_and_read)
        try:
            return parse_response(cast_to, content, headers, status, spec.secrets)
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
        headers = lower_headers(response.headers)
        if is_json_answer(headers):
            content = await _read_start_and_drop(response)
            raise json_instead_of_stream(response.status, headers, content, spec.secrets)
        return AsyncStream(
            cast_to=cast_to,
            body=self._body_chunks(spec, response),
            close=response.release,
            headers=headers,
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
            return await self._retry(spec, exc, send)

    async def _retry(
        self, spec: RequestSpec, failure: Exception, send: Callable[[RequestSpec], Awaitable[T]]
    ) -> T:
        """Retry ``spec`` after its first attempt failed with ``failure`` (a retryable one)."""
        attempts = Attempts(spec, failure)
        from tenacity import AsyncRetrying

        async for attempt in AsyncRetrying(**attempts.tenacity_settings(self.retry_policy)):
            with attempt:
                return await send(attempts.next_spec())
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
        session = self._open_session() or await self._open(asyncio.get_running_loop())
        try:
            response = await session.request(
                spec.method,
                spec.url,
                headers=spec.headers,  # aiohttp copies them into its own CIMultiDict
                data=spec.body if spec.files is None else _form_data(spec),
                params=spec.params,
                timeout=self._timeout(spec),
                ssl=spec.verify,
                proxy=self._proxies.for_url(spec.url) if self._proxies is not None else None,
                # A redirect would carry the x-portkey-* credentials to wherever it points
                # (aiohttp strips only Authorization) and may turn a POST into a GET.
                allow_redirects=False,
            )
        except (asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _send_failure(spec, exc) from None
        if response.status >= 300:
            await _refuse(spec, response)
        return response

    async def _send_and_read(self, spec: RequestSpec) -> _Raw:
        response = await self._send(spec)
        try:
            content = await response.read()
        except (asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _read_failure(spec, exc) from None
        finally:
            response.release()
        # The headers as aiohttp keeps them: lower-cased only if someone reads them.
        return response.status, response.headers, content

    async def _body_chunks(
        self, spec: RequestSpec, response: aiohttp.ClientResponse
    ) -> AsyncIterator[bytes]:
        try:
            async for data in response.content.iter_any():
                yield data
        except asyncio.TimeoutError as exc:
            response.close()
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except (aiohttp.ClientError, OSError) as exc:
            response.close()
            raise APIConnectionError(connection_error_message(spec, exc)) from None


def _no_record() -> Optional[_LoopSession]:
    return None


def _form_data(spec: RequestSpec) -> aiohttp.FormData:
    """A multipart body: the call's form fields, then its files."""
    form = aiohttp.FormData()
    for name, value in (spec.form or {}).items():
        form.add_field(name, value)
    for name, (filename, content, content_type) in (spec.files or {}).items():
        form.add_field(name, content, filename=filename, content_type=content_type)
    return form


def _send_failure(spec: RequestSpec, exc: BaseException) -> APIConnectionError:
    """The SDK's error for a request that got no answer."""
    if isinstance(exc, asyncio.TimeoutError):
        return APITimeoutError(connection_error_message(spec, exc))
    if isinstance(exc, aiohttp.ClientSSLError):
        return TLSError(connection_error_message(spec, exc))
    return APIConnectionError(connection_error_message(spec, exc))


async def _read_start_and_drop(response: aiohttp.ClientResponse) -> bytes:
    """At most the first 64 KiB of an answer that is not a result (empty if it cannot be
    read); the connection is then dropped rather than drained."""
    try:
        return await response.content.read(MAX_ERROR_BODY_BYTES)
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return b""
    finally:
        response.close()


async def _refuse(spec: RequestSpec, response: aiohttp.ClientResponse) -> NoReturn:
    """Raise the error of an answer with status 300 or more."""
    status = response.status
    headers = lower_headers(response.headers)
    content = await _read_start_and_drop(response)
    if status < 400:
        raise redirect_error(status, headers, content, spec)
    raise status_error(status, headers, content, spec.secrets)


def _read_failure(spec: RequestSpec, exc: BaseException) -> APIConnectionError:
    """The SDK's error for a body that could not be read."""
    if isinstance(exc, asyncio.TimeoutError):
        return APITimeoutError(connection_error_message(spec, exc))
    return APIConnectionError(connection_error_message(spec, exc))


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
    return await requestor.websocket(spec)


async def connect_websocket(
    session: aiohttp.ClientSession, proxy: Optional[str], spec: RequestSpec
) -> WebSocketConnection:
    """Open a websocket on ``session`` (through ``proxy``, if any); a refused handshake raises
    the status error of its HTTP status, a failure to connect :class:`APIConnectionError`."""
    try:
        socket = await asyncio.wait_for(
            session.ws_connect(
                spec.url,
                headers=dict(spec.headers),
                params=spec.params,
                ssl=spec.verify,
                proxy=proxy,
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
