"""The SDK's exception tree. Every failure a caller can see is one of these (or a pydantic
``ValidationError`` for a config that cannot be built).

    PortkeyError
    ├── InvalidRequestError (also a ValueError): bad input caught before anything is sent
    │   ├── MissingAPIKeyError
    │   │   └── MissingProviderKeyError
    │   ├── MissingConfigError
    │   ├── InvalidConfigError
    │   └── InvalidHeaderValueError
    └── APIError: something went wrong talking to the gateway
        ├── APIConnectionError
        │   ├── APITimeoutError
        │   │   └── PollTimeoutError (a polling helper's max_wait_seconds)
        │   ├── TLSError
        │   └── StreamInterruptedError
        ├── APIResponseValidationError
        ├── LengthFinishReasonError, ContentFilterFinishReasonError (``parse`` helpers)
        └── APIStatusError (carries status_code, body, headers)
            ├── RedirectError (3xx: never followed; carries location)
            ├── BadRequestError (400), AuthenticationError (401), PermissionDeniedError (403),
            ├── NotFoundError (404), ConflictError (409), UnprocessableEntityError (422),
            ├── RateLimitError (429), InternalServerError (>= 500)
            └── ProviderResponseError (a 2xx whose body is only an error)
"""

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type


class PortkeyError(Exception):
    """Base class of every error this SDK raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequestError(PortkeyError, ValueError):
    """A request that cannot be sent as given. ``field`` names the option at fault."""

    def __init__(self, message: str, *, field: Optional[str] = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidWebhookSignatureError(PortkeyError, ValueError):
    """A webhook whose signature does not match its body and secret, whose timestamp is
    outside the tolerance window, or whose signature headers are missing: do not trust it."""


class MissingAPIKeyError(InvalidRequestError):
    """No Portkey API key was found where one is needed."""


class MissingProviderKeyError(MissingAPIKeyError):
    """An LLM of the config has no provider key, and the environment variable that would
    supply it is not set. Raised when the request (its config header) is built, never by
    validation. ``env_var`` names the variable, ``llm_index`` the LLM (``llms[i]``).
    """

    def __init__(self, message: str, *, env_var: str, llm_index: int) -> None:
        super().__init__(message, field=f"llms[{llm_index}].api_key")
        self.env_var = env_var
        self.llm_index = llm_index


class MissingConfigError(InvalidRequestError):
    """The module-level API was called with no config to route by."""


class InvalidConfigError(InvalidRequestError):
    """A config given as a dict or JSON text breaks the config rules, or is too large to send.

    ``field`` is ``"config"``; ``problems`` lists ``(path, message)`` pairs, the path inside
    the config (``llms[0].weight``, ``targets[1].override_params.foo``), also one per line of
    the message.
    """

    def __init__(self, message: str, *, problems: Sequence[Tuple[str, str]] = ()) -> None:
        super().__init__(message, field="config")
        self.problems: List[Tuple[str, str]] = list(problems)


class InvalidHeaderValueError(InvalidRequestError):
    """A value bound for an HTTP header holds a character that would break the header."""


class UnknownOptionWarning(UserWarning):
    """A client parameter or ``createHeaders`` option this SDK does not know: it is sent as its
    ``x-portkey-*`` header anyway; the message suggests the known name for a likely typo."""


class APIError(PortkeyError):
    """A failure while talking to the gateway."""


class APIConnectionError(APIError):
    """The gateway could not be reached, or the connection broke."""


class APITimeoutError(APIConnectionError):
    """The gateway did not answer within the timeout."""


class PollTimeoutError(APITimeoutError):
    """A polling helper (``create_and_poll``, ``wait_for_processing``, ...) gave up: the object
    did not reach a final state within ``max_wait_seconds``. ``last`` is the object as last
    seen."""

    def __init__(self, message: str, *, last: Any) -> None:
        super().__init__(message)
        self.last = last


class TLSError(APIConnectionError):
    """The TLS handshake failed (for example an unverifiable certificate). Not retried: another
    attempt would fail the same way."""


class StreamInterruptedError(APIConnectionError):
    """A streamed response ended before the stream's end marker.

    ``chunks_received`` says how many chunks the caller had already been given.
    """

    def __init__(self, message: str, *, chunks_received: int) -> None:
        super().__init__(message)
        self.chunks_received = chunks_received


class APIResponseValidationError(APIError):
    """The gateway answered with a success status but a body that is not what the API promises."""

    def __init__(self, message: str, *, status_code: int, body: Any = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body


class APIStatusError(APIError):
    """The gateway answered with an error status.

    ``body`` is the parsed JSON error (or the text when it was not JSON), ``headers`` the
    response headers, ``request_id`` the gateway's trace id for the call when it sent one (else
    the ``x-request-id`` a provider sent). ``code``, ``param`` and ``type`` are the error
    object's fields (``body["error"]``, or the body itself), as the openai SDK's errors carry
    them; ``None`` when absent.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body
        self.headers: Dict[str, str] = {k.lower(): v for k, v in (headers or {}).items()}
        self.request_id: Optional[str] = self.headers.get(
            "x-portkey-trace-id", self.headers.get("x-request-id")
        )
        details = _error_object(body)
        self.code = _field_text(details, "code")
        self.param = _field_text(details, "param")
        self.type = _field_text(details, "type")

    def __str__(self) -> str:
        return f"{self.status_code}: {self.message}"


def _error_object(body: Any) -> Mapping[str, Any]:
    """The error object of an error body: ``body["error"]`` when it is one, else the body."""
    if not isinstance(body, dict):
        return {}
    error = body.get("error")
    return error if isinstance(error, dict) else body


def _field_text(details: Mapping[str, Any], name: str) -> Optional[str]:
    value = details.get(name)
    return None if value is None or isinstance(value, (dict, list)) else str(value)


class RedirectError(APIStatusError):
    """3xx: the gateway address redirects elsewhere. API calls never follow a redirect: it
    would carry the Portkey and provider keys (sent as headers) to another address, and a
    302/303 would silently turn the POST into a GET. ``location`` is where it pointed (with any
    user:password removed); set ``base_url`` to the address that answers."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        location: Optional[str] = None,
    ) -> None:
        super().__init__(message, status_code=status_code, body=body, headers=headers)
        self.location = location


class BadRequestError(APIStatusError):
    """400: the gateway or provider rejected the request (often an invalid config)."""


class AuthenticationError(APIStatusError):
    """401: a key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but may not do this."""


class NotFoundError(APIStatusError):
    """404: no such path, model or object."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but its values are not acceptable."""


class RateLimitError(APIStatusError):
    """429: too many requests; the SDK retries these before raising."""


class InternalServerError(APIStatusError):
    """5xx: the gateway or the provider failed."""


_STATUS_ERRORS: Dict[int, Type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> Type[APIStatusError]:
    """The exception class for an HTTP error status."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


def parse_error_body(content: bytes) -> Any:
    """The error body as JSON when it is JSON, else as (possibly empty) text."""
    text = content.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def error_message(status_code: int, body: Any) -> str:
    """A one-line message from the error shapes the gateway and providers use."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str) and error:
            return error
        message = body.get("message")
        if message:
            details = body.get("errors")
            return f"{message}: {details}" if details else str(message)
        if body.get("html-message"):
            return str(body["html-message"])
        return json.dumps(body)[:500]
    text = str(body).strip()
    if not text:
        return f"HTTP {status_code} with an empty body"
    if text.lstrip().startswith("<"):
        return f"HTTP {status_code} with a non-JSON (HTML) body: {text[:200]}"
    return text[:500]


class ProviderResponseError(APIStatusError):
    """The gateway answered with a success status, but its body is an error with no result.

    The gateway does this when it cannot translate a provider's answer (``{"error": {...}}``
    and no ``choices``, ``data`` or ``output``). ``status_code`` is the status received (2xx);
    ``message`` is the gateway's; ``body`` the error body as received.
    """


class LengthFinishReasonError(APIError):
    """``chat.completions.parse`` got an answer cut off at the token limit
    (``finish_reason`` ``length``): its JSON is incomplete and cannot be parsed.
    ``completion`` is the answer as received."""

    def __init__(self, message: str, *, completion: Any) -> None:
        super().__init__(message)
        self.completion = completion


class ContentFilterFinishReasonError(APIError):
    """``chat.completions.parse`` got an answer stopped by the provider's content filter
    (``finish_reason`` ``content_filter``). ``completion`` is the answer as received."""

    def __init__(self, message: str, *, completion: Any) -> None:
        super().__init__(message)
        self.completion = completion
