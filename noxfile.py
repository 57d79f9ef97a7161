"""The test suite on each supported Python found on this machine, and on the lowest declared
dependency versions.

    nox                              # every session below
    nox -s tests-3.9 tests-3.13      # the oldest and the newest Python (what CI runs)
    nox -s lowest_deps               # runtime deps pinned to the minimums setup.cfg declares

Each session installs the SDK from this tree as a wheel (not editable), so the suite tests what
``pip install`` gives users; everything comes from PyPI. The gateway comes from this checkout's
node_modules (``npm ci``, which ``make test`` runs). A Python that is not installed is reported
and skipped, so a machine with only some of them still runs those.
"""

from __future__ import annotations

import configparser
import glob
import os
import re
from pathlib import Path
from typing import List

import nox

ROOT = Path(__file__).resolve().parent
PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
OLDEST = PYTHONS[0]

nox.options.sessions = ["tests", "lowest_deps"]
nox.options.error_on_missing_interpreters = False
nox.options.reuse_existing_virtualenvs = False


def _put_pyenv_versions_on_path() -> None:
    """Let nox find pyenv's interpreters (``python3.9`` ...) even when pyenv has not made them
    global: their bin folders go first on PATH."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    folders = []
    for version in PYTHONS:
        found = sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin")))
        folders.extend(found[-1:])  # the newest patch release of each
    if folders:
        os.environ["PATH"] = os.pathsep.join([*folders, os.environ.get("PATH", "")])


def lowest_requirements() -> List[str]:
    """setup.cfg's runtime requirements with each ``>=X`` turned into ``==X.*``."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    pins = []
    for line in parser["options"]["install_requires"].splitlines():
        requirement = line.split("#", 1)[0].strip()
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*>=\s*([0-9.]+)", requirement)
        if match:
            pins.append(f"{match.group(1)}=={match.group(2)}.*")
    return pins


_put_pyenv_versions_on_path()


#: Test files that need the optional integrations (``test-integrations`` extra), and the
#: oldest Python each runs on. llama-index-core needs 3.10 (its dependency ``banks`` uses
#: ``X | None`` at run time), so the LlamaIndex handler is tested from 3.10 on.
INTEGRATION_TESTS = {
    "tests/test_langchain_handler.py": "3.9",
    "tests/test_llamaindex_handler.py": "3.10",
    "tests/test_openai_sdk.py": "3.9",
    "tests/test_experiments_dask.py": "3.9",
    "tests/test_experiments_summary.py": "3.9",
    "tests/test_experiments_notebook.py": "3.9",
}


def _version(text: str) -> tuple:  # type: ignore[type-arg]
    return tuple(int(part) for part in text.split("."))


def _ignored(session: nox.Session, files: List[str], why: str) -> List[str]:
    """``--ignore`` options for ``files``, said out loud: nothing is left out silently."""
    for name in files:
        session.log(f"not run in this session ({why}): {name}")
    return [f"--ignore={name}" for name in files]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole suite (or ``nox -s tests-3.13 -- <pytest args>``) on one Python."""
    session.install(".[test,test-integrations]")
    python = str(session.python)
    too_new = [
        name for name, oldest in INTEGRATION_TESTS.items() if _version(python) < _version(oldest)
    ]
    ignore = _ignored(session, too_new, f"its integration needs a newer Python than {python}")
    session.run("pytest", "-p", "no:cacheprovider", *ignore, *session.posargs)


# pytest-asyncio 1.x, which runs the async tests, needs typing_extensions>=4.12 on Python < 3.13;
# at 4.6 only pytest-asyncio 0.25 installs, whose own event-loop handling fails the run. So the
# suite runs with the other runtime deps at their minimum, and then the SDK is exercised again
# with typing_extensions at its declared minimum too.
SHARED_WITH_TEST_TOOLS = "typing_extensions"
SMOKE = """
import asyncio, portkey
from portkey import AsyncPortkey, Config, LLMOptions, Portkey, createHeaders
config = Config(mode="fallback", llms=[LLMOptions(provider="openai", api_key="sk-a"),
                                       LLMOptions(provider="anthropic", api_key="sk-b")])
client = Portkey(base_url="http://127.0.0.1:9/v1", config=config)
assert isinstance(client.with_options(max_retries=0), Portkey)
assert createHeaders(provider="openai", trace_id="t")["x-portkey-trace-id"] == "t"
async def main():
    async with AsyncPortkey(base_url="http://127.0.0.1:9/v1", config=config) as aclient:
        try:
            await aclient.with_options(max_retries=0).chat.completions.create(
                messages=[{"role": "user", "content": "hi"}])
        except portkey.APIConnectionError:
            return "refused as expected"
print(asyncio.run(main()))
"""


@nox.session(python=OLDEST)
def lowest_deps(session: nox.Session) -> None:
    """The suite with the runtime dependencies at the lowest versions setup.cfg allows."""
    pins = lowest_requirements()
    for_suite = [pin for pin in pins if not pin.startswith(SHARED_WITH_TEST_TOOLS)]
    # The integrations (LangChain, LlamaIndex, openai, pandas, Dask) need newer runtime deps
    # than the minimums (llama-index-core needs pydantic > 2.5); the tests sessions run them.
    session.install(".[test]", *for_suite)
    session.run("python", "-m", "pip", "freeze", "--exclude-editable")
    ignore = _ignored(session, list(INTEGRATION_TESTS), "an integration: run by the tests sessions")
    # With aiohttp 3.9 on Python 3.9 some library leaves an implicit event loop to the garbage
    # collector at a random moment, which the suite's strict unraisable-warning filter would
    # pin on whichever test runs then. Leak checks stay strict in the tests sessions; here the
    # point is that everything works at the lowest versions.
    relaxed = ["-W", "ignore::pytest.PytestUnraisableExceptionWarning"]
    session.run("pytest", "-p", "no:cacheprovider", *relaxed, *ignore, *session.posargs)
    session.install(*[pin for pin in pins if pin.startswith(SHARED_WITH_TEST_TOOLS)])
    session.run("python", "-m", "pip", "freeze", "--exclude-editable")
    session.run("python", "-W", "error::DeprecationWarning", "-c", SMOKE)
