"""The portkey-ai anchor's sync calls and streams, measured in its own venv and process.

Run by ``bench.anchors.measure_portkey_ai`` as ``<venv python> -P bench/anchor_child.py`` (``-P``:
this directory is not put on ``sys.path``, so nothing here shadows what the anchor imports),
with the work to do as JSON on stdin::

    {"base_url", "portkey_key", "provider_key", "model", "messages", "url", "headers", "body",
     "stream_headers", "stream_body", "stream_chunks", "calls", "blocks", "streams"}

It imports only the standard library, requests and PyPI's ``portkey_ai``, and interleaves the
anchor with the same raw requests baseline as the main benchmark (``session.post`` with this
SDK's headers and body; for streams ``iter_lines`` and ``json.loads``), block by block. It
prints one JSON line: per-block wall and CPU seconds per call (or per stream) of each run.
"""

import json
import sys
import time
from typing import Any, Callable, Dict, List


def interleave(runs: Dict[str, Callable[[int], None]], per_block: int, blocks: int) -> Any:
    """Per-block wall and CPU seconds per unit of each run, the order rotated every block."""
    names = list(runs)
    samples: Dict[str, Dict[str, List[float]]] = {n: {"wall": [], "cpu": []} for n in names}
    for block in range(blocks):
        shift = block % len(names)
        for name in names[shift:] + names[:shift]:
            cpu, wall = time.process_time(), time.perf_counter()
            runs[name](per_block)
            samples[name]["wall"].append((time.perf_counter() - wall) / per_block)
            samples[name]["cpu"].append(max(time.process_time() - cpu, 1e-9) / per_block)
    return samples


def main() -> None:
    """Measure, print the JSON line."""
    job = json.loads(sys.stdin.read())
    import requests

    from portkey_ai import Portkey

    client = Portkey(
        api_key=job["portkey_key"],
        base_url=job["base_url"],
        provider="openai",
        Authorization="Bearer " + job["provider_key"],
    )
    session = requests.Session()
    model, messages, chunks = job["model"], job["messages"], job["stream_chunks"]

    def anchor_sync(n: int) -> None:
        for _ in range(n):
            answer = client.chat.completions.create(model=model, messages=messages)
            assert answer.choices[0].message.content

    def raw_sync(n: int) -> None:
        for _ in range(n):
            payload = json.loads(job["body"])  # encoded per call, as the main raw run does
            response = session.post(
                job["url"], data=json.dumps(payload).encode(), headers=job["headers"], timeout=600
            )
            response.raise_for_status()
            json.loads(response.content)

    def anchor_stream(n: int) -> None:
        for _ in range(n):
            counted = sum(
                1
                for _ in client.chat.completions.create(model=model, messages=messages, stream=True)
            )
            assert counted == chunks, counted

    def raw_stream(n: int) -> None:
        for _ in range(n):
            counted = 0
            with session.post(
                job["url"],
                data=job["stream_body"].encode(),
                headers=job["stream_headers"],
                timeout=600,
                stream=True,
            ) as response:
                response.raise_for_status()
                for line in response.iter_lines():
                    if line.startswith(b"data: ") and line != b"data: [DONE]":
                        json.loads(line[6:])
                        counted += 1
            assert counted == chunks, counted

    sync_runs = {"portkey-ai": anchor_sync, "raw": raw_sync}
    stream_runs = {"portkey-ai": anchor_stream, "raw": raw_stream}
    for run in (*sync_runs.values(), *stream_runs.values()):
        run(2)  # warm-up
    blocks = job["blocks"]
    result = {
        "sync": interleave(sync_runs, max(1, job["calls"] // blocks), blocks),
        "stream": interleave(stream_runs, 1, job["streams"]),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
