"""The synchronous transport: pooled ``requests`` sessions, retries, timeouts, error mapping.

One ``requests.Session`` per thread (a session's pool is not safe to share between threads
that mutate it), reused by every call that thread makes through this requestor.
"""

import threading
from typing import Dict, Iterator, Optional, Tuple, Type, TypeVar

import requests

from .exceptions import APIConnectionError, APITimeoutError, TLSError
from .responses import APIResponse, BinaryResponse, parse_response
from .streaming import Stream
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

_Raw = Tuple[int, Dict[str, str], bytes]


class SyncRequestor:
    """Sends :class:`RequestSpec` requests with ``requests``; shared by every sync client."""

    def __init__(self, retry_policy: Optional[RetryPolicy] = None, pool_size: int = 32) -> None:
        self.retry_policy = retry_policy or RetryPolicy()
        self._pool_size = pool_size
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session: Optional[requests.Session] = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(
                pool_connections=4, pool_maxsize=self._pool_size
            )
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    def close(self) -> None:
        """Close the calling thread's session and its connections."""
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None

    # ---- public entry points -----------------------------------------------------------

    def request(self, spec: RequestSpec, cast_to: Type[ResponseT]) -> ResponseT:
        """Send ``spec`` (with retries) and parse the JSON answer into ``cast_to``."""
        status, headers, content = self._with_retries(spec, self._send_and_read)
        try:
            return parse_response(cast_to, content, headers)
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
        response = self._with_retries(spec, self._send_for_stream)
        return Stream(
            cast_to=cast_to,
            body=self._body_chunks(spec, response),
            close=response.close,
            headers=lower_headers(response.headers),
            secrets=spec.secrets,
        )

    # ---- internals -----------------------------------------------------------------------

    def _with_retries(self, spec: RequestSpec, send):  # type: ignore[no-untyped-def]
        # The first attempt runs outside tenacity: building a Retrying costs more than the rest
        # of the SDK's per-call work, and nearly every call succeeds at once. After a retryable
        # failure tenacity takes over with the same policy, replaying that failure as its
        # attempt 1, so waits, logs and the attempt limit are exactly what they were.
        try:
            return send(spec)
        except Exception as exc:
            if spec.max_retries <= 0 or not self.retry_policy.should_retry(exc):
                raise
            first_failure: Optional[Exception] = exc
        # Imported here, on the first retry: tenacity loads asyncio (and tornado when it is
        # installed), a good part of the SDK's import time, for calls that never fail.
        from tenacity import Retrying, stop_after_attempt

        policy = self.retry_policy
        retrying = Retrying(
            stop=stop_after_attempt(spec.max_retries + 1),
            wait=policy.tenacity_wait,
            retry=policy.tenacity_retry,
            before_sleep=log_retry,
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                if first_failure is not None:
                    failure, first_failure = first_failure, None
                    raise failure
                return send(spec)
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    def _send(self, spec: RequestSpec) -> requests.Response:
        try:
            response = self._session().request(
                spec.method,
                spec.url,
                headers=dict(spec.headers),
                data=spec.body if spec.files is None else spec.form,
                files=spec.files,
                params=spec.params,
                timeout=spec.timeout,
                stream=spec.stream,
                verify=spec.verify,
            )
        except requests.Timeout as exc:
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except requests.exceptions.SSLError as exc:
            raise TLSError(connection_error_message(spec, exc)) from None
        except requests.RequestException as exc:
            raise APIConnectionError(connection_error_message(spec, exc)) from None
        if response.status_code >= 400:
            try:
                content = response.content
            except requests.RequestException:
                content = b""
            finally:
                response.close()
            raise status_error(
                response.status_code, lower_headers(response.headers), content, spec.secrets
            )
        return response

    def _send_and_read(self, spec: RequestSpec) -> _Raw:
        response = self._send(spec)
        try:
            content = response.content
        except requests.Timeout as exc:
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except requests.RequestException as exc:
            raise APIConnectionError(connection_error_message(spec, exc)) from None
        return response.status_code, lower_headers(response.headers), content

    def _send_for_stream(self, spec: RequestSpec) -> requests.Response:
        return self._send(spec)

    def _body_chunks(self, spec: RequestSpec, response: requests.Response) -> Iterator[bytes]:
        try:
            # chunk_size=None hands over each chunk as the server sends it.
            yield from response.iter_content(chunk_size=None)
        except requests.Timeout as exc:
            raise APITimeoutError(connection_error_message(spec, exc)) from None
        except requests.RequestException as exc:
            raise APIConnectionError(connection_error_message(spec, exc)) from None
