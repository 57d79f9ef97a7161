"""The parameters of ``Portkey(...)``, ``AsyncPortkey(...)`` and ``with_options(...)``, written
once, and their resolution into :class:`ClientOptions`."""

from typing import Any, Dict, List, Mapping, Optional, Tuple, TypedDict, Union

from .base_client import (
    NOT_GIVEN,
    ClientOptions,
    NotGiven,
    resolve_api_key,
    resolve_base_url,
)
from .config import Config
from .constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from .exceptions import InvalidRequestError
from .headers import HEADER_OPTIONS


class ClientParams(TypedDict, total=False):
    """Every client parameter. Each Portkey option travels as its ``x-portkey-*`` header."""

    api_key: Optional[str]
    """Portkey API key. Default: env ``PORTKEY_API_KEY``. Not needed for a self-hosted gateway."""
    base_url: Optional[str]
    """Gateway URL. Default: env ``PORTKEY_BASE_URL``, else the hosted gateway."""
    virtual_key: Optional[str]
    """Virtual key of the provider to call."""
    config: Union[Config, Mapping[str, Any], str, None]
    """Routing config: a :class:`Config`, a dict (current or legacy shape) or a slug."""
    provider: Optional[str]
    """Provider to call when there is no config or virtual key."""
    trace_id: Optional[str]
    """Id that groups requests in Portkey's logs."""
    metadata: Optional[Mapping[str, str]]
    """Custom metadata for logs and analytics, e.g. ``{"_user": "u1"}``."""
    cache_force_refresh: Optional[bool]
    """Skip the cache and store the fresh answer."""
    cache_namespace: Optional[str]
    """Partition of the cache."""
    custom_host: Optional[str]
    """URL of a privately hosted model server."""
    forward_headers: Optional[List[str]]
    """Headers the gateway passes to the provider unchanged."""
    azure_resource_name: Optional[str]
    """Azure OpenAI resource name."""
    azure_deployment_id: Optional[str]
    """Azure OpenAI deployment id."""
    azure_api_version: Optional[str]
    """Azure OpenAI API version."""
    vertex_project_id: Optional[str]
    """Google Vertex AI project id."""
    vertex_region: Optional[str]
    """Google Vertex AI region."""
    aws_access_key_id: Optional[str]
    """AWS Bedrock access key id."""
    aws_secret_access_key: Optional[str]
    """AWS Bedrock secret access key."""
    aws_region: Optional[str]
    """AWS Bedrock region."""
    aws_session_token: Optional[str]
    """AWS Bedrock session token."""
    request_timeout: Optional[int]
    """Milliseconds the gateway waits for the provider."""
    timeout: Union[float, NotGiven, None]
    """Seconds the SDK waits for the gateway (default 600; ``None`` waits without limit)."""
    max_retries: Union[int, NotGiven]
    """Retries of failed gateway calls (connection errors, 408/409/429/5xx). Default 2."""
    default_headers: Optional[Mapping[str, str]]
    """More headers to send with every call (e.g. ``Authorization`` for a provider key)."""
    verify: bool
    """TLS certificate verification (default True). ``False`` is accepted only for a
    self-hosted ``base_url``, e.g. one with a self-signed certificate; never for the hosted
    gateway."""
    http_client: Any
    """Your own HTTP client: a ``requests.Session`` for ``Portkey``, an
    ``aiohttp.ClientSession`` for ``AsyncPortkey`` (custom CA or mTLS, proxies, connection
    limits, instrumentation). Used as it is; never closed or replaced by the SDK."""


_CLIENT_FIELDS = (
    "api_key",
    "base_url",
    "timeout",
    "max_retries",
    "default_headers",
    "verify",
    "http_client",
)
KNOWN_PARAMS = frozenset(_CLIENT_FIELDS) | frozenset(HEADER_OPTIONS)


def check_param_names(params: Mapping[str, Any]) -> None:
    """Reject a misspelt parameter by name, suggesting the closest known one."""
    for name in params:
        if name not in KNOWN_PARAMS:
            import difflib

            guess = difflib.get_close_matches(name, sorted(KNOWN_PARAMS), n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            raise InvalidRequestError(f"unknown client parameter {name!r}{hint}", field=name)


def options_from_params(params: Mapping[str, Any]) -> ClientOptions:
    """Resolve constructor parameters (with env defaults) into :class:`ClientOptions`.

    ``http_client`` is not an option of the requests but of the transport: the client takes
    it (see :func:`split_http_client`).
    """
    check_param_names(params)
    portkey_options: Dict[str, Any] = {
        name: value for name, value in params.items() if name in HEADER_OPTIONS
    }
    portkey_options.pop("api_key", None)
    timeout = params.get("timeout", NOT_GIVEN)
    max_retries = params.get("max_retries", NOT_GIVEN)
    return ClientOptions(
        api_key=resolve_api_key(params.get("api_key")),
        base_url=resolve_base_url(params.get("base_url")),
        portkey_options=portkey_options,
        timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout,
        max_retries=DEFAULT_MAX_RETRIES if isinstance(max_retries, NotGiven) else max_retries,
        default_headers=params.get("default_headers"),
        verify=params.get("verify", True),
    )


def options_with(options: ClientOptions, overrides: Mapping[str, Any]) -> ClientOptions:
    """``options`` with ``overrides`` applied (for ``with_options``)."""
    check_param_names(overrides)
    return options.replace(**overrides)


def split_http_client(params: Mapping[str, Any]) -> Tuple[Dict[str, Any], Any]:
    """The parameters without ``http_client``, and ``http_client`` (``None`` when not given)."""
    rest = dict(params)
    return rest, rest.pop("http_client", None)
