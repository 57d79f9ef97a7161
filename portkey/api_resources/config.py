"""The routing config, as users write it, and its translation to the gateway's config JSON.

Users describe their LLMs with :class:`LLMOptions` and the routing with :class:`Config`
(``mode`` + ``llms``). The gateway speaks another shape (``strategy`` + ``targets``, see
``Config.to_gateway_config``). Everything is validated when the models are built, so a mistake
surfaces where it was written, with a message that names the field and the fix.

Decisions a user may rely on:

* ``mode="single"`` takes exactly one LLM; more is an error (use ``fallback`` or ``loadbalance``).
* ``ab_test`` is a ``loadbalance`` over weighted LLMs (the gateway has no separate A/B mode) and
  needs at least two LLMs.
* Weights are relative: an LLM is chosen with probability ``weight / sum(weights)``. With no
  weights at all every LLM gets the same share; once one LLM has a weight, all must have one.
* ``trace_id``, ``metadata``, ``cache_force_refresh`` and ``cache_namespace`` describe the
  request, not a target, so they travel as headers. Several LLMs may carry them only if they
  agree; different values are an error.
* A config built without ``mode`` takes ``portkey.mode`` at call time, else ``single``.
* A provider key not given as ``api_key`` is read from the provider's env var (for example
  ``OPENAI_API_KEY``) when the request is built, so later changes to the environment count.
  Validation never reads the environment: a config is valid or not on every machine, and a
  key that is missing when a request is built raises ``MissingProviderKeyError``.
* Credentials (``api_key``, ``virtual_key``, AWS keys) are :class:`ProviderKey` values: masked
  in ``repr``, ``str``, ``model_dump()``, ``model_dump_json()`` and validation errors. Reading
  ``llm.api_key`` gives the ``ProviderKey``; it compares equal to the plain key, and
  ``llm.api_key.get_secret_value()`` reveals it.
* The rules shared with configs in the gateway's own shape live in ``gateway_config``.
"""

import json
import os
import warnings
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Tuple, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    field_serializer,
    field_validator,
    model_validator,
)

if TYPE_CHECKING:  # pydantic >= 2.7 only; a type, not needed at run time
    from pydantic import ModelWrapValidatorHandler

from .constants import (
    DEPLOYMENT_MODEL_PROVIDERS,
    KEYLESS_PROVIDERS,
    MAX_METADATA_BYTES,
    PROVIDER_KEY_ENVS,
)
from .exceptions import MissingProviderKeyError
from .gateway_config import (
    SECRET_FIELDS,
    JSONParam,
    ProviderKey,
    RetrySettings,
    check_document_depth,
    check_http_url,
    check_json_param,
    check_provider,
    check_secret,
    check_text,
    config_shape,
    sdk_fields,
    validate_current,
    wrap_secrets,
)
from .secrets import mask_secret

__all__ = [
    "REQUEST_LEVEL_FIELDS",
    "CacheLiteral",
    "CacheType",
    "Config",
    "LLMOptions",
    "Message",
    "Modes",
    "ModesLiteral",
    "ProviderKey",
    "ProviderTypes",
    "ProviderTypesLiteral",
    "RetrySettings",
    "check_mode_rules",
    "config_from_mapping",
]

JSONValue = Any


class Modes(str, Enum):
    """How the gateway routes between the LLMs of a config.

    ``PROXY`` is the 0.1.x SDK's pass-through to one LLM; it is sent as ``single`` (with a
    ``DeprecationWarning``) and, like ``single``, takes exactly one LLM.
    """

    SINGLE = "single"
    FALLBACK = "fallback"
    LOADBALANCE = "loadbalance"
    AB_TEST = "ab_test"
    PROXY = "proxy"


ModesLiteral = Literal["single", "fallback", "loadbalance", "ab_test", "proxy"]


class ProviderTypes(str, Enum):
    """Well-known providers. ``provider`` also accepts any name the gateway routes to."""

    OPENAI = "openai"
    AZURE_OPENAI = "azure-openai"
    ANTHROPIC = "anthropic"
    COHERE = "cohere"
    HUGGINGFACE = "huggingface"
    HUGGING_FACE = "huggingface"  # the 0.1.x SDK's name: an alias of HUGGINGFACE
    ANYSCALE = "anyscale"
    GOOGLE = "google"
    VERTEX_AI = "vertex-ai"
    MISTRAL_AI = "mistral-ai"
    TOGETHER_AI = "together-ai"
    GROQ = "groq"
    BEDROCK = "bedrock"
    OLLAMA = "ollama"
    PERPLEXITY_AI = "perplexity-ai"
    DEEPSEEK = "deepseek"


ProviderTypesLiteral = Literal[
    "openai",
    "azure-openai",
    "anthropic",
    "cohere",
    "huggingface",
    "anyscale",
    "google",
    "vertex-ai",
    "mistral-ai",
    "together-ai",
    "groq",
    "bedrock",
    "ollama",
    "perplexity-ai",
    "deepseek",
]


class CacheType(str, Enum):
    """Gateway cache modes: exact-match (``simple``) or by meaning (``semantic``)."""

    SIMPLE = "simple"
    SEMANTIC = "semantic"


CacheLiteral = Literal["simple", "semantic"]

_MESSAGE_ROLES = ("system", "developer", "user", "assistant", "tool", "function")

# Fields of LLMOptions that become fields of a gateway target, under the same name.
_TARGET_FIELDS = (
    "provider",
    "api_key",
    "virtual_key",
    "custom_host",
    "resource_name",
    "deployment_id",
    "api_version",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_region",
    "vertex_project_id",
    "vertex_region",
    "request_timeout",
)
# Fields that describe the whole request; they become x-portkey-* headers.
REQUEST_LEVEL_FIELDS = ("trace_id", "metadata", "cache_force_refresh", "cache_namespace")
# Portkey features translated into their own target keys.
_FEATURE_FIELDS = ("retry", "cache_status", "cache_age", "weight")
_NOT_OVERRIDE_PARAMS = frozenset(_TARGET_FIELDS + REQUEST_LEVEL_FIELDS + _FEATURE_FIELDS)
# Free-form model parameters: any JSON, checked for JSON-only values and depth.
_JSON_PARAMS = ("logit_bias", "response_format", "functions", "function_call", "tools",
                "tool_choice")  # fmt: skip


def _mode_warning(mode: "Modes") -> None:
    if mode is Modes.PROXY:
        warnings.warn(
            "mode='proxy' is the 0.1.x pass-through to one LLM; it is sent to the gateway as "
            "mode='single'. Write mode='single' instead",
            DeprecationWarning,
            # here, check_mode_rules, Config's rule, _mask_credentials, __init__, the caller
            stacklevel=6,
        )


class _MaskedRepr(BaseModel):
    """Shows credentials as ``sk-...abcd`` in ``repr`` and ``str``; leaves out unset fields."""

    # Built on first use (here and in subclasses that keep the setting): a program that never
    # builds a Config does not pay for its validators at import.
    model_config = ConfigDict(defer_build=True)

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            if name == "api_key" and isinstance(value, str):
                yield name, mask_secret(value)
            elif value is not None:
                yield name, value


class Message(BaseModel):
    """One chat message: ``{"role": "user", "content": "..."}``. Extra keys are kept."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)
    __pydantic_extra__: Dict[str, JSONParam]

    role: str = Field(description="Who speaks: system, developer, user, assistant, tool, function.")
    content: Optional[Union[str, List[Dict[str, JSONValue]]]] = Field(
        default=None, description="The text, or a list of content parts for multimodal input."
    )
    name: Optional[str] = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        if role not in _MESSAGE_ROLES:
            raise ValueError(f"role must be one of {', '.join(_MESSAGE_ROLES)}; got {role!r}")
        return role

    @field_validator("content")
    @classmethod
    def _json_content(cls, content: Any) -> Any:
        return check_json_param(content, "content") if isinstance(content, list) else content


class LLMOptions(_MaskedRepr):
    """One LLM a config can route to: provider, credentials, model, parameters, Portkey features.

    Parameters the SDK does not know by name (any provider-specific one) are kept and sent to
    the provider as they are; like every parameter they must be JSON (no sets, NaN or
    infinity) and nest at most ``MAX_CONFIG_DEPTH`` (64) levels. Credentials are
    :class:`ProviderKey` values (masked everywhere; ``get_secret_value()`` reveals one).
    """

    model_config = ConfigDict(
        extra="allow",
        frozen=True,
        use_enum_values=True,
        hide_input_in_errors=True,
        allow_inf_nan=False,
    )
    __pydantic_extra__: Dict[str, JSONParam]

    # Where the call goes and with which credentials.
    provider: Optional[str] = Field(
        default=None,
        description="The provider, a ProviderTypes value or any provider name the gateway "
        "knows. May be left out when virtual_key is given.",
    )
    api_key: Optional[ProviderKey] = Field(default=None, description="The provider's API key.")
    virtual_key: Optional[ProviderKey] = Field(
        default=None, description="A Portkey virtual key standing for a provider key."
    )
    custom_host: Optional[str] = Field(
        default=None, description="Base URL of a self-hosted or private model server."
    )
    weight: Optional[float] = Field(
        default=None, ge=0, description="Relative share of traffic in loadbalance/ab_test."
    )
    # Azure OpenAI.
    resource_name: Optional[str] = Field(default=None, description="Azure resource name.")
    deployment_id: Optional[str] = Field(default=None, description="Azure deployment id.")
    api_version: Optional[str] = Field(default=None, description="Azure API version.")
    # AWS Bedrock and Google Vertex AI.
    aws_access_key_id: Optional[ProviderKey] = Field(
        default=None, description="Bedrock access key id."
    )
    aws_secret_access_key: Optional[ProviderKey] = Field(
        default=None, description="Bedrock secret."
    )
    aws_session_token: Optional[ProviderKey] = Field(
        default=None, description="Bedrock session token."
    )
    aws_region: Optional[str] = Field(default=None, description="Bedrock region.")
    vertex_project_id: Optional[str] = Field(default=None, description="Vertex AI project id.")
    vertex_region: Optional[str] = Field(default=None, description="Vertex AI region.")
    request_timeout: Optional[int] = Field(
        default=None, gt=0, description="Milliseconds the gateway waits for this target."
    )

    # Portkey features.
    cache_status: Optional[CacheType] = Field(
        default=None, description="Cache answers: 'simple' (exact) or 'semantic'."
    )
    cache_age: Optional[int] = Field(
        default=None,
        ge=0,
        description="Cache lifetime, seconds. Without cache_status: the simple cache "
        "(DeprecationWarning).",
    )
    cache_force_refresh: Optional[bool] = Field(
        default=None, description="Skip the cache for this request and store the new answer."
    )
    cache_namespace: Optional[str] = Field(default=None, description="Partition of the cache.")
    retry: Optional[Union[RetrySettings, int]] = Field(
        default=None,
        description="Gateway retries for this target: a count 0-5 or RetrySettings.",
    )
    trace_id: Optional[str] = Field(default=None, description="Groups requests in Portkey logs.")
    metadata: Optional[Dict[str, str]] = Field(
        default=None, description="Custom string metadata, e.g. {'_user': 'u1'}."
    )

    # Model parameters and prompt; sent to the provider as override_params.
    model: Optional[str] = Field(
        default=None,
        description="The provider's model name (azure-openai: may be left out, the "
        "deployment decides).",
    )
    temperature: Optional[float] = Field(default=None, ge=0, le=2)
    max_tokens: Optional[int] = Field(default=None, ge=1)
    max_completion_tokens: Optional[int] = Field(default=None, ge=1)
    top_p: Optional[float] = Field(default=None, ge=0, le=1)
    top_k: Optional[int] = Field(default=None, ge=0)
    n: Optional[int] = Field(default=None, ge=1)
    stop: Optional[Union[str, List[str]]] = None
    stop_sequences: Optional[List[str]] = None
    presence_penalty: Optional[float] = Field(default=None, ge=-2, le=2)
    frequency_penalty: Optional[float] = Field(default=None, ge=-2, le=2)
    logit_bias: Optional[Dict[str, float]] = None
    logprobs: Optional[Union[bool, int]] = None
    top_logprobs: Optional[int] = Field(default=None, ge=0)
    best_of: Optional[int] = Field(default=None, ge=1)
    echo: Optional[bool] = None
    suffix: Optional[str] = None
    seed: Optional[int] = None
    user: Optional[str] = None
    response_format: Optional[Dict[str, JSONValue]] = None
    functions: Optional[List[Dict[str, JSONValue]]] = None
    function_call: Optional[Union[str, Dict[str, JSONValue]]] = None
    tools: Optional[List[Dict[str, JSONValue]]] = None
    tool_choice: Optional[Union[str, Dict[str, JSONValue]]] = None
    prompt: Optional[Union[str, List[str]]] = Field(
        default=None, description="Prompt for completion models; overrides the call's prompt."
    )
    messages: Optional[List[Message]] = Field(
        default=None, description="Chat messages; override the call's messages."
    )

    @field_validator(*SECRET_FIELDS)
    @classmethod
    def _secret(cls, value: Optional[SecretStr], info: Any) -> Optional[ProviderKey]:
        return check_secret(value, info.field_name)

    @field_validator("retry")
    @classmethod
    def _retry_range(cls, retry: Optional[Union[RetrySettings, int]]) -> Any:
        if isinstance(retry, int) and not 0 <= retry <= 5:
            raise ValueError(f"retry must be between 0 and 5 attempts; got {retry}")
        return retry

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, provider: Optional[str]) -> Optional[str]:
        return check_provider(provider)

    @field_validator("custom_host")
    @classmethod
    def _http_url(cls, host: Optional[str]) -> Optional[str]:
        return check_http_url(check_text(host, "custom_host"), "custom_host")

    @field_validator(
        "model", "resource_name", "deployment_id", "api_version", "aws_region",
        "vertex_project_id", "vertex_region",
    )  # fmt: skip
    @classmethod
    def _meaningful_text(cls, value: Optional[str], info: Any) -> Optional[str]:
        return check_text(value, info.field_name)

    @field_validator("trace_id", "cache_namespace")
    @classmethod
    def _header_text(cls, value: Optional[str], info: Any) -> Optional[str]:
        # Request-level: sent as x-portkey-* headers.
        return check_text(value, info.field_name, header=True)

    @field_validator(*_JSON_PARAMS)
    @classmethod
    def _json_param(cls, value: Any, info: Any) -> Any:
        return check_json_param(value, info.field_name)

    @field_validator("metadata", mode="before")
    @classmethod
    def _string_metadata(cls, metadata: Any) -> Any:
        if metadata is None:
            return None
        if not isinstance(metadata, dict):
            raise ValueError("metadata must be a dict of strings, e.g. {'_user': 'u1'}")
        flat: Dict[str, str] = {}
        for key, value in metadata.items():
            if not isinstance(key, str):
                raise ValueError(f"metadata keys must be strings; got {key!r}")
            if isinstance(value, (str, int, float, bool)):
                flat[key] = value if isinstance(value, str) else json.dumps(value)
            else:
                raise ValueError(
                    f"metadata[{key!r}] is a {type(value).__name__}; metadata values must be "
                    "strings, numbers or booleans (serialise nested data yourself)"
                )
        size = len(json.dumps(flat, ensure_ascii=False).encode())
        if size > MAX_METADATA_BYTES:
            raise ValueError(
                f"metadata is {size} bytes as JSON; it travels in one header, so keep it under "
                f"{MAX_METADATA_BYTES} bytes"
            )
        return flat

    @model_validator(mode="after")
    def _consistent(self) -> "LLMOptions":
        if self.provider is None and self.virtual_key is None:
            raise ValueError(
                "provider is required unless virtual_key is given (the virtual key names "
                "its provider)"
            )
        if self.cache_age is not None and self.cache_status is None:
            warnings.warn(
                f"cache_age={self.cache_age} without cache_status: the simple (exact-match) "
                "cache is used with that max age. Set cache_status='simple' (or 'semantic') "
                "to say which",
                DeprecationWarning,
                stacklevel=4,  # this rule, _mask_credentials, pydantic's __init__, the caller
            )
        if self.key_env_var() is None and not self._has_credentials():
            raise ValueError(
                f"provider {self.provider!r} needs a key: pass api_key=... or virtual_key=..."
            )
        return self

    # Declared after the other model rules, so that it wraps them all: credentials become
    # ProviderKeys before any rule runs, and no error's recorded input
    # (ValidationError.errors(), .json()) holds one in plain text.
    @model_validator(mode="wrap")
    @classmethod
    def _mask_credentials(cls, data: Any, handler: "ModelWrapValidatorHandler[LLMOptions]") -> Any:
        if isinstance(data, cls):
            return data  # already validated (and frozen): its rules ran when it was built
        return handler(wrap_secrets(data))

    def _has_credentials(self) -> bool:
        return bool(
            self.api_key
            or self.virtual_key
            or self.custom_host
            or self.aws_access_key_id
            or self.provider in KEYLESS_PROVIDERS
        )

    def key_env_var(self) -> Optional[str]:
        """The env var this LLM's provider key is read from when no key is given, if any."""
        if self._has_credentials():
            return None
        return PROVIDER_KEY_ENVS.get(self.provider or "")

    def override_params(self) -> Dict[str, JSONValue]:
        """Model parameters and prompt, as the gateway merges them over the request body."""
        params = self.model_dump(exclude_none=True, exclude=set(_NOT_OVERRIDE_PARAMS))
        return params

    def to_target(
        self, weight: Optional[float] = None, index: int = 0, read_env: bool = True
    ) -> Dict[str, JSONValue]:
        """This LLM as one gateway target (see ``Config.to_gateway_config``).

        The one place credentials are revealed. A key to be read from the environment is read
        now (unless ``read_env`` is false: then it is left out); when it is not set,
        :class:`MissingProviderKeyError` names the variable and ``llms[index]``.
        """
        target: Dict[str, JSONValue] = {}
        for name in _TARGET_FIELDS:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                target[name] = value.get_secret_value()
            elif value is not None:
                target[name] = value
        env = self.key_env_var() if read_env else None
        if env:
            key = os.environ.get(env)
            if not key:
                raise MissingProviderKeyError(
                    f"llms[{index}] (provider {self.provider!r}) has no key: set the {env} "
                    "environment variable, or pass api_key=... or virtual_key=... to its "
                    "LLMOptions",
                    env_var=env,
                    llm_index=index,
                )
            target["api_key"] = key
        if weight is not None:
            target["weight"] = weight
        if isinstance(self.retry, RetrySettings):
            target["retry"] = self.retry.model_dump(exclude_none=True)
        elif self.retry is not None:
            target["retry"] = {"attempts": self.retry}
        if self.cache_status is not None or self.cache_age is not None:
            status = self.cache_status if self.cache_status is not None else CacheType.SIMPLE
            cache: Dict[str, JSONValue] = {"mode": CacheType(status).value}
            if self.cache_age is not None:
                cache["max_age"] = self.cache_age
            target["cache"] = cache
        override = self.override_params()
        if override:
            target["override_params"] = override
        return target


class Config(_MaskedRepr):
    """A routing config: which LLMs, and how the gateway chooses between them.

    ``llms`` may be a single :class:`LLMOptions` or a list. ``api_key`` and ``base_url``, when
    given, take precedence over ``portkey.api_key`` / ``portkey.base_url`` for calls made with
    this config.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    api_key: Optional[str] = Field(
        default=None,
        description="Portkey API key for this config (read back as given; masked in repr and "
        "model_dump).",
    )
    base_url: Optional[str] = Field(default=None, description="Gateway URL for this config.")
    mode: Optional[Modes] = Field(
        default=None,
        description="single, fallback, loadbalance or ab_test. Left out: portkey.mode at call "
        "time, else single.",
    )
    llms: List[LLMOptions] = Field(description="The LLMs to route between, in order.")

    _cache: Dict[Tuple[Any, ...], str] = PrivateAttr(default_factory=dict)

    @field_validator("llms", mode="before")
    @classmethod
    def _listify(cls, llms: Any) -> Any:
        if isinstance(llms, (LLMOptions, dict)):
            return [llms]
        return llms

    @field_validator("base_url")
    @classmethod
    def _http_base_url(cls, url: Optional[str]) -> Optional[str]:
        return check_http_url(url, "base_url")

    @field_validator("api_key", mode="before")
    @classmethod
    def _header_safe_key(cls, value: Any) -> Any:
        if not isinstance(value, SecretStr):
            return value  # None, or a non-string the type check refuses
        checked = check_secret(value, "api_key")
        return checked.get_secret_value() if checked is not None else None

    @field_serializer("api_key")
    def _masked_key(self, value: Optional[str]) -> Optional[str]:
        return mask_secret(value) if value else value

    @model_validator(mode="after")
    def _routable(self) -> "Config":
        if not self.llms:
            raise ValueError("llms is empty: give at least one LLMOptions")
        _request_options(self.llms)  # raises when LLMs disagree on request-level options
        if self.mode is not None:
            check_mode_rules(self.mode, self.llms)
        return self

    # Declared after the other model rules, so that it wraps them all: credentials become
    # ProviderKeys before any rule runs, and no error's recorded input
    # (ValidationError.errors(), .json()) holds one in plain text.
    @model_validator(mode="wrap")
    @classmethod
    def _mask_credentials(cls, data: Any, handler: "ModelWrapValidatorHandler[Config]") -> Any:
        if not isinstance(data, Mapping):
            return handler(data)
        masked = dict(data)
        if isinstance(masked.get("api_key"), str):
            masked["api_key"] = ProviderKey(masked["api_key"])
        llms = masked.get("llms")
        if isinstance(llms, list):
            masked["llms"] = [wrap_secrets(llm) for llm in llms]
        elif isinstance(llms, Mapping):
            masked["llms"] = [wrap_secrets(llms)]
        return handler(masked)

    def resolved_mode(self, default: Optional[Union[Modes, str]] = None) -> Modes:
        """The mode in force: the config's own, else ``default`` (``portkey.mode``), else single."""
        if self.mode is not None:
            return self.mode
        return Modes(default) if default is not None else Modes.SINGLE

    def to_gateway_config(
        self, default_mode: Optional[Union[Modes, str]] = None, read_env: bool = True
    ) -> Dict[str, Any]:
        """Translate to the gateway's config JSON (a new dict on every call; nothing cached).

        ``mode`` becomes ``strategy.mode`` (``ab_test`` becomes ``loadbalance``); each LLM becomes
        a target with its provider, credentials, weight, ``retry: {attempts, on_status_codes}``,
        ``cache: {mode, max_age}``, Azure/AWS/Vertex fields, and its model parameters and prompt
        as ``override_params``. Request-level options are not part of it: see
        :meth:`request_options`. Provider keys to be read from the environment are read now,
        or left out when ``read_env`` is false (what ``portkey config migrate`` writes).
        """
        mode = self.resolved_mode(default_mode)
        if self.mode is None:
            check_mode_rules(mode, self.llms)
        weights = _weights(mode, self.llms)
        targets = [
            llm.to_target(weight, index, read_env)
            for index, (llm, weight) in enumerate(zip(self.llms, weights))
        ]
        return {"strategy": {"mode": _GATEWAY_MODE[mode].value}, "targets": targets}

    def gateway_header(self, default_mode: Optional[Union[Modes, str]] = None) -> str:
        """The ``x-portkey-config`` header value: compact JSON, computed once per config.

        The cache key holds what the translation reads besides the config itself: the
        default mode and the provider keys read from the environment.
        """
        key = (default_mode, *(os.environ.get(var) for var in self._env_vars()))
        header = self._cache.get(key)
        if header is None:
            header = json.dumps(
                self.to_gateway_config(default_mode), separators=(",", ":"), allow_nan=False
            )
            self._cache[key] = header
        return header

    def _env_vars(self) -> List[str]:
        return [var for var in (llm.key_env_var() for llm in self.llms) if var]

    def request_options(self) -> Dict[str, Any]:
        """The request-level options (trace_id, metadata, cache_force_refresh, cache_namespace)
        the LLMs carry. Raises ``ValueError`` when two LLMs give different values."""
        return _request_options(self.llms)

    def default_messages(self) -> Optional[List[Dict[str, Any]]]:
        """The first LLM's ``messages``, used when a chat call is given none."""
        for llm in self.llms:
            if llm.messages:
                return [m.model_dump(exclude_none=True) for m in llm.messages]
        return None

    def default_prompt(self) -> Optional[Union[str, List[str]]]:
        """The first LLM's ``prompt``, used when a completion call is given none."""
        for llm in self.llms:
            if llm.prompt is not None:
                return llm.prompt
        return None

    def models_missing(self) -> List[int]:
        """Indexes of LLMs with no ``model`` of their own whose provider needs one.

        An ``azure-openai`` LLM needs none: its deployment decides the model.
        """
        return [
            index
            for index, llm in enumerate(self.llms)
            if llm.model is None and llm.provider not in DEPLOYMENT_MODEL_PROVIDERS
        ]

    def _repr_markdown_(self) -> str:
        """Jupyter rendering: the mode and one row per LLM, with credentials masked."""
        mode = self.mode.value if self.mode is not None else "single (default)"
        rows = [
            "| # | provider | model | weight | credentials | custom_host |",
            "|---|---|---|---|---|---|",
        ]
        for index, llm in enumerate(self.llms):
            env = llm.key_env_var()
            if llm.api_key:
                key = f"api_key {llm.api_key}"
            elif llm.virtual_key:
                key = f"virtual_key {llm.virtual_key}"
            else:
                key = f"${env}" if env else "-"
            cells = [index, llm.provider or "-", llm.model or "-", llm.weight, key, llm.custom_host]
            text = [("-" if cell is None else str(cell)).replace("|", "\\|") for cell in cells]
            rows.append("| " + " | ".join(text) + " |")
        count = len(self.llms)
        title = f"**Config** · mode `{mode}` · {count} LLM{'s' if count != 1 else ''}"
        return title + "\n\n" + "\n".join(rows)


def _request_options(llms: List[LLMOptions]) -> Dict[str, Any]:
    found: Dict[str, Any] = {}
    source: Dict[str, int] = {}
    for index, llm in enumerate(llms):
        for name in REQUEST_LEVEL_FIELDS:
            value = getattr(llm, name)
            if value is None:
                continue
            if name in found and found[name] != value:
                raise ValueError(
                    f"llms[{source[name]}].{name}={found[name]!r} and llms[{index}].{name}="
                    f"{value!r} differ; a request has one {name}: set it on one LLM only, "
                    "or per call"
                )
            found.setdefault(name, value)
            source.setdefault(name, index)
    return found


_GATEWAY_MODE = {
    Modes.SINGLE: Modes.SINGLE,
    Modes.PROXY: Modes.SINGLE,
    Modes.FALLBACK: Modes.FALLBACK,
    Modes.LOADBALANCE: Modes.LOADBALANCE,
    Modes.AB_TEST: Modes.LOADBALANCE,
}


def check_mode_rules(mode: Modes, llms: List[LLMOptions]) -> None:
    """Raise ``ValueError`` when the LLMs do not fit the mode (count and weights)."""
    if mode in (Modes.SINGLE, Modes.PROXY) and len(llms) > 1:
        raise ValueError(
            f"mode={mode.value!r} takes exactly one LLM; got {len(llms)}. Use mode='fallback' "
            "to try them in order, or 'loadbalance' to spread traffic"
        )
    _mode_warning(mode)
    if mode is Modes.AB_TEST and len(llms) < 2:
        raise ValueError("mode='ab_test' compares LLMs: give at least two")
    _weights(mode, llms)


def _weights(mode: Modes, llms: List[LLMOptions]) -> List[Optional[float]]:
    if mode not in (Modes.LOADBALANCE, Modes.AB_TEST):
        return [None] * len(llms)
    given = [llm.weight for llm in llms]
    if all(weight is None for weight in given):
        return [1.0] * len(llms)
    missing = [index for index, weight in enumerate(given) if weight is None]
    if missing:
        raise ValueError(
            f"llms[{missing[0]}].weight is missing: in mode={mode.value!r} give every LLM a "
            "weight, or none (equal shares)"
        )
    if not any(given):
        raise ValueError(f"every weight is 0 in mode={mode.value!r}: at least one must be > 0")
    return given


def config_from_mapping(config: Mapping[str, Any]) -> Union[Config, Dict[str, Any]]:
    """A config given as a dict, validated: a :class:`Config` or a current-shape dict.

    * ``{"mode": ..., "llms": [...]}`` (this SDK's shape) becomes a ``Config``.
    * ``{"mode": ..., "options": [...]}`` (the gateway's legacy shape, which it now rejects)
      becomes a ``Config``: camelCase keys are renamed, each option's ``override_params`` and
      ``cache`` are unfolded into LLMOptions fields.
    * ``{"config": {"mode", "options"}, "params": {...}}`` (an old SDK's request body): its
      ``config`` part, as above; ``params`` are not config (a warning names them).
    * ``{"strategy": ..., "targets": [...]}`` or one target's fields (the gateway's current
      shape) is checked by the same rules (``gateway_config.GatewayTarget``) and returned as a
      plain dict, as it is sent.

    Raises ``ValidationError`` naming each problem's path, or ``ValueError`` for a mapping
    that is no routing config at all.
    """
    check_document_depth(config)
    shape = config_shape(config)
    if shape == "current":
        return validate_current(config)
    return Config.model_validate(sdk_fields(config, shape))
