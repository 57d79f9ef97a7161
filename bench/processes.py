"""Measurements that need fresh processes: cold import time and peak RSS after N calls.

Import time is measured inside each child, around the import statement alone, so
interpreter start-up is not counted. The children alternate (portkey, requests, portkey, ...)
after one unrecorded round that makes sure byte-code caches exist.
"""

import json
import subprocess
import sys
from typing import Dict, List

from portkey import Config

from .first_response import interpreter
from .harness import REPO_ROOT, child_environment, rotated
from .workload import RawRequest

#: What each import figure times, in a fresh interpreter.
IMPORT_STATEMENTS: Dict[str, str] = {
    "portkey": "import portkey",
    # What a user's first real use loads: the client class and the config models.
    "portkey_first_use": "import portkey\nportkey.Portkey\nportkey.Config",
    "requests": "import requests",
}

_TIMER = "import time\n_t = time.perf_counter()\n{statement}\nprint(time.perf_counter() - _t)\n"


def import_seconds(statement: str) -> float:
    """Seconds ``statement`` takes in a fresh interpreter started in the repo root."""
    output = subprocess.run(
        [sys.executable, "-c", _TIMER.format(statement=statement)],
        cwd=REPO_ROOT,
        env=child_environment(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(output.strip().splitlines()[-1])


def measure_imports(runs: int) -> Dict[str, List[float]]:
    """Seconds per import, ``runs`` fresh processes for each statement, interleaved."""
    names = list(IMPORT_STATEMENTS)
    for name in names:
        import_seconds(IMPORT_STATEMENTS[name])
    results: Dict[str, List[float]] = {name: [] for name in names}
    for run in range(runs):
        for name in rotated(names, run):
            results[name].append(import_seconds(IMPORT_STATEMENTS[name]))
    return results


def peak_rss_mb(variant: str, base_url: str, calls: int, raw_request: str = "") -> float:
    """Peak RSS (MiB) of a fresh process that made ``calls`` calls in ``variant`` style."""
    output = subprocess.run(
        [
            interpreter()[0],
            "-m",
            "bench.rss_child",
            "--variant",
            variant,
            "--url",
            base_url,
            "--calls",
            str(calls),
        ],
        cwd=REPO_ROOT,
        env=child_environment(),
        check=True,
        capture_output=True,
        text=True,
        input=raw_request,
    ).stdout
    return float(json.loads(output.strip().splitlines()[-1])["peak_rss_mb"])


def measure_rss(base_url: str, config: Config, calls: int) -> Dict[str, float]:
    """Peak RSS after ``calls`` calls: module style, client style, raw requests, and raw requests
    with pydantic validating each answer into one small model (the floor of a pydantic SDK).
    Children run in the clean runtime venv when it exists (see ``first_response.interpreter``)."""
    raw = RawRequest(base_url, config)
    request = json.dumps({"url": raw.url, "headers": raw.headers, "body": raw.body.decode()})
    return {
        variant: peak_rss_mb(
            variant, base_url, calls, request if variant in ("raw", "pydantic_floor") else ""
        )
        for variant in ("module", "client", "raw", "pydantic_floor")
    }
