"""The benchmark's own virtual environments, under ``bench/.cache`` (``make bench-anchors``).

* ``runtime``: only the SDK's four runtime dependencies (requests, pydantic, aiohttp,
  tenacity), at the versions of the environment running the benchmark. Fresh-process figures
  (process start to first response, peak RSS) run there when it exists, with this repo on
  ``PYTHONPATH``: a development environment holds a hundred and more distributions, and pydantic
  reads the entry points of every one of them when it builds its first model, a start-up cost
  an application's own environment does not have on that scale.
* ``portkey-ai``: PyPI's ``portkey-ai`` 2.3.x (the reference SDK) with ``requests``, measured
  as an anchor in its own processes: its import package ``portkey_ai`` has the name of this
  repo's alias package, so the two cannot share an environment.

Creating them needs the network (pip); nothing in the tests does, and every measurement that
uses them is skipped, with a note in the results, when they are absent.

``python -m bench.venvs`` creates (or refreshes) both.
"""

import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Dict, List, Optional

from .harness import CACHE_DIR

#: The reference SDK's versions measured as an anchor.
PORTKEY_AI_REQUIREMENT = "portkey-ai>=2.3,<2.4"
RUNTIME_DEPENDENCIES = ("requests", "pydantic", "aiohttp", "tenacity")

VENVS: Dict[str, Path] = {
    "runtime": CACHE_DIR / "venv-runtime",
    "portkey-ai": CACHE_DIR / "venv-portkey-ai",
}


def pinned(names: List[str]) -> List[str]:
    """``name==version`` of each installed distribution (so both sides run the same code)."""
    return [f"{name}=={metadata.version(name)}" for name in names]


def requirements(kind: str) -> List[str]:
    """What a venv holds."""
    if kind == "runtime":
        return pinned(list(RUNTIME_DEPENDENCIES))
    return [PORTKEY_AI_REQUIREMENT, *pinned(["requests"])]


def python_of(kind: str) -> Optional[Path]:
    """The venv's interpreter, or ``None`` when the venv was not made (or is incomplete)."""
    venv = VENVS[kind]
    python = venv / "bin" / "python"
    if not (venv / ".complete").exists() or not python.exists():
        return None
    return python


def create(kind: str) -> Path:
    """Make (or refresh) the venv ``kind`` and return its interpreter."""
    venv = VENVS[kind]
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *requirements(kind)],
        check=True,
    )
    (venv / ".complete").write_text(" ".join(requirements(kind)) + "\n")
    return python


def installed_version(kind: str, distribution: str) -> Optional[str]:
    """The version of ``distribution`` in the venv ``kind`` (``None`` if absent)."""
    python = python_of(kind)
    if python is None:
        return None
    done = subprocess.run(
        [
            str(python),
            "-c",
            f"from importlib import metadata; print(metadata.version({distribution!r}))",
        ],
        cwd=CACHE_DIR,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


def main() -> None:
    """Create both venvs."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for kind in VENVS:
        print(f"{kind}: {create(kind)}")


if __name__ == "__main__":
    main()
