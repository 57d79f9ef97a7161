"""The synchronous transport: one client's pooled ``requests`` session, retries, timeouts, errors.

Each client owns its requestor, and the requestor owns its session: created on first use,
closed by :meth:`SyncRequestor.close`, and replaced (never reused) in a process forked after it
was opened. A session the user hands in (``http_client=``) is used as it is and never closed or
replaced. ``requests.Session`` is shared by the client's threads: its connection pool is
thread-safe, and the SDK never changes the session's state after creating it.
"""

import os
import socket
import threading
import time
from typing import Callable, Iterator, Mapping, Optional, Tuple, Type, TypeVar, Union

import requests
import urllib3

from . import forks
from .constants import MAX_ERROR_BODY_BYTES
from .exceptions import APIConnectionError, APITimeoutError, TLSError
from .proxies import EnvProxies
from .responses import APIResponse, BinaryResponse, parse_response
from .streaming import Stream
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
    timeout_message,
)

ResponseT = TypeVar("ResponseT", bound=APIResponse)
T = TypeVar("T")

_Raw = Tuple[int, Mapping[str, str], bytes]

#: Bytes asked of the socket per read of a body; larger than requests' 10 KiB chunks.
_READ_SIZE = 65536


class SyncRequestor:
    """Sends :class:`RequestSpec` requests with ``requests`` for one client and its copies."""

    def __init__(
        self,
        retry_policy: Optional[RetryPolicy] = None,
        *,
        http_client: Optional[requests.Session] = None,
        pool_size: int = 32,
    ) -> None:
        if http_client is not None and not isinstance(http_client, requests.Session):
            raise TypeError(
                "http_client of Portkey must be a requests.Session; got "
                f"{type(http_client).__name__} (AsyncPortkey takes an aiohttp.ClientSession)"
            )
        self.retry_policy = retry_policy or RetryPolicy()
        self._pool_size = pool_size
        self._user_session = http_client
        self._session: Optional[requests.Session] = None
        self._proxies = EnvProxies({})
        self._ca_bundle: Optional[str] = None
        self._generation = -1
        self._lock = threading.Lock()
        self._closed = False

    def session(self) -> requests.Session:
        """The session calls go through: the user's, or this requestor's own for this process."""
        if self._user_session is not None:
            return self._user_session
        session = self._session
        if session is not None and self._generation == forks.generation():
            return session
        with self._lock:
            if self._session is None or self._generation != forks.generation():
                # A session inherited through fork() is dropped, not closed: closing it would
                # not touch the parent's copy of the sockets, and it must not be used here.
                self._session = self._new_session()
                self._generation = forks.generation()
                self._closed = False
            return self._session

    def _new_session(self) -> requests.Session:
        # The environment is read here, once per pool, not on every call (requests' trust_env
        # reads it, and looks for ~/.netrc, on every request): proxies by the same rules as
        # the async transport, and the CA bundle variables requests honours.
        self._proxies = EnvProxies()
        self._ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        session = requests.Session()
        session.trust_env = False
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=self._pool_size)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def close(self) -> None:
        """Close this requestor's own session and its connections (a user's is left open)."""
        with self._lock:
            session, self._session = self._session, None
            self._closed = True
        if session is not None and self._generation == forks.generation():
            session.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called and no call has opened a new session since."""
        return self._closed and self._session is None

    # ---- public entry points -----------------------------------------------------------

    def request(self, spec: RequestSpec, cast_to: Type[ResponseT]) -> ResponseT:
        """Send ``spec`` (with retries) and parse the JSON answer into ``cast_to``."""
        status, headers, content = self._with_retries(spec, self._send_and_read)
        try:
            return parse_response(cast_to, content, headers, status, spec.secrets)
        except ValueError:
            raise invalid_body_error(status, content, cast_to.__name__, spec.secrets) from None

    def request_bytes(self, spec: RequestSpec) -> BinaryResponse:
        """Send ``spec`` (with retries) and return the answer's bytes (audio, file content)."""
        _, headers, content = self._with_retries(spec, self._send_and_read)
        return BinaryResponse(content, headers)

    def stream(self, spec: RequestSpec, cast_to: Type[ResponseT]) -> Stream[ResponseT]:
        """Send ``spec`` and return a stream of ``cast_to`` chunks.

        Retries cover getting the response started; once chunks flow nothing is retried,
        since the caller may already hold some of them.
        """
        response = self._with_retries(spec, self._send)
        headers = lower_headers(response.headers)
        if is_json_answer(headers):
            content = self._read_start_and_drop(response)
            raise json_instead_of_stream(response.status_code, headers, content, spec.secrets)
        return Stream(
            cast_to=cast_to,
            body=self._body_chunks(spec, response),
            close=response.close,
            headers=headers,
            secrets=spec.secrets,
        )

    # ---- internals -----------------------------------------------------------------------

    def _with_retries(self, spec: RequestSpec, send: Callable[[RequestSpec], T]) -> T:
        # The first attempt runs outside tenacity: building a Retrying costs more than the rest
        # of the SDK's per-call work, and nearly every call succeeds at once. After a retryable
        # failure tenacity takes over with the same policy, replaying that failure as its
        # attempt 1, so waits, logs and the attempt limit are exactly what they were.
        try:
            return send(spec)
        except Exception as exc:
            if spec.max_retries <= 0 or not self.retry_policy.should_retry(exc):
                raise
            attempts = Attempts(spec, exc)
        # Imported here, on the first retry: tenacity loads asyncio (and tornado when it is
        # installed), a good part of the SDK's import time, for calls that never fail.
        from tenacity import Retrying

        for attempt in Retrying(**attempts.tenacity_settings(self.retry_policy)):
            with attempt:
                return send(attempts.next_spec())
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    def _send(self, spec: RequestSpec) -> requests.Response:
        session = self.session()
        verify: Union[bool, str, None]
        if session is self._user_session:
            proxies = None  # the user's session applies its own settings
            verify = None if spec.verify else False
        else:
            proxy = self._proxies.for_url(spec.url)
            proxies = {"http": proxy, "https": proxy} if proxy else None
            verify = (self._ca_bundle or True) if spec.verify else False
        try:
            response = session.request(
                spec.method,
                spec.url,
                headers=dict(spec.headers),
                data=spec.body if spec.files is None else spec.form,
                files=spec.files,
                params=spec.params,
                timeout=spec.timeout,
                stream=True,
                verify=verify,
                proxies=proxies,
                # A redirect would carry the x-portkey-* credentials to wherever it points
                # (requests strips only Authorization) and may turn a POST into a GET.
                allow_redirects=False,
            )
        except requests.Timeout as exc:
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except requests.exceptions.SSLError as exc:
            raise TLSError(connection_error_message(spec, exc)) from None
        except requests.RequestException as exc:
            raise APIConnectionError(connection_error_message(spec, exc)) from None
        status = response.status_code
        if status >= 300:
            headers = lower_headers(response.headers)
            content = self._read_start_and_drop(response)
            if status < 400:
                raise redirect_error(status, headers, content, spec)
            raise status_error(status, headers, content, spec.secrets)
        return response

    def _send_and_read(self, spec: RequestSpec) -> _Raw:
        deadline = None if spec.timeout is None else time.monotonic() + spec.timeout
        response = self._send(spec)
        try:
            content = self._read_all(response, deadline, spec)
        except (requests.Timeout, urllib3.exceptions.TimeoutError, socket.timeout) as exc:
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise APIConnectionError(connection_error_message(spec, exc)) from None
        # The headers as the library keeps them: lower-cased only if someone reads them.
        return response.status_code, response.headers, content

    @staticmethod
    def _read_all(
        response: requests.Response, deadline: Optional[float], spec: RequestSpec
    ) -> bytes:
        """The whole body, read so that ``timeout`` bounds the call and not each socket read.

        A server that trickles a byte at a time never trips a per-read timeout; reading with
        ``read1`` (one socket read at most) lets the deadline be checked between reads.
        """
        raw = response.raw
        read1 = getattr(raw, "read1", None)  # urllib3 >= 2.3; older reads the body at once
        if read1 is None or deadline is None:
            return response.content
        parts = []
        try:
            while True:
                data = read1(_READ_SIZE)
                if not data:
                    break
                parts.append(data)
                if time.monotonic() > deadline:
                    raise APITimeoutError(timeout_message(spec))
        finally:
            response.close()  # the body is read to the end (or abandoned): release or drop
        return b"".join(parts)

    @staticmethod
    def _read_start_and_drop(response: requests.Response) -> bytes:
        """At most the first 64 KiB of an answer that is not a result (empty if it cannot be
        read); the connection is then dropped rather than drained."""
        try:
            return SyncRequestor._read_prefix(response, MAX_ERROR_BODY_BYTES)
        except (requests.RequestException, OSError):
            return b""
        finally:
            response.close()

    @staticmethod
    def _read_prefix(response: requests.Response, limit: int) -> bytes:
        """At most ``limit`` bytes of the (decoded) body: an error body is kept, not hoarded."""
        parts = []
        size = 0
        for data in response.iter_content(chunk_size=_READ_SIZE):
            parts.append(data)
            size += len(data)
            if size >= limit:
                break
        return b"".join(parts)[:limit]

    def _body_chunks(self, spec: RequestSpec, response: requests.Response) -> Iterator[bytes]:
        try:
            # chunk_size=None hands over each chunk as the server sends it.
            yield from response.iter_content(chunk_size=None)
        except requests.Timeout as exc:
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except requests.RequestException as exc:
            raise APIConnectionError(connection_error_message(spec, exc)) from None
