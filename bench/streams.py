"""Streaming: chunks per second consuming one long SSE stream, SDK against a raw line loop.

The raw baseline posts with ``session.post(..., stream=True)`` on a kept ``requests.Session``,
then runs ``for line in response.iter_lines():`` (requests' default 512-byte reads), and for
each line starting with ``data: `` other than ``data: [DONE]`` calls ``json.loads`` on the rest
and counts it, reading the body to its end. The SDK side iterates the ``Stream`` of typed
chunks it returns (SSE decoding, pydantic validation, error-event and end-marker checks).
"""

import json
import time
from typing import Dict, Mapping, Optional

import requests

import portkey
from portkey import Config, Portkey

from .harness import Samples, SyncRun, interleave
from .workload import MESSAGES, RawRequest, client_params, configure_module


def _count(expected: int, counted: int, who: str) -> None:
    if counted != expected:
        raise RuntimeError(f"{who} read {counted} chunks; the server sent {expected}")


def stream_runs(
    base_url: str, config: Config, session: requests.Session, chunks: int
) -> Dict[str, SyncRun]:
    """The compared runs (``module``, ``client``, ``raw``); ``n`` is a number of streams."""
    configure_module(base_url, config)
    client = Portkey(**client_params(base_url, config))
    raw = RawRequest(base_url, config, stream=True)

    def module_run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            counted = 0
            with portkey.ChatCompletions.create(messages=MESSAGES, stream=True) as stream:
                for _chunk in stream:
                    counted += 1
            _count(chunks, counted, "module style")
        return time.perf_counter() - start

    def client_run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            counted = 0
            with client.chat.completions.create(messages=MESSAGES, stream=True) as stream:
                for _chunk in stream:
                    counted += 1
            _count(chunks, counted, "client style")
        return time.perf_counter() - start

    def raw_run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            counted = 0
            with session.post(
                raw.url, data=raw.encode(), headers=raw.headers, timeout=raw.timeout, stream=True
            ) as response:
                response.raise_for_status()
                for line in response.iter_lines():
                    if line.startswith(b"data: ") and line != b"data: [DONE]":
                        json.loads(line[6:])
                        counted += 1
            _count(chunks, counted, "raw loop")
        return time.perf_counter() - start

    return {"module": module_run, "client": client_run, "raw": raw_run}


def measure_streams(
    base_url: str,
    config: Config,
    *,
    streams: int,
    chunks: int,
    extra: Optional[Mapping[str, SyncRun]] = None,
) -> Dict[str, Samples]:
    """Chunks per second (of wall-clock and of CPU time) of each run, one figure per stream
    (runs interleaved stream by stream, after one warm-up stream each)."""
    with requests.Session() as session:
        runs = {**stream_runs(base_url, config, session, chunks), **(extra or {})}
        for run in runs.values():
            run(1)
        seconds = interleave(runs, streams, streams)
    return {
        name: Samples([chunks / s for s in values.wall], [chunks / s for s in values.cpu])
        for name, values in seconds.items()
    }
