"""Optional anchors (``--anchors``): other SDKs pointed at the same loopback server.

* ``openai`` (the current OpenAI SDK, on httpx), when it is installed: measured next to the
  SDK and raw runs, interleaved with them, so its ratios to the same raw baselines show where
  a widely used SDK sits. It sends its own headers (no ``x-portkey-*``), so it is a reference
  point, not a like-for-like comparison.
* ``portkey-ai`` 2.3 from PyPI: it installs an import package ``portkey_ai``, the name of this
  repo's alias package, so it runs in its own venv (``venvs.py``, made by ``make
  bench-anchors``) and its own processes: process start to first response beside the SDK's
  (``first_response.py``), and sync calls and streams against raw requests in one child
  process (``anchor_child.py``).
"""

import importlib
import importlib.util
import json
import subprocess
import time
from typing import Any, Awaitable, Callable, Dict, Optional

from .harness import CACHE_DIR, REPO_ROOT, Samples, SyncRun, child_environment, timed
from .workload import MESSAGES, MODEL, PROVIDER_KEY


def portkey_ai_status() -> str:
    """Which portkey-ai the anchor runs measure, or why they are skipped."""
    from .venvs import installed_version

    version = installed_version("portkey-ai", "portkey-ai")
    if version is None:
        return "not measured: its venv is not made (make bench-anchors; needs the network)"
    return f"portkey-ai {version} in bench/.cache/venv-portkey-ai"


def openai_version() -> Optional[str]:
    """The installed ``openai`` version, or ``None`` when it is not installed."""
    if importlib.util.find_spec("openai") is None:
        return None
    return str(_openai().__version__)


def _openai() -> Any:
    # Imported by name: it is optional, and typed as Any whether installed or not.
    return importlib.import_module("openai")


def openai_sync(base_url: str) -> Dict[str, SyncRun]:
    """``openai.OpenAI(...).chat.completions.create`` as a sync run."""
    client = _openai().OpenAI(base_url=base_url, api_key=PROVIDER_KEY)
    return {"openai": timed(lambda: client.chat.completions.create(model=MODEL, messages=MESSAGES))}


def openai_async(base_url: str) -> Dict[str, Callable[[], Awaitable[object]]]:
    """``openai.AsyncOpenAI(...).chat.completions.create`` as an async call.

    The client is built lazily inside the running loop (httpx binds its pool to it)."""
    openai = _openai()
    holder: Dict[str, Any] = {}

    async def call() -> object:
        client = holder.get("client")
        if client is None:
            client = holder["client"] = openai.AsyncOpenAI(base_url=base_url, api_key=PROVIDER_KEY)
        return await client.chat.completions.create(model=MODEL, messages=MESSAGES)

    return {"openai": call}


def openai_stream(base_url: str, chunks: int) -> Dict[str, SyncRun]:
    """Consuming a stream with the ``openai`` SDK, as a run counted in streams."""
    client = _openai().OpenAI(base_url=base_url, api_key=PROVIDER_KEY)

    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            counted = 0
            for _chunk in client.chat.completions.create(
                model=MODEL,
                messages=MESSAGES,
                stream=True,
            ):
                counted += 1
            if counted != chunks:
                raise RuntimeError(f"openai read {counted} chunks of {chunks}")
        return time.perf_counter() - start

    return {"openai": run}


def describe() -> str:
    """A one-line JSON summary of which anchors are available."""
    return json.dumps({"openai": openai_version(), "portkey-ai": portkey_ai_status()})


def measure_portkey_ai(
    base_url: str, config: Any, *, calls: int, blocks: int, streams: int, chunks: int
) -> Optional[Dict[str, Dict[str, Samples]]]:
    """Sync calls and streams of PyPI's portkey-ai against raw requests, in its own venv and
    process (``anchor_child.py``); ``None`` when its venv is not made."""
    from .venvs import python_of
    from .workload import MESSAGES, MODEL, PORTKEY_KEY, RawRequest

    python = python_of("portkey-ai")
    if python is None:
        return None
    raw, raw_stream = RawRequest(base_url, config), RawRequest(base_url, config, stream=True)
    job = {
        "base_url": base_url,
        "portkey_key": PORTKEY_KEY,
        "provider_key": PROVIDER_KEY,
        "model": MODEL,
        "messages": MESSAGES,
        "url": raw.url,
        "headers": raw.headers,
        "body": raw.body.decode(),
        "stream_headers": raw_stream.headers,
        "stream_body": raw_stream.body.decode(),
        "stream_chunks": chunks,
        "calls": calls,
        "blocks": blocks,
        "streams": streams,
    }
    env = {k: v for k, v in child_environment().items() if k != "PYTHONPATH"}
    output = subprocess.run(
        [str(python), "-P", str(REPO_ROOT / "bench" / "anchor_child.py")],
        cwd=CACHE_DIR,
        env=env,
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(output.strip().splitlines()[-1])
    return {
        kind: {name: Samples(runs["wall"], runs["cpu"]) for name, runs in found[kind].items()}
        for kind in ("sync", "stream")
    }
