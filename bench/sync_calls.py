"""Sequential sync calls: module style and client style against a pooled ``requests.Session``.

The raw baseline is ``session.post(url, data=json.dumps(body).encode(), headers=headers,
timeout=600)`` on one ``requests.Session`` kept for the whole run, then ``raise_for_status()``
and ``json.loads`` of the answer into plain dicts: the same headers and body bytes the SDK
sends. The SDK calls return typed, validated response objects.
"""

from typing import Dict, Mapping, Optional

import requests

import portkey
from portkey import Config, Portkey

from .harness import Samples, SyncRun, interleave, timed
from .workload import MESSAGES, RawRequest, client_params, configure_module, decode


def sync_runs(base_url: str, config: Config, session: requests.Session) -> Dict[str, SyncRun]:
    """The compared runs: ``module``, ``client`` and ``raw``."""
    configure_module(base_url, config)
    client = Portkey(**client_params(base_url, config))
    raw = RawRequest(base_url, config)

    def module_call() -> None:
        portkey.ChatCompletions.create(messages=MESSAGES)

    def client_call() -> None:
        client.chat.completions.create(messages=MESSAGES)

    def raw_call() -> None:
        response = session.post(
            raw.url, data=raw.encode(), headers=raw.headers, timeout=raw.timeout
        )
        response.raise_for_status()
        decode(response.content)

    answer = client.chat.completions.create(messages=MESSAGES)
    assert answer.choices[0].message.content, "the bench server answered nothing"
    return {"module": timed(module_call), "client": timed(client_call), "raw": timed(raw_call)}


def measure_sync(
    base_url: str,
    config: Config,
    *,
    calls: int,
    blocks: int,
    warmup: int,
    extra: Optional[Mapping[str, SyncRun]] = None,
) -> Dict[str, Samples]:
    """Seconds per call of each run, one figure per block, after ``warmup`` calls each."""
    with requests.Session() as session:
        runs = {**sync_runs(base_url, config, session), **(extra or {})}
        for run in runs.values():
            run(warmup)
        return interleave(runs, calls, blocks)
