"""The one set of rules for gateway configs, whatever shape they are written in.

A routing config reaches the SDK in four shapes (see :func:`config_shape`): this SDK's
``mode`` + ``llms``, the gateway's legacy ``mode`` + ``options``, the old SDKs' request body
``config`` + ``params``, and the gateway's current ``strategy`` + ``targets``. Every way in --
``Config(...)``, a dict or JSON text given to ``Portkey(config=...)``, ``portkey config
validate/migrate`` -- goes through this module, so one config gets one verdict.

Here live: the field rules shared by ``LLMOptions`` and gateway targets (provider names, URLs,
credentials, empty text, JSON-only parameter values with a depth limit, HTTP status codes), the
model of the current shape (:class:`GatewayTarget`, checked recursively, nested strategies
included), the shape detection and the legacy-shape translation. ``config.py`` builds
``Config``/``LLMOptions`` on the same rules; ``config_file.py`` only reads files and reports.
"""

import math
import warnings
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Dict,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Union,
)

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

if TYPE_CHECKING:  # pydantic >= 2.7 only; a type, not needed at run time
    from pydantic import ModelWrapValidatorHandler
from pydantic_core import InitErrorDetails, PydanticCustomError

from .constants import GATEWAY_PROVIDERS, MAX_CONFIG_DEPTH
from .exceptions import InvalidConfigError
from .header_text import header_text_problem
from .secrets import mask_secret

Shape = Literal["sdk", "legacy-gateway", "legacy-body", "current"]
Location = Tuple[Union[str, int], ...]

#: Strategy modes the gateway routes by.
GATEWAY_MODES = ("single", "fallback", "loadbalance", "conditional")

#: Credential fields: kept as :class:`ProviderKey`, masked in reprs, dumps and errors.
SECRET_FIELDS = ("api_key", "virtual_key", "aws_access_key_id", "aws_secret_access_key",
                 "aws_session_token")  # fmt: skip

#: Text fields for which an empty or blank value means nothing and is refused.
NON_EMPTY_FIELDS = (
    *SECRET_FIELDS, "provider", "model", "trace_id", "cache_namespace", "custom_host",
    "resource_name", "deployment_id", "api_version", "aws_region", "vertex_project_id",
    "vertex_region",
)  # fmt: skip

# The legacy SDKs wrote some option keys in camelCase.
CAMEL_KEYS = {
    "apiKey": "api_key",
    "virtualKey": "virtual_key",
    "customHost": "custom_host",
    "resourceName": "resource_name",
    "deploymentId": "deployment_id",
    "apiVersion": "api_version",
    "requestTimeout": "request_timeout",
}


class ProviderKey(SecretStr):
    """A credential in a config. ``str()``/``repr()`` show ``sk-...abcd``, ``model_dump_json``
    shows ``**********``, ``==`` compares with the plain key, ``get_secret_value()`` reveals it.

    Only the translation to the gateway's JSON reveals it.
    """

    def __str__(self) -> str:
        return mask_secret(self.get_secret_value())

    def __repr__(self) -> str:
        return f"ProviderKey({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.get_secret_value() == other
        return super().__eq__(other)

    __hash__ = SecretStr.__hash__


def closest_match(word: str, choices: Iterable[str], cutoff: float = 0.6) -> Optional[str]:
    """The choice nearest to ``word`` when one is near enough to be a likely typo (for the
    "did you mean" of an error or warning), else ``None``."""
    # Imported here: only a mistake needs it, and start-up need not pay for it.
    import difflib

    guesses = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return guesses[0] if guesses else None


def wrap_secrets(data: Any) -> Any:
    """``data`` (a model's raw input) with credential strings wrapped as :class:`ProviderKey`.

    Runs before field validation, so that a rejected key is recorded masked in the error's
    ``input`` (``ValidationError.errors()``/``.json()`` carry it), not in plain text.
    """
    if not isinstance(data, Mapping):
        return data
    wrapped = dict(data)
    for name in SECRET_FIELDS:
        if isinstance(wrapped.get(name), str):
            wrapped[name] = ProviderKey(wrapped[name])
    targets = wrapped.get("targets")
    if isinstance(targets, list):  # nested targets: a rule on the parent records them as input
        wrapped["targets"] = [wrap_secrets(target) for target in targets]
    return wrapped


# ---- field rules --------------------------------------------------------------------------


def check_text(value: Optional[str], field: str, header: bool = False) -> Optional[str]:
    """Refuse an empty or blank value; for a value that travels in a header (``header``), also
    what no header can carry (see :mod:`.header_text`). Values that stay inside the config
    JSON are escaped and may hold any text."""
    if value is None:
        return None
    if not value.strip():
        raise ValueError(
            f"{field} is empty; leave it out (or None) when there is nothing to set"
            if not value
            else f"{field} is blank (only whitespace); give a real value or leave it out"
        )
    problem = header_text_problem(value) if header else None
    if problem is not None:
        raise ValueError(f"{field} {problem}")
    return value


def check_secret(value: Optional[SecretStr], field: str) -> Optional[ProviderKey]:
    """A credential: not empty, and fit for the header the gateway sends it on in; never
    echoed."""
    if value is None:
        return None
    plain = value.get_secret_value()
    check_text(plain, field, header=True)
    return value if isinstance(value, ProviderKey) else ProviderKey(plain)


def check_provider(provider: Optional[str]) -> Optional[str]:
    """A provider name the gateway routes to, with a did-you-mean for near misses."""
    if provider is None:
        return None
    check_text(provider, "provider")
    if provider in GATEWAY_PROVIDERS:
        return provider
    guess = closest_match(str(provider).lower(), GATEWAY_PROVIDERS)
    hint = f"did you mean {guess!r}? " if guess else ""
    raise ValueError(
        f"unknown provider {provider!r}; {hint}use a ProviderTypes value or a provider name "
        f"the gateway routes to ({', '.join(sorted(GATEWAY_PROVIDERS)[:8])}, ...)"
    )


def check_http_url(url: Optional[str], field: str) -> Optional[str]:
    """An ``http://`` or ``https://`` URL."""
    if url is not None and not url.startswith(("http://", "https://")):
        raise ValueError(f"{field} must be an http:// or https:// URL; got {url!r}")
    return url


def check_status_codes(codes: Optional[List[int]]) -> Optional[List[int]]:
    """HTTP status codes (100-599)."""
    for code in codes or ():
        if not 100 <= code <= 599:
            raise ValueError(f"on_status_codes holds {code}, which is not an HTTP status")
    return codes


def _where(path: Iterable[Union[str, int]]) -> str:
    return "".join(f"[{part!r}]" if isinstance(part, str) else f"[{part}]" for part in path)


def _type_hint(value: Any) -> str:
    if isinstance(value, (set, frozenset)):
        return "a set is not JSON: use a list"
    if isinstance(value, (bytes, bytearray)):
        return "bytes are not JSON: decode them to text"
    return f"a {type(value).__name__} is not JSON: use strings, numbers, booleans, lists, dicts"


def json_problem(value: Any, max_depth: int = MAX_CONFIG_DEPTH) -> Optional[Tuple[Location, str]]:
    """Where and why ``value`` cannot travel as JSON in a config, or ``None`` when it can.

    Refuses NaN/infinity, non-JSON types (sets, bytes, objects), non-string dict keys and
    nesting deeper than ``max_depth``. Iterative, so a 10,000-deep value cannot exhaust the
    interpreter's stack while it is checked.
    """
    stack: List[Tuple[Any, Location, int]] = [(value, (), 1)]
    while stack:
        node, path, depth = stack.pop()
        if node is None or isinstance(node, (str, bool, int)):
            continue
        if isinstance(node, float):
            if not math.isfinite(node):
                return path, f"{node} is not JSON: use a finite number"
            continue
        if isinstance(node, BaseModel):
            node = node.model_dump(exclude_none=True)
        if isinstance(node, Mapping):
            items: Iterable[Tuple[Union[str, int], Any]] = node.items()
        elif isinstance(node, (list, tuple)):
            items = enumerate(node)
        else:
            return path, _type_hint(node)
        if depth > max_depth:
            return path, f"nested more than {max_depth} levels deep (MAX_CONFIG_DEPTH): flatten it"
        for key, item in items:
            if isinstance(node, Mapping) and not isinstance(key, str):
                return path, f"the key {key!r} is not a string: JSON object keys are strings"
            stack.append((item, (*path, key), depth + 1))
    return None


def check_json_param(value: Any, field: str) -> Any:
    """``value`` if it can travel as JSON (see :func:`json_problem`), else ``ValueError``."""
    problem = json_problem(value)
    if problem is not None:
        path, reason = problem
        raise ValueError(f"{field}{_where(path)}: {reason}")
    return value


def _json_value(value: Any) -> Any:
    problem = json_problem(value)
    if problem is not None:
        path, reason = problem
        raise ValueError(f"at {_where(path)}: {reason}" if path else reason)
    return value


#: A free-form parameter value: any JSON (checked by :func:`json_problem`).
JSONParam = Annotated[Any, AfterValidator(_json_value)]


def check_document_depth(data: Any, title: str = "config") -> None:
    """Raise a ``ValidationError`` located at the first place ``data`` nests too deep.

    Run on a whole config before the models see it: pydantic would recurse into it.
    """
    stack: List[Tuple[Any, Location]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Mapping):
            items: Iterable[Tuple[Union[str, int], Any]] = node.items()
        elif isinstance(node, (list, tuple)):
            items = enumerate(node)
        else:
            continue
        if len(path) >= MAX_CONFIG_DEPTH:
            error = PydanticCustomError(
                "config_too_deep",
                "nested more than {limit} levels deep (MAX_CONFIG_DEPTH); flatten it",
                {"limit": MAX_CONFIG_DEPTH},
            )
            detail: InitErrorDetails = {"type": error, "loc": path, "input": None}
            raise ValidationError.from_exception_data(title, [detail], hide_input=True)
        stack.extend((item, (*path, key)) for key, item in items)


def location_text(loc: Iterable[Union[str, int]]) -> str:
    """``("llms", 0, "model")`` -> ``llms[0].model``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def invalid_config(error: ValidationError) -> InvalidConfigError:
    """A config's ``ValidationError`` as the SDK's :class:`InvalidConfigError`: one line per
    problem, each with its path in the config (inputs, which may be keys, left out)."""
    problems = []
    for detail in error.errors(include_input=False):
        message = str(detail["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        problems.append((location_text(detail["loc"]), message))
    lines = "\n".join(f"  {path or '(config)'}: {message}" for path, message in problems)
    return InvalidConfigError(f"config is not valid:\n{lines}", problems=problems)


# ---- the current shape --------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True,
                              allow_inf_nan=False, defer_build=True)  # fmt: skip


class RetrySettings(_Strict):
    """How often the gateway retries a target, and on which status codes."""

    attempts: int = Field(ge=0, le=5, description="Retries after the first try, 0 to 5.")
    on_status_codes: Optional[List[int]] = Field(
        default=None,
        description="Status codes that trigger a retry; the gateway's default is "
        "429, 500, 502, 503, 504.",
    )
    use_retry_after_header: Optional[bool] = Field(
        default=None, description="Wait as long as the provider's Retry-After header asks."
    )

    @field_validator("on_status_codes")
    @classmethod
    def _http_statuses(cls, codes: Optional[List[int]]) -> Optional[List[int]]:
        return check_status_codes(codes)


class CacheSettings(_Strict):
    """A target's cache: ``simple`` (exact match) or ``semantic``, and its lifetime."""

    mode: Literal["simple", "semantic"]
    max_age: Optional[int] = Field(default=None, ge=0)


class Condition(_Strict):
    """One rule of a ``conditional`` strategy: when ``query`` matches, use target ``then``."""

    query: Dict[str, Any]
    then: str

    @field_validator("query")
    @classmethod
    def _json_query(cls, query: Dict[str, Any]) -> Dict[str, Any]:
        return dict(check_json_param(query, "query"))


class Strategy(_Strict):
    """How a target's ``targets`` are chosen between."""

    mode: str
    on_status_codes: Optional[List[int]] = None
    conditions: Optional[List[Condition]] = None
    default: Optional[str] = None

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, mode: str) -> str:
        if mode in GATEWAY_MODES:
            return mode
        if mode == "ab_test":
            hint = "an A/B test is mode 'loadbalance' over weighted targets"
        elif mode == "proxy":
            hint = "'proxy' (0.1.x) was a single pass-through: use mode 'single' with one target"
        else:
            guess = closest_match(str(mode), GATEWAY_MODES)
            hint = f"did you mean {guess!r}?" if guess else "check the spelling"
        raise ValueError(
            f"strategy mode must be one of {', '.join(GATEWAY_MODES)}; got {mode!r} ({hint})"
        )

    @field_validator("on_status_codes")
    @classmethod
    def _http_statuses(cls, codes: Optional[List[int]]) -> Optional[List[int]]:
        return check_status_codes(codes)


class GatewayTarget(BaseModel):
    """A config in the gateway's current shape, or one of its targets (they nest).

    Keys the SDK does not model (hooks, guardrails, newer gateway options) are allowed and
    sent as given, except near misses of known keys (``stratgy``), which are refused.
    """

    model_config = ConfigDict(extra="allow", frozen=True, hide_input_in_errors=True,
                              allow_inf_nan=False, defer_build=True)  # fmt: skip

    name: Optional[str] = None
    provider: Optional[str] = None
    api_key: Optional[ProviderKey] = None
    virtual_key: Optional[ProviderKey] = None
    aws_access_key_id: Optional[ProviderKey] = None
    aws_secret_access_key: Optional[ProviderKey] = None
    aws_session_token: Optional[ProviderKey] = None
    aws_region: Optional[str] = None
    custom_host: Optional[str] = None
    resource_name: Optional[str] = None
    deployment_id: Optional[str] = None
    api_version: Optional[str] = None
    vertex_project_id: Optional[str] = None
    vertex_region: Optional[str] = None
    weight: Optional[float] = Field(default=None, ge=0)
    request_timeout: Optional[int] = Field(default=None, gt=0)
    override_params: Optional[Dict[str, Any]] = None
    retry: Optional[RetrySettings] = None
    cache: Optional[CacheSettings] = None
    on_status_codes: Optional[List[int]] = None
    forward_headers: Optional[List[str]] = None
    strategy: Optional[Strategy] = None
    targets: Optional[List["GatewayTarget"]] = None

    @field_validator(*SECRET_FIELDS)
    @classmethod
    def _secret(cls, value: Optional[SecretStr], info: Any) -> Optional[ProviderKey]:
        return check_secret(value, info.field_name)

    @field_validator("provider")
    @classmethod
    def _provider(cls, provider: Optional[str]) -> Optional[str]:
        return check_provider(provider)

    @field_validator("custom_host")
    @classmethod
    def _url(cls, host: Optional[str]) -> Optional[str]:
        return check_http_url(check_text(host, "custom_host"), "custom_host")

    @field_validator(
        "name", "aws_region", "resource_name", "deployment_id", "api_version",
        "vertex_project_id", "vertex_region",
    )  # fmt: skip
    @classmethod
    def _text(cls, value: Optional[str], info: Any) -> Optional[str]:
        return check_text(value, info.field_name)

    @field_validator("override_params")
    @classmethod
    def _params(cls, params: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
        if params is None:
            return None
        for key, value in params.items():
            check_json_param(value, key)
        model = params.get("model")
        if isinstance(model, str):
            check_text(model, "model")
        return params

    @field_validator("on_status_codes")
    @classmethod
    def _http_statuses(cls, codes: Optional[List[int]]) -> Optional[List[int]]:
        return check_status_codes(codes)

    @model_validator(mode="after")
    def _routable(self) -> "GatewayTarget":
        self._check_extra_keys()
        if self.targets is not None:
            if not self.targets:
                raise ValueError("targets is empty: give at least one target")
            if self.strategy is None:
                raise ValueError("targets need a strategy: add strategy: {mode: ...}")
            _check_strategy(self.strategy, self.targets)
        elif self.strategy is not None:
            raise ValueError("a strategy needs targets to choose from")
        return self

    # Declared after the other model rules, so that it wraps them all (see LLMOptions).
    @model_validator(mode="wrap")
    @classmethod
    def _mask_credentials(
        cls, data: Any, handler: "ModelWrapValidatorHandler[GatewayTarget]"
    ) -> Any:
        if isinstance(data, cls):
            return data  # already validated (and frozen): its rules ran when it was built
        return handler(wrap_secrets(data))

    def _check_extra_keys(self) -> None:
        known = list(type(self).model_fields)
        for key in self.model_extra or {}:
            guess = closest_match(key, known, cutoff=0.8)
            if guess:
                raise ValueError(f"unknown key {key!r}; did you mean {guess!r}?")


# No model_rebuild() here: GatewayTarget builds (resolving its reference to itself) on first
# use, so that importing the SDK does not pay for a validator most programs never run.


def _check_strategy(strategy: Strategy, targets: List[GatewayTarget]) -> None:
    mode = strategy.mode
    count = len(targets)
    if mode == "single" and count > 1:
        raise ValueError(
            f"strategy mode 'single' uses one target; got {count} (the gateway would ignore "
            "all but the first). Use 'fallback' to try them in order, or 'loadbalance'"
        )
    if mode == "loadbalance":
        weights = [1.0 if target.weight is None else target.weight for target in targets]
        if not any(weights):
            raise ValueError("every weight is 0 in mode 'loadbalance': at least one must be > 0")
    if mode == "conditional":
        if not strategy.conditions and strategy.default is None:
            raise ValueError("strategy mode 'conditional' needs conditions (or a default)")
        names = {target.name for target in targets if target.name}
        wanted = [condition.then for condition in strategy.conditions or ()]
        if strategy.default is not None:
            wanted.append(strategy.default)
        for name in wanted:
            if name not in names:
                raise ValueError(
                    f"conditional strategy names target {name!r}, but no target has "
                    f"name={name!r} (targets named: {', '.join(sorted(names)) or 'none'})"
                )
    for index, target in enumerate(targets):
        if target.targets is None and target.provider is None and target.virtual_key is None:
            raise ValueError(f"targets[{index}] needs provider or virtual_key (or nested targets)")


def validate_current(config: Mapping[str, Any]) -> Dict[str, Any]:
    """Check a current-shape config; return it as a plain dict, as it is sent.

    Raises ``ValidationError`` naming each problem's path (``targets[1].weight``).
    """
    check_document_depth(config)
    GatewayTarget.model_validate(dict(config))
    if not _CURRENT_KEYS & set(config):
        config_shape(config)  # raises: not a routing config
    return dict(config)


# ---- shapes and the legacy translation ----------------------------------------------------

# Keys that make a mapping a current-shape config: it routes, or adds a gateway feature to the
# provider the client names (the gateway accepts a config of only cache/retry/... that way).
_FEATURE_KEYS = frozenset({
    "cache", "retry", "request_timeout", "before_request_hooks", "after_request_hooks",
    "input_guardrails", "output_guardrails",
})  # fmt: skip
_CURRENT_KEYS = _FEATURE_KEYS | {"strategy", "targets", "provider", "virtual_key"}


def config_shape(data: Mapping[str, Any]) -> Shape:
    """Which of the four shapes ``data`` is written in; ``ValueError`` when none."""
    if "llms" in data:
        return "sdk"
    if "options" in data and "targets" not in data:
        return "legacy-gateway"
    if isinstance(data.get("config"), Mapping) and "strategy" not in data and "targets" not in data:
        return "legacy-body"
    if _CURRENT_KEYS & set(data):
        return "current"
    raise ValueError(
        "not a routing config: expected 'llms' (SDK shape), 'options' (legacy gateway shape) "
        "or 'strategy'/'targets' (current gateway shape); found keys "
        + (", ".join(sorted(map(str, data))) or "none")
    )


def legacy_llm(option: Any) -> Any:
    """A legacy gateway option (``override_params``, ``cache``, camelCase keys) as LLM fields.

    Anything that is not a mapping is returned as it is, for the model to refuse by path.
    """
    if not isinstance(option, Mapping):
        return option
    flat: Dict[str, Any] = {}
    for key, value in option.items():
        if key not in ("override_params", "cache"):
            flat[CAMEL_KEYS.get(str(key), str(key))] = value
    params = option.get("override_params")
    if isinstance(params, Mapping):
        flat.update(params)
    cache = option.get("cache")
    if isinstance(cache, Mapping):
        flat.setdefault("cache_status", cache.get("mode"))
        if cache.get("max_age") is not None:
            flat.setdefault("cache_age", cache["max_age"])
    return flat


def sdk_fields(config: Mapping[str, Any], shape: Shape) -> Dict[str, Any]:
    """The ``Config`` fields of a config in the SDK, legacy-gateway or legacy-body shape.

    A legacy body's ``params`` are request parameters, not config: a warning names them.
    """
    if shape == "sdk":
        return dict(config)
    legacy = config
    if shape == "legacy-body":
        legacy = config["config"]
        if "options" not in legacy:
            raise ValueError("a legacy body's config needs 'options'")
        params = config.get("params")
        if params:
            keys = ", ".join(sorted(map(str, params))) if isinstance(params, Mapping) else "?"
            warnings.warn(
                f"this is a legacy request body: its params ({keys}) are request parameters, "
                "not config, and are not used; pass them to create()",
                UserWarning,
                stacklevel=4,
            )
    options = legacy.get("options")
    llms = [legacy_llm(option) for option in options] if isinstance(options, list) else options
    fields: Dict[str, Any] = {"mode": legacy.get("mode"), "llms": llms}
    return fields


def origin_of_llm_field(option: Mapping[str, Any], name: str) -> Location:
    """Where a field of a translated legacy option was written in the option itself."""
    for key in option:
        if CAMEL_KEYS.get(str(key), str(key)) == name and key not in ("override_params", "cache"):
            return (str(key),)
    params = option.get("override_params")
    if isinstance(params, Mapping) and name in params:
        return ("override_params", name)
    if name == "cache_status":
        return ("cache", "mode")
    if name == "cache_age":
        return ("cache", "max_age")
    return (name,)
