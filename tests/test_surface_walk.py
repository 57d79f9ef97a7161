"""The public surface of a constructed ``Portkey`` and ``AsyncPortkey`` against the reference
SDK's (``tests/data/reference-surface.txt``: every method path of ``portkey-ai`` 2.3.4 with its
parameter names), walked attribute by attribute without calling anything.

Coverage cannot silently drop: every reference path must be present, or be named below with
the reason it is absent. Parameter names are checked where the reference lists them: a method
that takes ``**params`` accepts any keyword; one with a closed signature must name each.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import pytest

from portkey import AsyncPortkey, Portkey

REFERENCE = Path(__file__).parent / "data" / "reference-surface.txt"
REQUIRED_COVERAGE = 0.95

#: Absent by decision, with the reason; these count against coverage.
NOT_PROVIDED: Dict[str, str] = {
    "responses.connect": "the Responses API over a websocket: its event protocol is not "
    "published in a form this SDK can test against; use responses.create/stream",
}

#: Reference methods with parameter names ours does not accept, with the reason.
PARAMETER_MISMATCHES: Dict[str, str] = {
    "realtime.connect": "websocket_connection_options (the OpenAI SDK's websockets-library "
    "options) has no meaning for the aiohttp websocket; per-call headers and query are taken",
    "beta.realtime.connect": "websocket_connection_options: as realtime.connect",
}


def reference_paths() -> List[Tuple[str, List[str]]]:
    """``[(method path, [parameter names])]`` from the checked-in reference list."""
    entries = []
    for line in REFERENCE.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"([\w.]+)\((.*)\)", line.strip())
        assert match, line
        params = [p.strip() for p in match.group(2).split(",") if p.strip()]
        entries.append((match.group(1), params))
    return entries


def resolve_path(client: Any, path: str) -> Any:
    """The object at ``path`` (``beta.threads.runs.retrieve``), or ``None`` if absent."""
    target = client
    for part in path.split("."):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if callable(target) else None


def unaccepted(method: Any, names: List[str]) -> List[str]:
    """The names of ``names`` that ``method`` cannot take (by keyword or, for its named
    positional parameters, by position)."""
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: nothing to compare
        return []
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return []  # the declarative verbs take the API's fields as keywords
    accepted = {p.name for p in parameters}
    return [name for name in names if name not in accepted]


def walk(client: Any) -> Tuple[Set[str], Dict[str, List[str]]]:
    """(present paths, {path: parameter names not accepted})."""
    present: Set[str] = set()
    mismatches: Dict[str, List[str]] = {}
    for path, names in reference_paths():
        method = resolve_path(client, path)
        if method is None:
            continue
        present.add(path)
        wrong = unaccepted(method, names)
        if wrong:
            mismatches[path] = wrong
    return present, mismatches


CLIENTS = {
    "sync": lambda: Portkey(base_url="http://127.0.0.1:9/v1", api_key="pk-test"),
    "async": lambda: AsyncPortkey(base_url="http://127.0.0.1:9/v1", api_key="pk-test"),
}


def test_the_reference_list_is_the_checked_in_copy() -> None:
    paths = [path for path, _ in reference_paths()]
    assert len(paths) == 329
    assert len(set(paths)) == len(paths)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_coverage_of_the_reference_surface(kind: str) -> None:
    present, _ = walk(CLIENTS[kind]())
    all_paths = {path for path, _ in reference_paths()}
    missing = all_paths - present
    # every absent path has a named reason, and every named one is still absent
    assert missing == set(NOT_PROVIDED), sorted(missing ^ set(NOT_PROVIDED))
    coverage = len(present) / len(all_paths)
    print(f"{kind}: {len(present)}/{len(all_paths)} present ({coverage:.1%})")
    assert coverage >= REQUIRED_COVERAGE


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_parameter_names_match_the_reference(kind: str) -> None:
    _, mismatches = walk(CLIENTS[kind]())
    for path, names in mismatches.items():
        print(f"{kind} {path}: reference parameters not accepted: {names}")
    assert set(mismatches) <= set(PARAMETER_MISMATCHES), mismatches


def test_async_twins_await_what_the_sync_client_returns() -> None:
    sync_present, _ = walk(CLIENTS["sync"]())
    client = CLIENTS["async"]()
    local_only = {"webhooks.unwrap", "webhooks.verify_signature"}  # nothing is sent
    for path in sorted(sync_present - local_only):
        method = resolve_path(client, path)
        assert method is not None, path
        assert inspect.iscoroutinefunction(method) or _returns_context(method), path


def _returns_context(method: Any) -> bool:
    # connect() and the *stream helpers return an async context manager, not a coroutine
    name = getattr(method, "__name__", "")
    return name == "connect" or name.endswith("stream")


def test_a_missing_path_would_be_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    # the walk is not vacuous: hiding one resource drops its paths from what is present
    from portkey.api_resources.resources.mcp import ServerVerbs

    present, _ = walk(CLIENTS["sync"]())
    assert "mcp_servers.get_tokens" in present
    monkeypatch.delattr(ServerVerbs, "get_tokens")
    present_after, _ = walk(CLIENTS["sync"]())
    assert "mcp_servers.get_tokens" not in present_after


#: Methods the reference calls with several positional arguments, and how many.
REFERENCE_POSITIONALS = {
    "beta.threads.messages.retrieve": 2, "beta.threads.messages.update": 2,
    "beta.threads.runs.create": 2, "beta.threads.runs.retrieve": 2,
    "beta.threads.runs.update": 2, "beta.threads.runs.cancel": 2,
    "beta.threads.runs.steps.retrieve": 3, "beta.threads.create_and_run": 1,
    "files.create": 2, "prompts.versions.retrieve": 2, "prompts.versions.update": 2,
    "beta.assistants.create": 2, "collections.create": 3, "webhooks.unwrap": 2,
    "webhooks.verify_signature": 2,
}  # fmt: skip


def takes_positionals(method: Any, count: int) -> bool:
    """Whether ``method`` can be called with ``count`` positional arguments."""
    parameters = list(inspect.signature(method).parameters.values())
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return True
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return len([p for p in parameters if p.kind in kinds]) >= count


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_reference_positional_forms_are_accepted(kind: str) -> None:
    client = CLIENTS[kind]()
    refused = [
        path
        for path, count in REFERENCE_POSITIONALS.items()
        if not takes_positionals(resolve_path(client, path), count)
    ]
    assert refused == []
