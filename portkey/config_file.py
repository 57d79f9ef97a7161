"""Routing configs kept in files: load (JSON or YAML), check, and migrate to the current shape.

Four shapes are understood:

* ``sdk``: this SDK's ``{"mode": ..., "llms": [...]}`` (what ``Config`` takes);
* ``legacy-gateway``: the gateway's old ``{"mode": ..., "options": [...]}``, which gateways now
  reject with "Please migrate to the latest version";
* ``legacy-body``: the old SDKs' request body ``{"config": {"mode", "options"}, "params": {...}}``;
* ``current``: the gateway's ``{"strategy": {...}, "targets": [...]}`` (or one target's fields).

Every problem found names the field path (``llms[1].temperature``) and, when the file's text is
known, the line it is on. Nothing here sends a request, and nothing depends on the environment:
a file gets the same verdict on every machine. Used by ``portkey config ...`` and ``portkey chat
--config``.

The rules themselves are not here: this module reads files, maps errors to lines and reports.
It validates through ``config_from_mapping`` -- the function ``Portkey(config=dict)`` uses --
so a file and the same config given to a client get the same verdict.
"""

import bisect
import contextlib
import importlib
import json
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from pydantic import ValidationError

from .api_resources.config import REQUEST_LEVEL_FIELDS, Config, config_from_mapping
from .api_resources.constants import MAX_CONFIG_HEADER_BYTES
from .api_resources.gateway_config import (
    Shape,
    config_shape,
    location_text,
    origin_of_llm_field,
)

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

PathKey = Tuple[Union[str, int], ...]

SHAPE_NAMES: Dict[str, str] = {
    "sdk": "SDK config (mode + llms)",
    "legacy-gateway": "legacy gateway config (mode + options)",
    "legacy-body": "legacy request body (config + params)",
    "current": "current gateway config (strategy + targets)",
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
class CheckedConfig:
    """A validated config as the SDK would use it, and notes worth telling its author."""

    config: Union[Config, Dict[str, Any]]
    notes: List[str] = field(default_factory=list)


@dataclass
class MigrationResult:
    """The current-shape gateway config and notes on what the migration left out or changed."""

    config: Dict[str, Any]
    shape: Shape
    notes: List[str] = field(default_factory=list)


def path_text(path: Sequence[Union[str, int]]) -> str:
    """``("llms", 0, "model")`` -> ``llms[0].model``."""
    return location_text(path)


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
    try:
        return config_shape(data)
    except ValueError as exc:
        raise ConfigFileError(source, [Problem("", str(exc), 1)]) from None


# ---- checking -----------------------------------------------------------------------------


def _origin(loaded: LoadedConfig, loc: PathKey) -> PathKey:
    """Where ``llms[i].field`` of a translated legacy config was written in the file."""
    legacy = loaded.data.get("config") if loaded.shape == "legacy-body" else loaded.data
    options = legacy.get("options") if isinstance(legacy, Mapping) else None
    if len(loc) < 2 or not isinstance(loc[1], int) or not isinstance(options, list):
        return ("options", *loc[1:])
    option = options[loc[1]] if loc[1] < len(options) else None
    tail: PathKey = loc[2:]
    if isinstance(option, Mapping) and tail and isinstance(tail[0], str):
        tail = (*origin_of_llm_field(option, tail[0]), *tail[1:])
    return ("options", loc[1], *tail)


def _problems(error: ValidationError, loaded: LoadedConfig, prefix: PathKey) -> List[Problem]:
    problems = []
    for detail in error.errors(include_input=False):
        loc: PathKey = tuple(detail["loc"])
        message = str(detail["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if loc in ((), ("llms",)):
            # A rule over several LLMs names the one at fault in its message.
            found = _LLM_PATH.search(message)
            if found:
                loc = ("llms", int(found[1])) + ((found[2],) if found[2] else ())
            elif "mode=" in message:
                loc = ("mode",)
        if loaded.shape in ("legacy-gateway", "legacy-body") and loc and loc[0] == "llms":
            loc = _origin(loaded, loc)
            message = message.replace("llms[", "options[")
        path = (*prefix, *loc)
        problems.append(Problem(path_text(path), message, loaded.line_of(path)))
    return problems


def _checked(loaded: LoadedConfig) -> CheckedConfig:
    """The config as the SDK would use it; raises ConfigFileError naming each problem."""
    prefix: PathKey = ("config",) if loaded.shape == "legacy-body" else ()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            config = config_from_mapping(loaded.data)
        except ValidationError as exc:
            raise ConfigFileError(loaded.source, _problems(exc, loaded, prefix)) from None
        except ValueError as exc:
            raise ConfigFileError(
                loaded.source, [Problem(path_text(prefix), str(exc), loaded.line_of(prefix))]
            ) from None
    notes = [str(warning.message) for warning in caught]
    gateway = config.to_gateway_config(read_env=False) if isinstance(config, Config) else config
    size = len(json.dumps(gateway, separators=(",", ":")))
    if size > MAX_CONFIG_HEADER_BYTES:
        raise ConfigFileError(
            loaded.source,
            [
                Problem(
                    "",
                    f"the config is {size} bytes as JSON, over the {MAX_CONFIG_HEADER_BYTES}-byte "
                    "limit of the x-portkey-config header: save it on Portkey and pass its slug "
                    "(config='pc-...')",
                    1,
                )
            ],
        )
    return CheckedConfig(config, notes)


def _noun(loaded: LoadedConfig) -> str:
    return "llms" if loaded.shape == "sdk" else "options"


def client_config(loaded: LoadedConfig) -> Union[Config, Dict[str, Any]]:
    """The config to give ``Portkey(config=...)``: a validated ``Config`` or a current dict."""
    return _checked(loaded).config


def check(loaded: LoadedConfig) -> str:
    """Validate a loaded config; return a summary (notes on following lines), or raise
    :class:`ConfigFileError`."""
    checked = _checked(loaded)
    notes = list(checked.notes)
    if isinstance(checked.config, Config):
        for position, llm in enumerate(checked.config.llms):
            env = llm.key_env_var()
            if env:
                notes.append(
                    f"{_noun(loaded)}[{position}] has no api_key: it is read from ${env} when "
                    "a request is built"
                )
    return _summary(loaded, checked.config) + "".join(f"\n  note: {note}" for note in notes)


def _summary(loaded: LoadedConfig, config: Union[Config, Dict[str, Any]]) -> str:
    shape = SHAPE_NAMES[loaded.shape]
    if isinstance(config, Config):
        mode = config.resolved_mode()
        gateway_mode = config.to_gateway_config(read_env=False)["strategy"]["mode"]
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
    checked = _checked(loaded)
    config = checked.config
    if not isinstance(config, Config):
        notes = ["already in the current gateway shape; printed as validated", *checked.notes]
        return MigrationResult(dict(config), loaded.shape, notes)
    gateway = config.to_gateway_config(read_env=False)
    # The legacy body's params get their own note below.
    notes = [note for note in checked.notes if "legacy request body" not in note]
    noun = _noun(loaded)
    for position, llm in enumerate(config.llms):
        env = llm.key_env_var()
        if env:
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
