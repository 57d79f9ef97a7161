"""Optional anchors (``--anchors``): other SDKs pointed at the same loopback server.

* ``openai`` (the current OpenAI SDK, on httpx), when it is installed: measured next to the
  SDK and raw runs, interleaved with them, so its ratios to the same raw baselines show where
  a widely used SDK sits. It sends its own headers (no ``x-portkey-*``), so it is a reference
  point, not a like-for-like comparison.
* ``portkey-ai`` from PyPI is not measured: it installs an import package ``portkey_ai``,
  the same name as this SDK's alias package, so both cannot live in one environment (see
  ``portkey/_vendor_check.py``). Measuring it would need a separate virtual environment and a
  second process; see ``bench/README.md``.
"""

import importlib
import importlib.util
import json
import time
from typing import Any, Awaitable, Callable, Dict, Optional

from .harness import SyncRun, timed
from .workload import MESSAGES, MODEL, PROVIDER_KEY

PORTKEY_AI_SKIPPED = (
    "not measured: PyPI's portkey-ai installs the import package portkey_ai, which clashes "
    "with this repo's portkey_ai alias package"
)


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
    return json.dumps({"openai": openai_version(), "portkey-ai": PORTKEY_AI_SKIPPED})
