"""The asynchronous transport on aiohttp: one pooled session per event loop.

Imported only when async is used, so ``import portkey`` does not pay for aiohttp.

A session belongs to the loop that created it. Each loop gets its own, reused by every call
made on that loop; a new loop (another ``asyncio.run``) gets a new one. The session is closed
when its loop shuts down: ``asyncio.run`` and pytest-asyncio finalize a loop's asynchronous
generators before closing it, so a suspended generator per session is a dependable hook to
close the session there. Nothing is closed from ``__del__``. ``aclose()`` closes it earlier.
"""

import asyncio
from typing import AsyncIterator, Awaitable, Callable, Dict, Optional, Tuple, Type, TypeVar

import aiohttp
from tenacity import AsyncRetrying, stop_after_attempt

from .exceptions import APIConnectionError, APIResponseValidationError, APITimeoutError
from .responses import APIResponse, BinaryResponse, parse_response
from .streaming import AsyncStream
from .transport import (
    RequestSpec,
    RetryPolicy,
    connection_error_message,
    log_retry,
    lower_headers,
    status_error,
)

ResponseT = TypeVar("ResponseT", bound=APIResponse)
T = TypeVar("T")

_Raw = Tuple[int, Dict[str, str], bytes]


class AsyncRequestor:
    """Sends :class:`RequestSpec` requests with aiohttp; shared by every async client."""

    def __init__(self, retry_policy: Optional[RetryPolicy] = None, pool_size: int = 100) -> None:
        self.retry_policy = retry_policy or RetryPolicy()
        self._pool_size = pool_size
        self._sessions: Dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}
        self._closers: Dict[asyncio.AbstractEventLoop, AsyncIterator[None]] = {}

    async def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                trust_env=True,  # honour HTTP(S)_PROXY like requests does
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
            raise APIResponseValidationError(
                f"the gateway answered {status} with a body that is not valid JSON for "
                f"{cast_to.__name__}: {content[:200]!r}",
                status_code=status,
                body=content.decode("utf-8", errors="replace"),
            ) from None

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
        if spec.max_retries <= 0:
            return await send(spec)
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
                return await send(spec)
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    def _timeout(self, spec: RequestSpec) -> aiohttp.ClientTimeout:
        if spec.stream:
            # A stream may run long; bound the connect and each wait for data instead.
            return aiohttp.ClientTimeout(
                total=None, sock_connect=spec.timeout, sock_read=spec.timeout
            )
        return aiohttp.ClientTimeout(total=spec.timeout)

    async def _send(self, spec: RequestSpec) -> aiohttp.ClientResponse:
        session = await self._session()
        data: object = spec.body
        if spec.files is not None:
            form = aiohttp.FormData()
            for name, value in (spec.form or {}).items():
                form.add_field(name, value)
            for name, (filename, content, content_type) in spec.files.items():
                form.add_field(name, content, filename=filename, content_type=content_type)
            data = form
        try:
            response = await session.request(
                spec.method,
                spec.url,
                headers=dict(spec.headers),
                data=data,
                params=spec.params,
                timeout=self._timeout(spec),
            )
        except asyncio.TimeoutError as exc:
            raise APITimeoutError(connection_error_message(spec, exc)) from None
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
