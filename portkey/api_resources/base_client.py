"""The core both API styles stand on: resolved client options, and one request path.

A client's options (keys, config, trace id, ...) are turned into headers once, when the client
is built; a call only adds its body and any per-call overrides. ``with_options`` makes a new
client that shares the parent's requestor, so its connection pool is shared too.
"""

import math
import os
import warnings
from dataclasses import dataclass, field
from typing import (
    Any,
    Dict,
    List,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)
from urllib.parse import urlsplit

import pydantic_core

from .config import Config, Modes
from .constants import (
    API_KEY_ENV,
    API_KEY_HEADER,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    IDEMPOTENCY_KEY_HEADER,
    LEGACY_PROXY_ENV,
    RETRY_COUNT_HEADER,
    TRACE_ID_REQUEST_HEADER,
)
from .exceptions import InvalidRequestError, MissingAPIKeyError
from .headers import config_header_value, encode_header_value, merge_headers, portkey_headers
from .logs import get_logger
from .responses import APIResponse, BinaryResponse
from .secrets import url_credentials, url_without_credentials
from .transport import DEFAULT_HEADERS, JSON_CONTENT_TYPE, FileSpec, RequestSpec, new_call_id

ResponseT = TypeVar("ResponseT", bound=APIResponse)


class NotGiven:
    """Marks an argument the caller did not pass, so that ``None`` can mean "no limit"."""

    _instance: Optional["NotGiven"] = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Timeout = Union[float, None, NotGiven]


def resolve_api_key(*candidates: Optional[str]) -> Optional[str]:
    """The first key given, else ``PORTKEY_API_KEY`` (read now, not at import)."""
    for candidate in candidates:
        if candidate:
            return candidate
    return os.environ.get(API_KEY_ENV) or None


def resolve_base_url(*candidates: Optional[str]) -> str:
    """The first URL given, else ``PORTKEY_BASE_URL``, ``PORTKEY_PROXY``, the hosted gateway."""
    for candidate in candidates:
        if candidate is not None and not isinstance(candidate, str):
            raise InvalidRequestError(
                f"base_url must be a URL string; got {type(candidate).__name__}", field="base_url"
            )
        if candidate:
            return candidate.rstrip("/")
    env = os.environ.get(BASE_URL_ENV) or env_legacy_proxy_url()
    return (env or DEFAULT_BASE_URL).rstrip("/")


def env_legacy_proxy_url() -> Optional[str]:
    """``PORTKEY_PROXY`` as a base URL, or None when it is not set.

    The 0.1.x SDK read the gateway's root from it and added ``/v1/...`` itself
    (``http://localhost:8787``), so a value without a path gets ``/v1``; today's variable is
    ``PORTKEY_BASE_URL``, with ``/v1`` included.
    """
    value = os.environ.get(LEGACY_PROXY_ENV)
    if not value:
        return None
    value = value.rstrip("/")
    if urlsplit(value).path:
        return value
    warnings.warn(
        f"{LEGACY_PROXY_ENV} without a path is read as {value}/v1, the 0.1.x meaning; set "
        f"{BASE_URL_ENV}={value}/v1 instead",
        DeprecationWarning,
        stacklevel=3,
    )
    return value + "/v1"


def is_hosted(base_url: str) -> bool:
    """Whether ``base_url`` is Portkey's hosted service (which requires an API key)."""
    return base_url.startswith(DEFAULT_BASE_URL.rsplit("/", 1)[0])


def _check_base_url(base_url: str) -> str:
    """``base_url`` when it is a plain http(s) address that a call's path can follow; raises
    naming ``base_url`` otherwise (its echo never shows a user:password it carries)."""
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        shown = url_without_credentials(base_url) if isinstance(base_url, str) else base_url
        raise InvalidRequestError(
            f"base_url must start with http:// or https://; got {shown!r}", field="base_url"
        )
    parts = urlsplit(base_url)
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        problem = "a port that is not a number from 1 to 65535"
    elif not parts.hostname:
        problem = "no host"
    elif "?" in base_url or "#" in base_url:  # an empty query or fragment too
        problem = "a query string or fragment (each call's path is appended to it)"
    elif any(character.isspace() or ord(character) < 32 for character in base_url):
        problem = "spaces or control characters"
    else:
        return base_url
    raise InvalidRequestError(
        f"base_url has {problem}; give an address such as https://api.portkey.ai/v1 or "
        f"http://localhost:8787/v1 (got {url_without_credentials(base_url)!r})",
        field="base_url",
    )


def check_timeout(timeout: Any) -> Optional[float]:
    """``timeout`` if it is a positive, finite number of seconds or ``None`` (no limit)."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InvalidRequestError(
            f"timeout must be a number of seconds, or None for no limit; got "
            f"{type(timeout).__name__}",
            field="timeout",
        )
    if not math.isfinite(timeout) or timeout <= 0:
        raise InvalidRequestError(
            f"timeout must be a positive, finite number of seconds, or None for no limit; got "
            f"{timeout}",
            field="timeout",
        )
    return float(timeout)


def check_max_retries(max_retries: Any) -> int:
    """``max_retries`` if it is a whole number, 0 or more."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidRequestError(
            f"max_retries must be a whole number, 0 or more; got {max_retries!r}",
            field="max_retries",
        )
    return max_retries


def check_webhook_secret(secret: Any) -> Optional[str]:
    """``secret`` as given (a non-empty string, or ``None``); raises naming the parameter."""
    if secret is None or (isinstance(secret, str) and secret):
        return secret
    raise InvalidRequestError(
        "webhook_secret must be the secret your webhook endpoint was given (a non-empty "
        f"string), or None; got {type(secret).__name__}",
        field="webhook_secret",
    )


def check_verify(verify: Any, base_url: str) -> bool:
    """``verify`` if it is a bool, and ``False`` only for a gateway other than the hosted one."""
    if not isinstance(verify, bool):
        raise InvalidRequestError(
            f"verify must be True or False; got {type(verify).__name__}", field="verify"
        )
    if not verify and is_hosted(base_url):
        raise InvalidRequestError(
            "verify=False is refused for the hosted gateway: TLS verification may only be "
            "turned off for a self-hosted base_url (e.g. one with a self-signed certificate)",
            field="verify",
        )
    return verify


class ClientOptions:
    """Everything a client sends with each call, resolved and encoded once.

    ``portkey_options`` are the ``x-portkey-*`` options by name (see ``HEADER_OPTIONS``);
    ``default_mode`` is the mode a :class:`Config` without one is translated with. ``verify``
    is TLS certificate verification, on unless turned off for a self-hosted gateway.
    """

    __slots__ = (
        "api_key",
        "base_url",
        "default_headers",
        "default_mode",
        "headers",
        "json_headers",
        "max_retries",
        "portkey_options",
        "secrets",
        "timeout",
        "verify",
        "webhook_secret",
    )

    def __init__(
        self,
        *,
        api_key: Optional[str],
        base_url: str,
        portkey_options: Mapping[str, Any],
        timeout: Optional[float] = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, str]] = None,
        default_mode: Optional[Union[Modes, str]] = None,
        verify: bool = True,
        webhook_secret: Optional[str] = None,
    ) -> None:
        self.max_retries = check_max_retries(max_retries)
        self.timeout = check_timeout(timeout)
        self.api_key = api_key
        self.base_url = _check_base_url(base_url)
        self.verify = check_verify(verify, self.base_url)
        if not verify:
            get_logger().warning(
                "TLS certificate verification is off for %s", url_without_credentials(base_url)
            )
        self.portkey_options = {k: v for k, v in portkey_options.items() if v is not None}
        self.default_headers = dict(default_headers or {})
        self.default_mode = default_mode
        # Kept for client.webhooks, never sent: it signs deliveries to the user's own server.
        self.webhook_secret = check_webhook_secret(webhook_secret)
        self.headers = self._build_headers()
        self.secrets = (
            _secrets_of(self.headers)
            + url_credentials(self.base_url)
            + ((webhook_secret,) if webhook_secret else ())
        )
        # The headers of a call with a JSON body, merged once rather than on every call.
        self.json_headers = {**self.headers, **JSON_CONTENT_TYPE}

    def _build_headers(self) -> Dict[str, str]:
        options = dict(self.portkey_options)
        config = options.pop("config", None)
        headers: Dict[str, str] = dict(DEFAULT_HEADERS)
        if self.api_key:
            headers[API_KEY_HEADER] = encode_header_value("api_key", self.api_key)
        headers.update(portkey_headers(options))
        if config is not None:
            headers["x-portkey-config"] = config_header_value(config, self.default_mode)
            if isinstance(config, Config):
                # LLM-level trace id, metadata and cache options describe the request.
                for name, value in config.request_options().items():
                    headers.setdefault(
                        f"x-portkey-{name.replace('_', '-')}", encode_header_value(name, value)
                    )
        merge_headers(headers, self.default_headers)
        return headers

    def replace(self, **changes: Any) -> "ClientOptions":
        """A copy with some options changed; Portkey options go by their own names."""
        portkey_options = dict(self.portkey_options)
        fields: Dict[str, Any] = {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "default_mode": self.default_mode,
            "verify": self.verify,
            "webhook_secret": self.webhook_secret,
        }
        for name, value in changes.items():
            if isinstance(value, NotGiven):
                continue
            if name in fields:
                fields[name] = value
            else:  # a Portkey option, known or not: it travels as its x-portkey-* header
                portkey_options[name] = value
        return ClientOptions(portkey_options=portkey_options, **fields)

    def require_api_key(self) -> None:
        """Raise before sending when the hosted gateway would refuse the call for lack of a key."""
        if not self.api_key and is_hosted(self.base_url):
            raise MissingAPIKeyError(
                "no Portkey API key: pass api_key=..., set portkey.api_key, or set the "
                f"{API_KEY_ENV} environment variable (a self-hosted gateway given as base_url "
                "needs none)",
                field="api_key",
            )


def _secrets_of(headers: Mapping[str, str]) -> Tuple[str, ...]:
    from .secrets import credential_of, is_secret_header

    found = [credential_of(value) for name, value in headers.items() if is_secret_header(name)]
    config = headers.get("x-portkey-config", "")
    if config.startswith("{"):
        found.extend(_config_secrets(config))
    return tuple(found)


def _config_secrets(config_json: str) -> Tuple[str, ...]:
    """Every credential inside a config header's JSON (any depth), to be masked in errors."""
    import json

    from .gateway_config import SECRET_FIELDS

    secrets = []
    # Iterative: the JSON was built by this SDK from a validated config, but a walk that
    # cannot overflow the stack costs nothing more.
    stack: List[Any] = [json.loads(config_json)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in SECRET_FIELDS and isinstance(value, str):
                    secrets.append(value)
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return tuple(secrets)


def encode_body(body: Mapping[str, Any]) -> bytes:
    """Compact JSON for a request body (pydantic's serializer: fast, and models welcome).

    Raises ``InvalidRequestError`` naming the parameter that JSON cannot carry: an object it
    cannot serialize, or NaN/infinity (which the serializer would write as invalid JSON).
    """
    try:
        encoded = pydantic_core.to_json(body, exclude_none=False)
    except pydantic_core.PydanticSerializationError as exc:
        name = _unencodable_param(body)
        raise InvalidRequestError(f"{name} cannot be sent as JSON: {exc}", field=name) from None
    if b"NaN" in encoded or b"Infinity" in encoded:
        _reject_non_finite(body, encoded)
    return encoded


def _not_json(constant: str) -> Any:
    raise ValueError(constant)


def _reject_non_finite(body: Mapping[str, Any], encoded: bytes) -> None:
    import json

    try:
        json.loads(encoded, parse_constant=_not_json)
    except ValueError:
        name = "body"
        for key, value in body.items():
            try:
                json.loads(pydantic_core.to_json(value), parse_constant=_not_json)
            except ValueError:
                name = str(key)
                break
        raise InvalidRequestError(
            f"{name} holds NaN or infinity, which JSON cannot carry", field=name
        ) from None


def _unencodable_param(body: Mapping[str, Any]) -> str:
    for key, value in body.items():
        try:
            pydantic_core.to_json(value)
        except pydantic_core.PydanticSerializationError:
            return str(key)
    return "body"


class RequestOptions:
    """Per-call additions: extra headers, a timeout or retry count for this call only."""

    __slots__ = ("extra_headers", "max_retries", "timeout")

    def __init__(
        self,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: Timeout = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
    ) -> None:
        self.extra_headers = extra_headers
        self.timeout = timeout if isinstance(timeout, NotGiven) else check_timeout(timeout)
        self.max_retries = (
            max_retries if isinstance(max_retries, NotGiven) else check_max_retries(max_retries)
        )


#: The per-call options of a call that has none.
NO_REQUEST_OPTIONS = RequestOptions()


# Not frozen: one is built per call, and a frozen dataclass sets each field through
# object.__setattr__ (several microseconds here). Nothing changes a Call once built.
@dataclass
class Call:
    """One API call, described without sending it: what a resource method builds and hands
    to its client's ``send``."""

    method: str
    path: str
    cast_to: Type[APIResponse]
    body: Optional[Mapping[str, Any]] = None
    params: Optional[Mapping[str, Any]] = None
    files: Optional[Mapping[str, FileSpec]] = None
    stream: bool = False
    stream_cls: Optional[Type[APIResponse]] = None
    binary: bool = False
    request_options: RequestOptions = field(default_factory=RequestOptions)


class BaseClient:
    """Builds :class:`RequestSpec` objects from a client's options and a call's arguments."""

    def __init__(self, options: ClientOptions) -> None:
        self._options = options

    @property
    def options(self) -> ClientOptions:
        """The resolved options this client sends with every call."""
        return self._options

    # What the client was made with, read back under the names code written for the reference
    # SDK (and the openai SDK) reads: ``client.base_url``, ``client.config``, ...

    @property
    def api_key(self) -> Optional[str]:
        """The Portkey API key sent with every call (``None`` when none is set)."""
        return self._options.api_key

    @property
    def base_url(self) -> str:
        """The gateway URL calls go to."""
        return self._options.base_url

    @property
    def timeout(self) -> Optional[float]:
        """Seconds a call waits for the gateway (``None``: no limit)."""
        return self._options.timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried."""
        return self._options.max_retries

    @property
    def default_headers(self) -> Dict[str, str]:
        """The extra headers given for every call (a copy)."""
        return dict(self._options.default_headers)

    @property
    def config(self) -> Any:
        """The config given (a :class:`Config`, a dict or a slug), or ``None``."""
        return self._options.portkey_options.get("config")

    @property
    def provider(self) -> Optional[str]:
        """The provider given, or ``None``."""
        return self._options.portkey_options.get("provider")

    @property
    def virtual_key(self) -> Optional[str]:
        """The virtual key given, or ``None``."""
        return self._options.portkey_options.get("virtual_key")

    @property
    def trace_id(self) -> Optional[str]:
        """The trace id given for every call, or ``None`` (each call then gets its own)."""
        return self._options.portkey_options.get("trace_id")

    @property
    def metadata(self) -> Any:
        """The metadata given for every call, or ``None``."""
        return self._options.portkey_options.get("metadata")

    def build_spec(
        self,
        method: str,
        path: str,
        *,
        body: Optional[Mapping[str, Any]] = None,
        params: Optional[Mapping[str, Any]] = None,
        files: Optional[Mapping[str, FileSpec]] = None,
        stream: bool = False,
        request_options: RequestOptions = NO_REQUEST_OPTIONS,
    ) -> RequestSpec:
        """The request for one call given by its parts (see :meth:`spec_of`)."""
        return self.spec_of(
            Call(
                method,
                path,
                APIResponse,
                body=body,
                params=params,
                files=files,
                stream=stream,
                request_options=request_options,
            )
        )

    def spec_of(self, call: Call) -> RequestSpec:
        """The request for ``call``: client headers, the call's additions, encoded body.

        Each call gets an id, sent as its idempotency key (and as its trace id when none is
        set), which every retry of the call repeats, with ``x-portkey-retry-count`` 0 here.
        """
        options = self._options
        options.require_api_key()
        call_id = new_call_id()
        body = call.body
        files = call.files
        headers = {
            **(options.json_headers if files is None and body is not None else options.headers),
            IDEMPOTENCY_KEY_HEADER: call_id,
            RETRY_COUNT_HEADER: "0",
        }
        if call.stream:
            headers["Accept"] = "text/event-stream"
        request_options = call.request_options
        if request_options.extra_headers:
            merge_headers(headers, request_options.extra_headers)
        if TRACE_ID_REQUEST_HEADER not in headers:
            headers[TRACE_ID_REQUEST_HEADER] = call_id
        timeout = request_options.timeout
        max_retries = request_options.max_retries
        form = None
        if files is not None and body is not None:
            form = {key: str(value) for key, value in body.items() if value is not None}
        return RequestSpec(
            method=call.method,
            url=options.base_url + call.path,
            headers=headers,
            body=encode_body(body) if body is not None and files is None else None,
            params=call.params,
            files=files,
            form=form,
            timeout=options.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=(options.max_retries if isinstance(max_retries, NotGiven) else max_retries),
            stream=call.stream,
            secrets=options.secrets,
            verify=options.verify,
        )


def cast_or_bytes(cast_to: Type[Any]) -> bool:
    """Whether ``cast_to`` asks for raw bytes rather than parsed JSON."""
    return cast_to is BinaryResponse
