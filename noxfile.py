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


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole suite (or ``nox -s tests-3.13 -- <pytest args>``) on one Python."""
    session.install(".[test]")
    session.run("pytest", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=OLDEST)
def lowest_deps(session: nox.Session) -> None:
    """The suite with every runtime dependency at the lowest version setup.cfg allows."""
    pins = lowest_requirements()
    session.install(".[test]", *pins)
    session.run("python", "-m", "pip", "freeze", "--exclude-editable", silent=False)
    session.run("pytest", "-p", "no:cacheprovider", *session.posargs)
