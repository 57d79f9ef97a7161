"""End to end through the real gateway: what the hop costs, and that the SDK adds nothing to it.

Three runs of sequential sync calls, interleaved block by block:

* ``sdk_via_gateway``: ``Portkey(base_url=<gateway>, config={provider, api_key, custom_host:
  <bench server>})`` and ``chat.completions.create``: SDK -> gateway -> stand-in;
* ``raw_via_gateway``: a kept ``requests.Session`` posting the SDK's own headers and body to
  the gateway (encoded per call, ``json.loads`` of the answer): raw -> gateway -> stand-in;
* ``raw_direct``: the same raw call straight to the stand-in (the bench server), no gateway.

``sdk_via_gateway / raw_via_gateway`` is what the SDK adds to a call through the gateway;
``raw_via_gateway / raw_direct`` is what the gateway hop costs. The gateway is the pinned
open-source one in ``node_modules`` (``portkey.local.gateway``), started for the measurement and
stopped after; without node or the gateway the row is skipped with a note.
"""

import json
import time
from typing import Any, Dict, Optional, Tuple

import requests

from portkey import Portkey
from portkey.local.gateway import GatewayStartError, LocalGateway

from .harness import REPO_ROOT, Samples, interleave, timed
from .workload import MESSAGES, MODEL, PATH, PORTKEY_KEY, PROVIDER_KEY, decode


def _raw_call(session: requests.Session, url: str, headers: Dict[str, str], payload: Any) -> Any:
    def call() -> None:
        response = session.post(
            url,
            data=json.dumps(payload, separators=(",", ":")).encode(),
            headers=headers,
            timeout=600,
        )
        response.raise_for_status()
        decode(response.content)

    return call


def measure_gateway_hop(
    stand_in_url: str, *, calls: int, blocks: int, warmup: int
) -> Tuple[Optional[Dict[str, Samples]], str]:
    """Seconds per call of the three runs, and a note (why it was skipped, or the gateway)."""
    gateway = LocalGateway(install_dir=REPO_ROOT)
    try:
        gateway.start()
    except (GatewayStartError, OSError) as exc:
        return None, f"skipped: the local gateway did not start ({exc})"
    try:
        config = {"provider": "openai", "api_key": PROVIDER_KEY, "custom_host": stand_in_url}
        client = Portkey(api_key=PORTKEY_KEY, base_url=gateway.base_url, config=config)
        payload = {"messages": MESSAGES, "model": MODEL}
        spec = client.build_spec("POST", PATH, body=payload)
        headers = dict(spec.headers)
        with requests.Session() as session:
            runs = {
                "sdk_via_gateway": timed(
                    lambda: client.chat.completions.create(messages=MESSAGES, model=MODEL)
                ),
                "raw_via_gateway": timed(_raw_call(session, spec.url, headers, payload)),
                "raw_direct": timed(_raw_call(session, stand_in_url + PATH, headers, payload)),
            }
            for run in runs.values():
                run(warmup)
            started = time.perf_counter()
            results = interleave(runs, calls, blocks)
        client.close()
        return results, f"gateway at {gateway.base_url}; {time.perf_counter() - started:.1f} s"
    finally:
        gateway.stop()
