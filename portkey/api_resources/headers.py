"""Request options as HTTP headers: the one place that maps option names to ``x-portkey-*``.

Every option of the gateway's REST table has a snake_case name here; its header is
``x-portkey-`` followed by the name with dashes (``trace_id`` -> ``x-portkey-trace-id``).
Values are encoded once (JSON for objects, comma-joined lists, lowercase booleans) and checked
for CR, LF and NUL, which would let a value end the header and inject another, and for non-ASCII
text, which ``requests`` cannot send and ``aiohttp`` would send as UTF-8 (so the same value would
fail or arrive differently by transport). JSON values escape non-ASCII text, so metadata and
configs carry any Unicode.
"""

import json
import math
import re
import warnings
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple, Union

from pydantic import ValidationError

from .config import Config, Modes, config_from_mapping
from .constants import (
    AUTHORIZATION_HEADER,
    AUTHORIZATION_PARAM,
    HEADER_PREFIX,
    IDEMPOTENCY_KEY_HEADER,
    MAX_CONFIG_HEADER_BYTES,
    MAX_METADATA_BYTES,
    RETRY_COUNT_HEADER,
    TRACE_ID_REQUEST_HEADER,
)
from .exceptions import (
    InvalidConfigError,
    InvalidHeaderValueError,
    InvalidRequestError,
    UnknownOptionWarning,
)
from .gateway_config import closest_match, invalid_config
from .header_text import header_text_problem
from .transport import DEFAULT_HEADERS, JSON_CONTENT_TYPE

#: The options that become ``x-portkey-*`` headers: the gateway's REST table first, then the other
#: names the reference SDK's constructor takes (each read by the gateway as its header).
HEADER_OPTIONS: Tuple[str, ...] = (
    "api_key",
    "virtual_key",
    "config",
    "provider",
    "trace_id",
    "metadata",
    "cache_force_refresh",
    "cache_namespace",
    "custom_host",
    "forward_headers",
    "azure_resource_name",
    "azure_deployment_id",
    "azure_api_version",
    "vertex_project_id",
    "vertex_region",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_region",
    "aws_session_token",
    "request_timeout",
    # -- the reference SDK's further constructor options --
    "debug",
    "strict_open_ai_compliance",
    "openai_project",
    "openai_organization",
    "anthropic_beta",
    "anthropic_version",
    "span_id",
    "parent_span_id",
    "span_name",
    "workers_ai_account_id",
    "azure_endpoint_name",
    "azure_model_name",
    "huggingface_base_url",
    "mistral_fim_completion",
    "vertex_storage_bucket_name",
    "vertex_service_account_json",
    "provider_file_name",
    "provider_model",
    "aws_s3_bucket",
    "aws_s3_object_key",
    "aws_bedrock_model",
    "aws_role_arn",
    "aws_external_id",
    "aws_auth_type",
    "fireworks_account_id",
    "calculate_audio_duration",
)

#: Options whose value may be an object, sent as compact JSON (any option not in
#: ``HEADER_OPTIONS`` is treated this way too).
JSON_OPTIONS = frozenset({"vertex_service_account_json"})

ConfigValue = Union[Config, Mapping[str, Any], str]

#: Characters no header value may hold: CR and LF (they end the header: injection), NUL and
#: the other control characters. Tab is allowed inside a value.


def header_name(option: str) -> str:
    """The header an option travels in: ``trace_id`` -> ``x-portkey-trace-id``."""
    return HEADER_PREFIX + option.replace("_", "-")


def config_header_value(
    config: ConfigValue, default_mode: Optional[Union[Modes, str]] = None
) -> str:
    """The ``x-portkey-config`` value for a :class:`Config`, a config dict or a config slug.

    A dict (or JSON text) in any shape goes through ``config_from_mapping``: the SDK's shape
    and the legacy shapes are validated and translated like a ``Config``; the current gateway
    shape (``strategy``/``targets``) is validated by the same rules and sent as compact JSON.
    An invalid dict raises ``InvalidConfigError`` naming each problem's path in the config; a
    provider key missing from the environment raises ``MissingProviderKeyError``; a config
    larger than ``MAX_CONFIG_HEADER_BYTES`` raises ``InvalidConfigError`` (save it on Portkey
    and send its slug instead).
    """
    if isinstance(config, Config):
        return _within_header_limit(config.gateway_header(default_mode))
    if isinstance(config, str):
        text = config.strip()
        if text.startswith("{"):
            try:
                parsed = json.loads(text)
            except ValueError as exc:
                raise InvalidRequestError(
                    f"config looks like JSON but does not parse: {exc}", field="config"
                ) from None
            return config_header_value(parsed, default_mode)
        if not text or any(ch.isspace() or ch == "\0" for ch in text):
            raise InvalidHeaderValueError(
                f"config {config!r} is not a config slug (like 'pc-abc123'), a Config or a dict",
                field="config",
            )
        return text
    if isinstance(config, Mapping):
        try:
            normalized = config_from_mapping(config)
        except ValidationError as exc:
            raise invalid_config(exc) from None  # one line per problem, with its path
        except InvalidRequestError:
            raise
        except ValueError as exc:  # not a routing config at all
            raise InvalidConfigError(
                f"config is not valid: {exc}", problems=[("", str(exc))]
            ) from None
        if isinstance(normalized, Config):
            return config_header_value(normalized, default_mode)
        return _within_header_limit(json.dumps(normalized, separators=(",", ":"), allow_nan=False))
    raise InvalidRequestError(
        f"config must be a Config, a dict or a config slug string; got {type(config).__name__}",
        field="config",
    )


def _within_header_limit(header: str) -> str:
    if len(header) > MAX_CONFIG_HEADER_BYTES:
        raise InvalidConfigError(
            f"config is {len(header)} bytes as JSON, over the {MAX_CONFIG_HEADER_BYTES}-byte "
            "limit for the x-portkey-config header (gateways refuse larger headers with 431). "
            "Save the config on Portkey (app.portkey.ai -> Configs) and pass its slug, "
            "config='pc-...', or move long prompts out of the config into the request"
        )
    return header


# RFC 9110 token characters: what a header name may consist of.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def encode_header_value(option: str, value: Any) -> str:
    """Encode one option's value as header text, rejecting characters that break headers.

    ``option`` is an option name (``trace_id``) or, for extra headers, the header's own name;
    either way it must be a valid header name. Errors name ``option`` and never echo the value,
    which may be a credential.
    """
    if not isinstance(option, str) or not _HEADER_NAME.fullmatch(option):
        raise InvalidHeaderValueError(
            f"{option!r} is not a valid HTTP header name (letters, digits and !#$%&'*+.^_`|~-)",
            field=str(option),
        )
    if option == "config":
        text = config_header_value(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif option == "metadata":
        text = _metadata_json(_parsed_metadata(value) if isinstance(value, str) else value)
    elif option == "forward_headers" and not isinstance(value, str):
        text = ",".join(str(item) for item in value)
    elif option == "request_timeout":
        text = _milliseconds(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise InvalidRequestError(f"{option} must be a finite number; got {value}", field=option)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, (str, int, float)):
        text = str(value)
    else:
        raise InvalidRequestError(
            f"{option} must be a string; got {type(value).__name__}", field=option
        )
    problem = header_text_problem(text)
    if problem is not None:
        raise InvalidHeaderValueError(f"{option} {problem}", field=option)
    return text


#: How the SDK spells each header it sets itself, by lower-case name (x-portkey-* headers are
#: all lower-case).
SDK_HEADER_SPELLINGS: Dict[str, str] = {
    name.lower(): name
    for name in (
        IDEMPOTENCY_KEY_HEADER,
        RETRY_COUNT_HEADER,
        TRACE_ID_REQUEST_HEADER,
        AUTHORIZATION_HEADER,
        *DEFAULT_HEADERS,
        *JSON_CONTENT_TYPE,
    )
}


def merge_headers(headers: Dict[str, str], extra: Mapping[str, Any]) -> None:
    """Set each of ``extra``'s headers over ``headers``, its value checked and encoded as by
    :func:`encode_header_value`.

    Names compare without case, as HTTP compares them: a header already there under another
    spelling is replaced, never kept beside the new one (the transport would then send one of
    the two, not necessarily the caller's, or both). A header the SDK sets itself keeps the
    SDK's spelling, so that the SDK's later additions (a call's trace id, a retry's count)
    find it.
    """
    for name, value in extra.items():
        text = encode_header_value(name, value)  # checks the name first
        headers[_spelling(headers, name)] = text


def overlay_headers(base: Mapping[str, Any], extra: Mapping[str, Any]) -> Dict[str, Any]:
    """``base`` with ``extra``'s headers over it, names compared without case as in
    :func:`merge_headers` (values are kept as given: they are checked when a client builds its
    headers from them)."""
    merged = dict(base)
    for name, value in extra.items():
        merged[_spelling(merged, name) if isinstance(name, str) else name] = value
    return merged


def _spelling(headers: Mapping[str, Any], name: str) -> str:
    lowered = name.lower()
    known = SDK_HEADER_SPELLINGS.get(lowered)
    if known is not None:
        return known
    if lowered.startswith(HEADER_PREFIX):
        return lowered
    if name not in headers:
        for existing in headers:
            if existing.lower() == lowered:
                return existing
    return name


def _milliseconds(value: Any) -> str:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
        or value != int(value)
    ):
        raise InvalidRequestError(
            f"request_timeout must be a positive whole number of milliseconds; got {value!r}",
            field="request_timeout",
        )
    return str(int(value))


def _parsed_metadata(text: str) -> Any:
    """Metadata given as JSON text (as older SDKs took it), parsed so it is checked like a dict."""
    try:
        return json.loads(text)
    except ValueError:
        raise InvalidRequestError(
            "metadata must be a dict of strings (or that dict as JSON text); got text that is "
            "not JSON",
            field="metadata",
        ) from None


def _metadata_json(metadata: Any) -> str:
    if not isinstance(metadata, Mapping):
        raise InvalidRequestError(
            f"metadata must be a dict of strings; got {type(metadata).__name__}", field="metadata"
        )
    for key, item in metadata.items():
        if not isinstance(key, str) or not isinstance(item, (str, int, float, bool)):
            raise InvalidRequestError(
                f"metadata[{key!r}] must be a string (or number/boolean); got "
                f"{type(item).__name__}",
                field="metadata",
            )
    try:
        # ASCII escapes keep the header sendable; any JSON parser restores the text.
        text = json.dumps(dict(metadata), separators=(",", ":"), allow_nan=False)
    except ValueError:
        raise InvalidRequestError(
            "metadata values must be finite numbers (NaN and infinity are not JSON)",
            field="metadata",
        ) from None
    if len(text) > MAX_METADATA_BYTES:
        raise InvalidRequestError(
            f"metadata is {len(text)} bytes as JSON; it travels in one header, so keep it under "
            f"{MAX_METADATA_BYTES} bytes",
            field="metadata",
        )
    return text


def portkey_headers(options: Mapping[str, Any]) -> Dict[str, str]:
    """The ``x-portkey-*`` headers for the options that are set (``None`` means unset).

    A name outside :data:`HEADER_OPTIONS` travels as ``x-portkey-<name-with-dashes>`` like the
    known ones (the gateway reads many more headers than this SDK names); an object or list
    value of such a name is sent as compact JSON. Callers warn about unknown names
    (:func:`warn_unknown_options`); this function only encodes.
    """
    headers: Dict[str, str] = {}
    for option, value in options.items():
        if value is None:
            continue
        if (option in JSON_OPTIONS or option not in _HEADER_OPTION_SET) and isinstance(
            value, (Mapping, list, tuple)
        ):
            value = _json_value(option, value)
        headers[header_name(option)] = encode_header_value(option, value)
    return headers


def _json_value(option: str, value: Any) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(f"{option} cannot be sent as JSON: {exc}", field=option) from None


def authorization_value(value: Any) -> str:
    """The ``Authorization`` header for a provider key given as ``Authorization=...``.

    ``"Bearer sk-..."`` is sent as given; a bare key (no scheme) gets ``Bearer`` in front, as
    the reference SDK's ``createHeaders`` did. Checked like every header value.
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(
            "Authorization must be a provider key like 'Bearer sk-...'; got "
            + ("an empty string" if isinstance(value, str) else type(value).__name__),
            field=AUTHORIZATION_PARAM,
        )
    text = value if " " in value.strip() else f"Bearer {value}"
    return encode_header_value(AUTHORIZATION_HEADER, text)


def split_authorization(options: Mapping[str, Any]) -> Tuple[Dict[str, Any], Any]:
    """``options`` without ``Authorization`` (in any letter case), and its value (or ``None``)."""
    rest: Dict[str, Any] = {}
    authorization = None
    for name, value in options.items():
        if name.lower() == AUTHORIZATION_HEADER.lower():
            authorization = value
        else:
            rest[name] = value
    return rest, authorization


def warn_unknown_options(
    names: Iterable[str], known: Iterable[str], *, what: str, stacklevel: int
) -> None:
    """Warn (:class:`UnknownOptionWarning`) about each name not in ``known``, with the closest
    known name when one is near enough to be a likely typo. Nothing is refused: the option is
    sent as its ``x-portkey-*`` header all the same."""
    known = sorted(known)
    for name in names:
        if name in known:
            continue
        guess = closest_match(name, known)
        hint = f"; did you mean {guess!r}?" if guess else ""
        warnings.warn(
            f"{name!r} is not a {what} this SDK knows; it is sent as the "
            f"{header_name(name)} header{hint}",
            UnknownOptionWarning,
            stacklevel=stacklevel + 1,
        )


def createHeaders(**options: Any) -> Dict[str, str]:
    """Build the Portkey request headers from keyword options, for use with any HTTP client,
    e.g. as ``default_headers`` of ``openai.OpenAI(base_url=PORTKEY_GATEWAY_URL, ...)``.

    Accepts every option of :data:`HEADER_OPTIONS` (``api_key``, ``virtual_key``, ``config``,
    ``provider``, ``trace_id``, ``metadata``, ...). ``config`` may be a :class:`Config`, a dict
    or a slug. ``Authorization="Bearer sk-..."`` becomes the ``Authorization`` header itself
    (a provider key for a self-hosted gateway). Any other name is sent as
    ``x-portkey-<name>`` with an :class:`UnknownOptionWarning` (naming the likely intended
    option for a typo). Options left as ``None`` are omitted.

    >>> createHeaders(api_key="pk", trace_id="t1")
    {'x-portkey-api-key': 'pk', 'x-portkey-trace-id': 't1'}
    """
    options, authorization = split_authorization(options)
    warn_unknown_options(options, HEADER_OPTIONS, what="Portkey option", stacklevel=2)
    headers = portkey_headers(options)
    if authorization is not None:
        headers[AUTHORIZATION_HEADER] = authorization_value(authorization)
    return headers


create_headers = createHeaders

_HEADER_OPTION_SET = frozenset(HEADER_OPTIONS)
