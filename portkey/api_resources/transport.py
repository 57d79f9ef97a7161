"""What the sync and async requestors share: the request description, the retry policy and
the mapping of HTTP failures to exceptions. Pure code: no sockets, no requests, no aiohttp."""

import os
import platform
import random
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from time import time
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Tuple
from urllib.parse import urljoin

from ..version import DISTRIBUTION_NAME, VERSION
from .constants import (
    INITIAL_RETRY_DELAY_SECONDS,
    MAX_ERROR_BODY_BYTES,
    MAX_RETRY_AFTER_SECONDS,
    MAX_RETRY_DELAY_SECONDS,
    RETRY_COUNT_HEADER,
    RETRYABLE_STATUS_CODES,
)
from .exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    ProviderResponseError,
    RedirectError,
    StreamInterruptedError,
    TLSError,
    error_message,
    parse_error_body,
    status_error_class,
)
from .logs import get_logger
from .secrets import redact, redact_json, url_without_credentials

if TYPE_CHECKING:  # tenacity is imported only once a call fails and is retried (see requestor)
    from tenacity import RetryCallState

#: Sent with every request, computed once.
DEFAULT_HEADERS: Dict[str, str] = {
    "User-Agent": f"{DISTRIBUTION_NAME}/{VERSION} python/{platform.python_version()}",
    "Accept": "application/json",
    "x-portkey-runtime": "python",
    "x-portkey-runtime-version": platform.python_version(),
    "x-portkey-package-version": VERSION,
}
JSON_CONTENT_TYPE = {"Content-Type": "application/json"}

FileSpec = Tuple[str, bytes, str]  # (filename, content, content type)


# Not frozen: one is built per call, and a frozen dataclass sets each of its fields through
# object.__setattr__, which made building it the largest part of the SDK's per-call work.
# Nothing changes a spec once built.
@dataclass
class RequestSpec:
    """One HTTP request, fully resolved: everything a requestor needs and nothing more.

    ``timeout`` is in seconds; ``None`` means wait without limit (a deliberate choice: the
    clients default to a finite timeout). ``secrets`` are masked in any error text. ``verify``
    is TLS certificate verification. The repr names the headers but shows no value, since
    several carry credentials.
    """

    method: str
    url: str
    headers: Mapping[str, str]
    body: Optional[bytes] = None
    params: Optional[Mapping[str, Any]] = None
    files: Optional[Mapping[str, FileSpec]] = None
    form: Optional[Mapping[str, str]] = None
    timeout: Optional[float] = None
    max_retries: int = 0
    stream: bool = False
    secrets: Tuple[str, ...] = field(default=(), repr=False)
    verify: bool = True

    def __repr__(self) -> str:
        return (
            f"RequestSpec(method={self.method!r}, url={self.url!r}, "
            f"headers=[{', '.join(self.headers)}], timeout={self.timeout!r}, "
            f"max_retries={self.max_retries!r}, stream={self.stream!r}, verify={self.verify!r})"
        )


@dataclass
class RetryPolicy:
    """When to retry a gateway call and how long to wait.

    Retries connection errors and timeouts, 408, 409, 429 and every 5xx. Waits what the
    ``Retry-After`` header asks (up to 60 s), else ``initial_delay * 2**n`` capped at
    ``max_delay``, with jitter so that many clients do not retry in step.
    """

    initial_delay: float = INITIAL_RETRY_DELAY_SECONDS
    max_delay: float = MAX_RETRY_DELAY_SECONDS
    max_retry_after: float = MAX_RETRY_AFTER_SECONDS

    def should_retry(self, exc: BaseException) -> bool:
        """Whether the failure ``exc`` is worth another attempt."""
        if isinstance(exc, StreamInterruptedError):
            return False  # chunks may already be with the caller
        if isinstance(exc, TLSError):
            return False  # a certificate that failed once fails again
        if isinstance(exc, APIConnectionError):
            return True
        if isinstance(exc, APIStatusError):
            return exc.status_code in RETRYABLE_STATUS_CODES or exc.status_code >= 500
        return False

    def jitter(self) -> float:
        """A factor in [0.75, 1]; its own method so tests can pin it."""
        return 1 - 0.25 * random.random()

    def delay(self, attempt: int, exc: Optional[BaseException]) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if isinstance(exc, APIStatusError):
            retry_after = retry_after_seconds(exc.headers)
            if retry_after is not None and 0 <= retry_after <= self.max_retry_after:
                return retry_after
        backoff = min(self.initial_delay * 2.0 ** (attempt - 1), self.max_delay)
        return backoff * self.jitter()

    def tenacity_wait(self, state: "RetryCallState") -> float:
        """The ``wait`` callback for tenacity."""
        exc = state.outcome.exception() if state.outcome else None
        return self.delay(state.attempt_number, exc)

    def tenacity_retry(self, state: "RetryCallState") -> bool:
        """The ``retry`` callback for tenacity."""
        if state.outcome is None or not state.outcome.failed:
            return False
        exc = state.outcome.exception()
        return exc is not None and self.should_retry(exc)


def retry_after_seconds(headers: Mapping[str, str]) -> Optional[float]:
    """Seconds a ``Retry-After`` (or ``retry-after-ms``) header asks for, if it parses."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp() - time()
    except (TypeError, ValueError):
        return None


def new_call_id() -> str:
    """A fresh id for one logical call (its idempotency key, and its trace id if none is set)."""
    return os.urandom(16).hex()


class Attempts:
    """The attempts of one logical call after its first failed: what tenacity needs, and the
    request of each retry.

    Every attempt carries the call's idempotency key and trace id unchanged (set once, when the
    request was built) and its own ``x-portkey-retry-count``, so a server and its logs can tell
    a replay from a new call.
    """

    def __init__(self, spec: RequestSpec, first_failure: Exception) -> None:
        self.spec = spec
        self.retries = 0
        self._first_failure: Optional[Exception] = first_failure

    def tenacity_settings(self, policy: RetryPolicy) -> Dict[str, Any]:
        """Keyword arguments for ``tenacity.Retrying`` / ``AsyncRetrying``."""
        from tenacity import stop_after_attempt

        return {
            "stop": stop_after_attempt(self.spec.max_retries + 1),
            "wait": policy.tenacity_wait,
            "retry": policy.tenacity_retry,
            "before_sleep": log_retry,
            "reraise": True,
        }

    def next_spec(self) -> RequestSpec:
        """The request of the next attempt; on tenacity's first attempt, the failure replayed
        (so that its waits, logs and attempt limit count the call's real first attempt)."""
        failure, self._first_failure = self._first_failure, None
        if failure is not None:
            raise failure
        self.retries += 1
        headers = {**self.spec.headers, RETRY_COUNT_HEADER: str(self.retries)}
        return replace(self.spec, headers=headers)


def status_error(
    status_code: int, headers: Mapping[str, str], content: bytes, secrets: Tuple[str, ...]
) -> APIStatusError:
    """The typed exception for an error response, with any echoed secret masked.

    The exception keeps at most ``MAX_ERROR_BODY_BYTES`` of the body: a huge (or decompressed
    bomb) error body is not held in memory for as long as the exception lives.
    """
    body = parse_error_body(content[:MAX_ERROR_BODY_BYTES])
    message = redact(error_message(status_code, body), secrets)
    body = redact_json(body, secrets)
    if secrets:
        headers = {name: redact(value, secrets) for name, value in headers.items()}
    return status_error_class(status_code)(
        message, status_code=status_code, body=body, headers=headers
    )


def redirect_error(
    status_code: int, headers: Mapping[str, str], content: bytes, spec: RequestSpec
) -> RedirectError:
    """The error for a 3xx answer: API calls never follow redirects (see RedirectError)."""
    location = headers.get("location")
    target = url_without_credentials(urljoin(spec.url, location)) if location else None
    where = f"to {target}" if target else "without a Location"
    message = (
        f"the gateway answered {status_code}, a redirect {where}; API calls do not follow "
        "redirects, which would carry your Portkey and provider keys to another address and "
        "may turn the request into a GET. Set base_url to the address that answers."
    )
    body = redact_json(parse_error_body(content[:MAX_ERROR_BODY_BYTES]), spec.secrets)
    masked = {name: redact(value, spec.secrets) for name, value in headers.items()}
    return RedirectError(
        redact(message, spec.secrets),
        status_code=status_code,
        body=body,
        headers=masked,
        location=target,
    )


def is_json_answer(headers: Mapping[str, str]) -> bool:
    """Whether an answer to a streaming request came as one JSON document, not as events
    (``headers`` with lower-case names, as :func:`lower_headers` gives them)."""
    content_type = headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def json_instead_of_stream(
    status_code: int, headers: Mapping[str, str], content: bytes, secrets: Tuple[str, ...]
) -> APIError:
    """The error for a streaming request answered with one JSON document: the error it
    carries (:class:`ProviderResponseError`), or :class:`APIResponseValidationError` quoting
    the start of it (the provider or endpoint does not stream, or a proxy buffered it)."""
    body = redact_json(parse_error_body(content[:MAX_ERROR_BODY_BYTES]), secrets)
    if isinstance(body, dict) and body.get("error"):
        return ProviderResponseError(
            redact(error_message(status_code, body), secrets),
            status_code=status_code,
            body=body,
            headers=headers,
        )
    text = redact(content[:MAX_ERROR_BODY_BYTES].decode("utf-8", errors="replace"), secrets)
    return APIResponseValidationError(
        f"a stream was asked for, but the gateway answered {status_code} with one JSON "
        f"document (the provider or endpoint may not stream; call without stream=True): "
        f"{text[:200]!r}",
        status_code=status_code,
        body=body,
    )


def invalid_body_error(
    status_code: int, content: bytes, type_name: str, secrets: Tuple[str, ...]
) -> APIResponseValidationError:
    """The error for a success answer whose body is not the promised JSON (secrets masked)."""
    text = redact(content.decode("utf-8", errors="replace"), secrets)
    return APIResponseValidationError(
        f"the gateway answered {status_code} with a body that is not valid JSON for "
        f"{type_name}: {text[:200]!r}",
        status_code=status_code,
        body=text,
    )


def connection_error_message(spec: RequestSpec, exc: BaseException) -> str:
    """A description of a connection failure that names the URL but no credential."""
    # asyncio's timeout carries no text of its own; say which limit was hit.
    detail = str(exc) or f"no answer within the timeout of {spec.timeout} s"
    url = url_without_credentials(spec.url)
    return redact(f"{spec.method} {url} failed: {type(exc).__name__}: {detail}", spec.secrets)


def timeout_message(spec: RequestSpec) -> str:
    """The message of a call that ran past its whole-call ``timeout``."""
    url = url_without_credentials(spec.url)
    return redact(
        f"{spec.method} {url} failed: the call took longer than its timeout of {spec.timeout} s",
        spec.secrets,
    )


def lower_headers(headers: Mapping[str, str]) -> Dict[str, str]:
    """Header names in lower case, so lookups do not depend on the server's spelling."""
    return {name.lower(): value for name, value in headers.items()}


def log_retry(state: "RetryCallState") -> None:
    """tenacity's ``before_sleep`` hook: one log line per retry (never with headers)."""
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    get_logger().info(
        "retrying after attempt %d failed (%s); waiting %.2fs", state.attempt_number, exc, wait
    )
