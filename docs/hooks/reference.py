"""mkdocs hook: generated reference sections, so the docs cannot drift from the code.

A page writes a marker on a line of its own and the build replaces it:

* ``<!-- portkey:fields NAME -->``: the fields of ``Config``, ``LLMOptions`` or ``RetrySettings``
  (type, default, limits, description, and where each lands in the gateway request);
* ``<!-- portkey:client-params -->``: ``Portkey(...)`` parameters from ``ClientParams``;
* ``<!-- portkey:exceptions -->``: the exception classes with their docstrings;
* ``<!-- portkey:cli-help -->``: ``--help`` of every ``portkey`` command;
* ``<!-- portkey:surface -->``: each method path of the reference SDK
  (``tests/data/reference-surface.txt``) and whether ``Portkey`` / ``AsyncPortkey`` have it.

An unknown marker fails the build.
"""

import ast
import enum
import html
import inspect
import os
import re
import sys
import typing
from pathlib import Path
from typing import Any, Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from portkey.api_resources import client_params, config, exceptions
from portkey.api_resources.constants import AUTHORIZATION_HEADER, AUTHORIZATION_PARAM
from portkey.api_resources.headers import HEADER_OPTIONS, header_name
from portkey.cli import build_parser, command_parsers

MARKER = re.compile(r"^<!-- portkey:([\w-]+)(?: (\w+))? -->$", re.MULTILINE)
MODELS: Dict[str, Any] = {
    "Config": config.Config,
    "LLMOptions": config.LLMOptions,
    "RetrySettings": config.RetrySettings,
}


def type_name(annotation: Any) -> str:
    """A readable type: ``Optional[Union[RetrySettings, int]]`` -> ``RetrySettings | int``."""
    origin = typing.get_origin(annotation)
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if origin is typing.Union:
        return " | ".join(type_name(arg) for arg in args)
    if origin is typing.Literal:
        return " | ".join(repr(arg) for arg in typing.get_args(annotation))
    if origin in (list, List):
        return f"list[{type_name(args[0])}]"
    if origin in (dict, Dict):
        return f"dict[{type_name(args[0])}, {type_name(args[1])}]"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " | ".join(repr(member.value) for member in annotation)
    if annotation is typing.Any:
        return "JSON"
    return getattr(annotation, "__name__", str(annotation))


def limits(field: FieldInfo) -> str:
    """The numeric bounds pydantic enforces, as ``0 ≤ x ≤ 2``."""
    bounds = {type(item).__name__: item for item in field.metadata}
    low = bounds.get("Ge") or bounds.get("Gt")
    high = bounds.get("Le") or bounds.get("Lt")
    parts = []
    if low is not None:
        parts.append(
            f"{getattr(low, 'ge', getattr(low, 'gt', ''))} {'≤' if 'Ge' in bounds else '<'}"
        )
    parts.append("x")
    if high is not None:
        parts.append(
            f"{'≤' if 'Le' in bounds else '<'} {getattr(high, 'le', getattr(high, 'lt', ''))}"
        )
    return " ".join(parts) if len(parts) > 1 else ""


def json_path(path: str) -> str:
    """``targets[i].override_params.top_p`` as inline HTML code that may wrap after each dot
    (and nowhere else), so the reference table fits the page at 1280 px."""
    return "<code>" + ".<wbr>".join(html.escape(part) for part in path.split(".")) + "</code>"


def destination(model: str, name: str) -> str:
    """Where an ``LLMOptions`` field lands in what the SDK sends."""
    if model != "LLMOptions":
        return ""
    if name in config.REQUEST_LEVEL_FIELDS:
        return f"header `{header_name(name)}`"
    special = {
        "retry": "targets[i].retry",
        "cache_status": "targets[i].cache.mode",
        "cache_age": "targets[i].cache.max_age",
        "weight": "targets[i].weight",
    }
    if name in special:
        return json_path(special[name])
    if name in config._TARGET_FIELDS:
        return json_path(f"targets[i].{name}")
    return json_path(f"targets[i].override_params.{name}")


def markdown_of(text: str) -> str:
    """Docstring markup as Markdown: ``:class:`X` `` and ````x```` become `` `X` ``."""
    text = re.sub(r":\w+:`([^`]+)`", r"`\1`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def cell(text: str) -> str:
    return " ".join(markdown_of(text).split()).replace("|", "\\|")


def fields_table(model_name: str) -> str:
    model: type[BaseModel] = MODELS[model_name]
    doc = markdown_of(inspect.cleandoc(model.__doc__ or ""))
    with_destination = model_name == "LLMOptions"
    header = "| field | type | default | limits | description |"
    rule = "|---|---|---|---|---|"
    if with_destination:
        header += " sent as |"
        rule += "---|"
    rows = [doc, "", header, rule]
    for name, field in model.model_fields.items():
        default = "required" if field.is_required() else repr(field.default)
        description = field.description or (
            "Model parameter, sent to the provider as given."
            if "override_params" in destination(model_name, name)
            else ""
        )
        row = [f"`{name}`", cell(type_name(field.annotation)), cell(default), limits(field)]
        row.append(cell(description))
        if with_destination:
            row.append(destination(model_name, name))
        rows.append("| " + " | ".join(row) + " |")
    return "\n".join(rows)


def client_params_table() -> str:
    """``ClientParams`` keys with the docstring written under each."""
    tree = ast.parse(inspect.getsource(client_params))
    cls = next(
        node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "ClientParams"
    )
    rows = ["| parameter | type | header | description |", "|---|---|---|---|"]
    body = cls.body
    for index, node in enumerate(body):
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
            continue
        name = node.target.id
        following = body[index + 1] if index + 1 < len(body) else None
        doc = ""
        if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
            doc = str(following.value.value)
        header = f"`{header_name(name)}`" if name in HEADER_OPTIONS else "-"
        if name == AUTHORIZATION_PARAM:
            header = f"`{AUTHORIZATION_HEADER}`"
        annotation = ast.unparse(node.annotation)
        rows.append(f"| `{name}` | `{cell(annotation)}` | {header} | {cell(doc)} |")
    return "\n".join(rows)


def exceptions_table() -> str:
    classes = [
        value
        for value in vars(exceptions).values()
        if isinstance(value, type)
        and issubclass(value, exceptions.PortkeyError)
        and value.__module__ == exceptions.__name__
    ]
    statuses = {cls: code for code, cls in exceptions._STATUS_ERRORS.items()}
    rows = ["| exception | is a | status | when |", "|---|---|---|---|"]
    for cls in classes:
        bases = ", ".join(f"`{base.__name__}`" for base in cls.__bases__)
        status = str(statuses.get(cls, "≥ 500" if cls is exceptions.InternalServerError else ""))
        doc = inspect.cleandoc(cls.__doc__ or "").split("\n\n")[0]
        rows.append(f"| `{cls.__name__}` | {bases} | {status} | {cell(doc)} |")
    return "\n".join(rows)


def cli_help() -> str:
    os.environ["COLUMNS"] = "100"  # the same wrapping on every machine
    sections = []
    for name, parser in command_parsers(build_parser()):
        if name == "portkey":
            continue
        sections.append(f"### `{name}`\n\n```text\n{parser.format_help().rstrip()}\n```")
    return "\n\n".join(sections)


REFERENCE_SURFACE = Path(__file__).resolve().parents[2] / "tests" / "data" / "reference-surface.txt"


def _has_path(client: Any, path: str) -> bool:
    target = client
    for part in path.split("."):
        target = getattr(target, part, None)
        if target is None:
            return False
    return callable(target)


def surface_table() -> str:
    """The reference SDK's method paths, grouped by resource, with what each client has."""
    from portkey import AsyncPortkey, Portkey

    clients = [
        Portkey(base_url="http://127.0.0.1:9/v1", api_key="docs"),
        AsyncPortkey(base_url="http://127.0.0.1:9/v1", api_key="docs"),
    ]
    rows: Dict[str, List[str]] = {}
    counts = [0, 0]
    total = 0
    for line in REFERENCE_SURFACE.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        path = line.split("(", 1)[0]
        resource, _, verb = path.rpartition(".")
        sync, asynchronous = (_has_path(client, path) for client in clients)
        counts[0] += sync
        counts[1] += asynchronous
        total += 1
        note = {(True, True): "", (False, True): " (async only)", (True, False): " (sync only)"}
        rows.setdefault(resource, []).append(
            f"`{verb}`" + note.get((sync, asynchronous), " (**missing**)")
        )
    lines = [
        f"Present now: **{counts[0]} / {total}** method paths on `Portkey`, "
        f"**{counts[1]} / {total}** on `AsyncPortkey` (a path not on both clients is marked).",
        "",
        "| resource | reference verbs |",
        "|---|---|",
    ]
    lines += [f"| `{resource}` | {', '.join(verbs)} |" for resource, verbs in rows.items()]
    return "\n".join(lines)


GENERATORS: Dict[str, Callable[..., str]] = {
    "fields": fields_table,
    "client-params": client_params_table,
    "exceptions": exceptions_table,
    "cli-help": cli_help,
    "surface": surface_table,
}


def expand(markdown: str, page: str) -> str:
    """``markdown`` with every marker replaced by its generated section."""

    def replace(match: "re.Match[str]") -> str:
        kind, argument = match[1], match[2]
        generator = GENERATORS.get(kind)
        if generator is None or (kind == "fields") != (argument is not None):
            raise ValueError(f"{page}: unknown marker {match[0]!r}")
        if kind == "fields" and argument not in MODELS:
            raise ValueError(f"{page}: no model named {argument!r} for {match[0]!r}")
        return generator(argument) if argument else generator()

    return MARKER.sub(replace, markdown)


# Pages other engineers write; until a page exists its nav entry is left out rather than
# failing the strict build.
OPTIONAL_PAGES = frozenset({"reliability.md", "resources.md"})


def on_config(config: Any, **kwargs: Any) -> Any:
    """mkdocs event: drop nav entries of optional pages that do not exist yet."""
    docs = Path(config["docs_dir"])

    def present(entry: Any) -> bool:
        page = next(iter(entry.values())) if isinstance(entry, dict) else entry
        return not (
            isinstance(page, str) and page in OPTIONAL_PAGES and not (docs / page).is_file()
        )

    config["nav"] = [entry for entry in config["nav"] or [] if present(entry)]
    return config


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """mkdocs event: expand the markers of each page."""
    return expand(markdown, page.file.src_path)
