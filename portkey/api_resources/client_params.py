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
from .constants import (
    AUTHORIZATION_HEADER,
    AUTHORIZATION_PARAM,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
)
from .headers import (
    HEADER_OPTIONS,
    authorization_value,
    overlay_headers,
    split_authorization,
    warn_unknown_options,
)
from .logs import get_logger


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
    debug: Optional[bool]
    """``False`` asks the hosted service not to store this request's body in its logs."""
    strict_open_ai_compliance: Optional[bool]
    """``True`` makes the gateway drop provider-specific fields from OpenAI-format answers."""
    openai_project: Optional[str]
    """OpenAI project id (``OpenAI-Project``)."""
    openai_organization: Optional[str]
    """OpenAI organization id (``OpenAI-Organization``)."""
    anthropic_beta: Optional[str]
    """Anthropic beta features to enable (``anthropic-beta``)."""
    anthropic_version: Optional[str]
    """Anthropic API version (``anthropic-version``)."""
    span_id: Optional[str]
    """Id of this request's span in a trace (Portkey tracing)."""
    parent_span_id: Optional[str]
    """Id of the span this request's span belongs under."""
    span_name: Optional[str]
    """Display name of this request's span."""
    workers_ai_account_id: Optional[str]
    """Cloudflare Workers AI account id."""
    azure_endpoint_name: Optional[str]
    """Azure AI endpoint name."""
    azure_model_name: Optional[str]
    """Azure AI model name."""
    huggingface_base_url: Optional[str]
    """URL of a Hugging Face inference endpoint."""
    mistral_fim_completion: Optional[str]
    """``"true"`` routes Mistral completions to fill-in-the-middle."""
    vertex_storage_bucket_name: Optional[str]
    """Google Cloud Storage bucket for Vertex AI files and batches."""
    vertex_service_account_json: Union[Mapping[str, Any], str, None]
    """Vertex AI service account key (a dict, sent as JSON). A credential: masked."""
    provider_file_name: Optional[str]
    """File name the provider stores an upload under."""
    provider_model: Optional[str]
    """Model a batch or fine-tune file is for, where the provider needs it."""
    aws_s3_bucket: Optional[str]
    """S3 bucket for AWS Bedrock files and batches."""
    aws_s3_object_key: Optional[str]
    """S3 object key for an AWS Bedrock file."""
    aws_bedrock_model: Optional[str]
    """AWS Bedrock model for a batch or fine-tune."""
    aws_role_arn: Optional[str]
    """AWS role to assume for Bedrock."""
    aws_external_id: Optional[str]
    """External id for the assumed AWS role."""
    aws_auth_type: Optional[str]
    """AWS auth type (``accessKey`` or ``assumedRole``)."""
    fireworks_account_id: Optional[str]
    """Fireworks AI account id."""
    calculate_audio_duration: Optional[bool]
    """Whether the gateway measures audio length for cost tracking."""
    Authorization: Optional[str]
    """A provider key, ``"Bearer sk-..."``, sent as the ``Authorization`` header itself (for a
    self-hosted gateway with ``provider``). A bare key gets ``Bearer`` in front. Masked."""
    instrumentation: Optional[bool]
    """Accepted for code written for the reference SDK; this SDK has no OpenTelemetry
    instrumentation, so ``True`` only logs a warning."""
    webhook_secret: Optional[str]
    """The secret webhook deliveries are signed with: the default of
    ``client.webhooks.verify_signature`` / ``unwrap`` (before ``OPENAI_WEBHOOK_SECRET``).
    Kept by the client, never sent."""
    websocket_base_url: Optional[str]
    """Accepted for code written for the reference SDK; realtime websockets here always use
    ``base_url`` (``http`` becomes ``ws``), so a value only logs a warning."""
    timeout: Union[float, NotGiven, None]
    """Seconds the SDK waits for the gateway (default 600; ``None`` waits without limit)."""
    max_retries: Union[int, NotGiven]
    """Retries of failed gateway calls (connection errors, 408/409/429/5xx). Default 2."""
    default_headers: Optional[Mapping[str, str]]
    """More headers to send with every call (e.g. ``Authorization`` for a provider key);
    ``with_options`` adds these to the client's own."""
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
    "webhook_secret",
)
#: Accepted for the reference SDK's sake but not sent: see their ClientParams docstrings.
_IGNORED_PARAMS = ("instrumentation", "websocket_base_url")
KNOWN_PARAMS = (
    frozenset(_CLIENT_FIELDS)
    | frozenset(HEADER_OPTIONS)
    | frozenset(_IGNORED_PARAMS)
    | {AUTHORIZATION_PARAM}
)

# A warning from check_param_names points at the user's line: check_param_names <-
# options_from_params / options_with <- the constructor / with_options <- the caller.
_CALLER_STACKLEVEL = 4


def check_param_names(params: Mapping[str, Any]) -> None:
    """Warn about a parameter name this SDK does not know (it is sent as an ``x-portkey-*``
    header anyway, as the reference SDK does), suggesting the closest known one."""
    warn_unknown_options(
        params, KNOWN_PARAMS, what="client parameter", stacklevel=_CALLER_STACKLEVEL
    )


def _header_params(params: Mapping[str, Any]) -> Dict[str, Any]:
    """The parameters that travel as ``x-portkey-*`` headers: known options and unknown names."""
    not_headers = {*_CLIENT_FIELDS, *_IGNORED_PARAMS}
    return {name: value for name, value in params.items() if name not in not_headers}


def _default_headers(
    given: Optional[Mapping[str, str]], authorization: Optional[str]
) -> Optional[Mapping[str, str]]:
    """``default_headers`` with ``Authorization=...`` added (it wins over one given there)."""
    if authorization is None:
        return given
    return {**(given or {}), AUTHORIZATION_HEADER: authorization_value(authorization)}


def _warn_ignored(params: Mapping[str, Any]) -> None:
    if params.get("instrumentation"):
        get_logger().warning(
            "instrumentation=True is ignored: this SDK has no OpenTelemetry instrumentation"
        )
    if params.get("websocket_base_url"):
        get_logger().warning(
            "websocket_base_url is ignored: realtime websockets use base_url (http -> ws)"
        )


def options_from_params(given: Mapping[str, Any]) -> ClientOptions:
    """Resolve constructor parameters (with env defaults) into :class:`ClientOptions`.

    ``http_client`` is not an option of the requests but of the transport: the client takes
    it (see :func:`split_http_client`).
    """
    params, authorization = split_authorization(given)
    check_param_names(params)
    _warn_ignored(params)
    portkey_options = _header_params(params)
    portkey_options.pop("api_key", None)
    timeout = params.get("timeout", NOT_GIVEN)
    max_retries = params.get("max_retries", NOT_GIVEN)
    return ClientOptions(
        api_key=resolve_api_key(params.get("api_key")),
        base_url=resolve_base_url(params.get("base_url")),
        portkey_options=portkey_options,
        timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout,
        max_retries=DEFAULT_MAX_RETRIES if isinstance(max_retries, NotGiven) else max_retries,
        default_headers=_default_headers(params.get("default_headers"), authorization),
        verify=params.get("verify", True),
        webhook_secret=params.get("webhook_secret"),
    )


def options_with(options: ClientOptions, overrides: Mapping[str, Any]) -> ClientOptions:
    """``options`` with ``overrides`` applied (for ``with_options``)."""
    rest, authorization = split_authorization(overrides)
    check_param_names(rest)
    _warn_ignored(rest)
    changes = {name: value for name, value in rest.items() if name not in _IGNORED_PARAMS}
    if changes.get("default_headers") is not None:
        # Added to the client's own (an Authorization given at construction among them), as
        # the openai SDK's with_options does; a header of the same name in any case replaced.
        changes["default_headers"] = overlay_headers(
            options.default_headers, changes["default_headers"]
        )
    else:
        changes.pop("default_headers", None)
    if authorization is not None:
        base = changes.get("default_headers", options.default_headers)
        changes["default_headers"] = _default_headers(base, authorization)
    return options.replace(**changes)


def split_http_client(params: Mapping[str, Any]) -> Tuple[Dict[str, Any], Any]:
    """The parameters without ``http_client``, and ``http_client`` (``None`` when not given)."""
    rest = dict(params)
    return rest, rest.pop("http_client", None)
