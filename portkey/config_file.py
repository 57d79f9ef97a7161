"""Routing configs kept in files: load (JSON or YAML), check, and migrate to the current shape.

Four shapes are understood:

* ``sdk``: this SDK's ``{"mode": ..., "llms": [...]}`` (what ``Config`` takes);
* ``legacy-gateway``: the gateway's old ``{"mode": ..., "options": [...]}``, which gateways now
  reject with "Please migrate to the latest version";
* ``legacy-body``: the old SDKs' request body ``{"config": {"mode", "options"}, "params": {...}}``;
* ``current``: the gateway's ``{"strategy": {...}, "targets": [...]}`` (or one target's fields).

Every problem found names the field path (``llms[1].temperature``) and, when the file's text is
known, the line it is on. Nothing here sends a request. Used by ``portkey config ...`` and
``portkey chat --config``.
"""

import bisect
import contextlib
import importlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .api_resources.config import (
    REQUEST_LEVEL_FIELDS,
    Config,
    Modes,
    config_from_mapping,
)
from .api_resources.constants import GATEWAY_PROVIDERS

__all__ = [
    "SHAPE_NAMES",
    "ConfigFileError",
    "LoadedConfig",
    "MigrationResult",
    "Problem",
    "Shape",
    "check",
    "client_config",
    "json_line_index",
    "load",
    "migrate",
    "parse",
    "path_text",
    "yaml_line_index",
]

Shape = Literal["sdk", "legacy-gateway", "legacy-body", "current"]
PathKey = Tuple[Union[str, int], ...]

SHAPE_NAMES: Dict[str, str] = {
    "sdk": "SDK config (mode + llms)",
    "legacy-gateway": "legacy gateway config (mode + options)",
    "legacy-body": "legacy request body (config + params)",
    "current": "current gateway config (strategy + targets)",
}

# The legacy SDKs wrote some option keys in camelCase.
_CAMEL_KEYS = {
    "apiKey": "api_key",
    "virtualKey": "virtual_key",
    "customHost": "custom_host",
    "resourceName": "resource_name",
    "deploymentId": "deployment_id",
    "apiVersion": "api_version",
    "requestTimeout": "request_timeout",
}
_YAML_SUFFIXES = (".yaml", ".yml")
_LLM_PATH = re.compile(r"\bllms\[(\d+)\](?:\.(\w+))?")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config: where (field path, line) and what."""

    path: str
    message: str
    line: Optional[int] = None

    def describe(self, source: str = "") -> str:
        """``source:line: path: message``, leaving out the parts that are unknown."""
        where = source
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        parts = [part for part in (where, self.path) if part]
        return ": ".join([*parts, self.message])


class ConfigFileError(ValueError):
    """A config file that cannot be read or is not a valid config; ``problems`` lists why."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(problem.describe(source) for problem in self.problems))


@dataclass
class LoadedConfig:
    """A parsed config file: its data, its shape and where each field is written."""

    source: str
    data: Dict[str, Any]
    shape: Shape
    lines: Dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> Optional[int]:
        """The line of ``path``, or of its nearest enclosing field that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


@dataclass
class MigrationResult:
    """The current-shape gateway config and notes on what the migration left out or changed."""

    config: Dict[str, Any]
    shape: Shape
    notes: List[str] = field(default_factory=list)


def path_text(path: Sequence[Union[str, int]]) -> str:
    """``("llms", 0, "model")`` -> ``llms[0].model``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# ---- reading ------------------------------------------------------------------------------


def json_line_index(text: str) -> Dict[PathKey, int]:
    """The 1-based line of every key and value in a JSON document, by field path.

    For a key, its own line (where a person looks); the document itself is at ``()``. A
    document that does not parse gives what was indexed before the error.
    """
    newlines = [match.start() for match in re.finditer("\n", text)]
    decoder = json.JSONDecoder()
    index: Dict[PathKey, int] = {}
    space = re.compile(r"[ \t\r\n]*")

    def line(pos: int) -> int:
        return bisect.bisect_right(newlines, pos) + 1

    def skip(pos: int) -> int:
        match = space.match(text, pos)
        return match.end() if match else pos

    def value(pos: int, path: PathKey) -> int:
        pos = skip(pos)
        index.setdefault(path, line(pos))
        opener = text[pos]
        if opener not in "{[":
            return int(decoder.raw_decode(text, pos)[1])
        closer = "}" if opener == "{" else "]"
        pos = skip(pos + 1)
        if text[pos] == closer:
            return pos + 1
        item = 0
        while True:
            if opener == "{":
                key_start = pos
                key, pos = decoder.raw_decode(text, pos)
                child: PathKey = (*path, str(key))
                index[child] = line(key_start)
                pos = skip(pos) + 1  # the colon
            else:
                child = (*path, item)
                item += 1
            pos = skip(value(pos, child))
            if text[pos] == closer:
                return pos + 1
            pos = skip(pos + 1)  # the comma

    with contextlib.suppress(ValueError, IndexError):
        value(0, ())
    return index


def yaml_line_index(text: str) -> Dict[PathKey, int]:
    """The 1-based line of every key and item in a YAML document, by field path."""
    yaml = importlib.import_module("yaml")
    index: Dict[PathKey, int] = {}

    def walk(node: Any, path: PathKey) -> None:
        index.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, str(key_node.value))
                index[child] = key_node.start_mark.line + 1
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for position, item in enumerate(node.value):
                walk(item, (*path, position))

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return index
    if root is not None:
        walk(root, ())
    return index


def _is_yaml(source: str, text: str) -> bool:
    if source.lower().endswith(_YAML_SUFFIXES):
        return True
    if source.lower().endswith(".json"):
        return False
    return not text.lstrip().startswith(("{", "["))


def _parse_yaml(source: str, text: str) -> Tuple[Any, Dict[PathKey, int]]:
    try:
        yaml = importlib.import_module("yaml")
    except ImportError:
        raise ConfigFileError(
            source,
            [
                Problem(
                    "",
                    "reading YAML needs PyYAML (pip install pyyaml); or write the config as JSON",
                )
            ],
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        raise ConfigFileError(source, [Problem("", f"invalid YAML: {problem}", line)]) from None
    return data, yaml_line_index(text)


def parse(text: str, source: str = "<config>") -> LoadedConfig:
    """Parse config text (JSON, or YAML when ``source`` ends in .yaml/.yml or it is not JSON).

    Raises :class:`ConfigFileError` for text that does not parse or is not a config object.
    """
    if _is_yaml(source, text):
        data, lines = _parse_yaml(source, text)
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigFileError(
                source, [Problem("", f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno)]
            ) from None
        lines = json_line_index(text)
    if not isinstance(data, dict):
        raise ConfigFileError(
            source,
            [Problem("", f"a config must be an object (a mapping); got {type(data).__name__}", 1)],
        )
    return LoadedConfig(source, data, _shape(source, data), lines)


def load(path: Union[str, "os.PathLike[str]"]) -> LoadedConfig:
    """Read and parse the config file at ``path`` (see :func:`parse`)."""
    source = os.fspath(path)
    try:
        text = Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigFileError(source, [Problem("", f"cannot read the file: {reason}")]) from None
    return parse(text, source)


def _shape(source: str, data: Mapping[str, Any]) -> Shape:
    if "llms" in data:
        return "sdk"
    if "options" in data and "targets" not in data:
        return "legacy-gateway"
    if isinstance(data.get("config"), dict) and "strategy" not in data and "targets" not in data:
        return "legacy-body"
    if {"strategy", "targets", "provider", "virtual_key"} & set(data):
        return "current"
    raise ConfigFileError(
        source,
        [
            Problem(
                "",
                "not a routing config: expected 'llms' (SDK shape), 'options' (legacy gateway "
                "shape) or 'strategy'/'targets' (current gateway shape); found keys "
                + (", ".join(sorted(map(str, data))) or "none"),
                1,
            )
        ],
    )


# ---- checking -----------------------------------------------------------------------------


class _StrictModel(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


def _http_statuses(codes: Optional[List[int]]) -> Optional[List[int]]:
    for code in codes or ():
        if not 100 <= code <= 599:
            raise ValueError(f"{code} is not an HTTP status code")
    return codes


class _Strategy(_StrictModel):
    mode: Literal["single", "fallback", "loadbalance", "conditional"]
    on_status_codes: Optional[List[int]] = None

    _codes = field_validator("on_status_codes")(_http_statuses)


class _Retry(_StrictModel):
    attempts: int = Field(ge=0)
    on_status_codes: Optional[List[int]] = None

    _codes = field_validator("on_status_codes")(_http_statuses)


class _Cache(_StrictModel):
    mode: Literal["simple", "semantic"]
    max_age: Optional[int] = Field(default=None, ge=0)


class _Target(_StrictModel):
    """One target of a current-shape gateway config (nested targets allowed)."""

    provider: Optional[str] = None
    api_key: Optional[str] = None
    virtual_key: Optional[str] = None
    custom_host: Optional[str] = None
    weight: Optional[float] = Field(default=None, ge=0)
    override_params: Optional[Dict[str, Any]] = None
    retry: Optional[_Retry] = None
    cache: Optional[_Cache] = None
    request_timeout: Optional[int] = Field(default=None, gt=0)
    strategy: Optional[_Strategy] = None
    targets: Optional[List["_Target"]] = None

    @field_validator("weight", mode="before")
    @classmethod
    def _number(cls, weight: Any) -> Any:
        # Strict mode would refuse an integer weight such as 1.
        return float(weight) if isinstance(weight, int) and not isinstance(weight, bool) else weight

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, provider: Optional[str]) -> Optional[str]:
        if provider is not None and provider not in GATEWAY_PROVIDERS:
            import difflib

            guess = difflib.get_close_matches(provider.lower(), GATEWAY_PROVIDERS, n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            raise ValueError(f"unknown provider {provider!r}{hint}")
        return provider

    @field_validator("custom_host")
    @classmethod
    def _url(cls, host: Optional[str]) -> Optional[str]:
        if host is not None and not host.startswith(("http://", "https://")):
            raise ValueError(f"custom_host must be an http:// or https:// URL; got {host!r}")
        return host

    @model_validator(mode="after")
    def _routable(self) -> "_Target":
        if self.targets is not None and not self.targets:
            raise ValueError("targets is empty: give at least one target")
        if self.strategy is not None and self.targets is None:
            raise ValueError("a strategy needs targets to choose from")
        if self.targets is None and self.provider is None and self.virtual_key is None:
            raise ValueError("a target needs provider or virtual_key (or nested targets)")
        return self


_Target.model_rebuild()

_ORIGIN_OF_LLM_FIELD = {"cache_status": ("cache", "mode"), "cache_age": ("cache", "max_age")}


def _legacy_options(config: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[PathKey, PathKey]]:
    """``config`` with camelCase option keys renamed, and where each LLM field came from."""
    renamed = dict(config)
    origins: Dict[PathKey, PathKey] = {}
    options = config.get("options")
    if not isinstance(options, list):
        return renamed, origins
    new_options: List[Any] = []
    for position, option in enumerate(options):
        if not isinstance(option, dict):
            new_options.append(option)
            continue
        new_option: Dict[str, Any] = {}
        for key, item in option.items():
            name = _CAMEL_KEYS.get(str(key), str(key))
            new_option[name] = item
            origins[("llms", position, name)] = ("options", position, key)
        for key in option.get("override_params") or {}:
            origins[("llms", position, key)] = ("options", position, "override_params", key)
        for name, suffix in _ORIGIN_OF_LLM_FIELD.items():
            origins[("llms", position, name)] = ("options", position, *suffix)
        origins[("llms", position)] = ("options", position)
        new_options.append(new_option)
    renamed["options"] = new_options
    return renamed, origins


def _problems(
    error: ValidationError,
    loaded: LoadedConfig,
    prefix: PathKey = (),
    origins: Optional[Mapping[PathKey, PathKey]] = None,
) -> List[Problem]:
    problems = []
    for detail in error.errors():
        loc: PathKey = tuple(detail["loc"])
        message = str(detail["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if not loc:
            # A rule over several LLMs names the one at fault in its message.
            found = _LLM_PATH.search(message)
            if found:
                loc = ("llms", int(found[1])) + ((found[2],) if found[2] else ())
            elif "mode=" in message:
                loc = ("mode",)
        if origins and loc and loc[0] == "llms":
            mapped = origins.get(loc)
            if mapped is None:
                mapped = (*origins.get(loc[:2], ("options", *loc[1:2])), *loc[2:])
            loc = mapped
        if loc and loc[0] == "options":
            message = message.replace("llms[", "options[")
        path = (*prefix, *loc)
        problems.append(Problem(path_text(path), message, loaded.line_of(path)))
    return problems


def _sdk_config(loaded: LoadedConfig) -> Tuple[Union[Config, Dict[str, Any]], PathKey]:
    """The config as the SDK would use it; raises ConfigFileError naming each problem."""
    data: Mapping[str, Any] = loaded.data
    prefix: PathKey = ()
    if loaded.shape == "legacy-body":
        data, prefix = loaded.data["config"], ("config",)
        if "options" not in data:
            raise ConfigFileError(
                loaded.source,
                [
                    Problem(
                        "config", "a legacy body's config needs 'options'", loaded.line_of(prefix)
                    )
                ],
            )
    if loaded.shape == "current":
        try:
            _Target.model_validate(dict(data))
        except ValidationError as exc:
            raise ConfigFileError(loaded.source, _problems(exc, loaded)) from None
        return dict(data), prefix
    renamed, origins = _legacy_options(data) if "options" in data else (dict(data), {})
    try:
        return config_from_mapping(renamed), prefix
    except ValidationError as exc:
        raise ConfigFileError(loaded.source, _problems(exc, loaded, prefix, origins)) from None
    except ValueError as exc:
        raise ConfigFileError(
            loaded.source, [Problem(path_text(prefix), str(exc), loaded.line_of(prefix))]
        ) from None


def client_config(loaded: LoadedConfig) -> Union[Config, Dict[str, Any]]:
    """The config to give ``Portkey(config=...)``: a validated ``Config`` or a current dict."""
    return _sdk_config(loaded)[0]


def check(loaded: LoadedConfig) -> str:
    """Validate a loaded config; return a one-line summary, or raise :class:`ConfigFileError`."""
    config, _ = _sdk_config(loaded)
    shape = SHAPE_NAMES[loaded.shape]
    if isinstance(config, Config):
        mode = config.resolved_mode()
        gateway_mode = "loadbalance" if mode is Modes.AB_TEST else mode.value
        count = len(config.llms)
        summary = f"{shape}: mode {mode.value}, {count} LLM{'s' if count != 1 else ''}"
        if loaded.shape == "sdk":
            return f"{summary}; sent to the gateway as strategy {gateway_mode!r}"
        return (
            f"{summary}; gateways now reject this shape: the SDK translates it, and "
            f"'portkey config migrate {loaded.source}' writes the current shape"
        )
    strategy = config.get("strategy") or {}
    targets = config.get("targets")
    if targets is None:
        return f"{shape}: one target ({config.get('provider') or 'virtual key'})"
    count = len(targets)
    return f"{shape}: strategy {strategy.get('mode')}, {count} target{'s' if count != 1 else ''}"


def migrate(loaded: LoadedConfig) -> MigrationResult:
    """Translate a loaded config to the current gateway shape (``Config.to_gateway_config``).

    Provider keys the SDK would read from environment variables are left out (a migrated file
    must not capture secrets from the environment); notes say so, and list the request-level
    options (trace id, metadata, ...) that travel as headers rather than in the config.
    """
    config, _ = _sdk_config(loaded)
    notes: List[str] = []
    if not isinstance(config, Config):
        notes.append("already in the current gateway shape; printed as validated")
        return MigrationResult(dict(config), loaded.shape, notes)
    gateway = config.to_gateway_config()
    noun = "options" if loaded.shape != "sdk" else "llms"
    for position, llm in enumerate(config.llms):
        env = llm.key_env_var()
        if env:
            gateway["targets"][position].pop("api_key", None)
            notes.append(
                f"targets[{position}] has no api_key: the SDK reads it from ${env} at request "
                "time; add it, or send the key as an Authorization header"
            )
        for name in REQUEST_LEVEL_FIELDS:
            if getattr(llm, name) is not None:
                notes.append(
                    f"{noun}[{position}].{name} is request-level: pass it to Portkey({name}=...) "
                    f"or send the x-portkey-{name.replace('_', '-')} header"
                )
    if loaded.shape == "legacy-body" and loaded.data.get("params"):
        keys = ", ".join(sorted(loaded.data["params"]))
        notes.append(
            f"params ({keys}) are not config: send them in the request body of "
            "POST /v1/chat/completions (or /v1/completions)"
        )
    return MigrationResult(gateway, loaded.shape, notes)
