"""The per-call cost of turning options and config into a request, with the config unchanged.

Module style: what every ``portkey.ChatCompletions.create`` does before its body is encoded:
read the globals, resolve the options (API key, base URL, config header, timeout, retries) and
build the request spec. Client style: ``build_spec`` on a client whose options were resolved
when it was built. Both without a body, so that body encoding (the call's own data, not
header work) is not counted. No request is sent.
"""

from typing import Dict

from portkey import Config, Portkey, legacy

from .harness import Samples, interleave, timed
from .workload import PATH, client_params, configure_module


def measure_prep(base_url: str, config: Config, *, loops: int, blocks: int) -> Dict[str, Samples]:
    """Seconds per preparation of each style, one figure per block."""
    configure_module(base_url, config)
    client = Portkey(**client_params(base_url, config))

    def module_prep() -> None:
        clients = legacy._clients(None)  # the globals compared, the default clients found
        clients.check_model({})
        clients.sync_client().build_spec("POST", PATH)

    def client_prep() -> None:
        client.build_spec("POST", PATH)

    runs = {"module": timed(module_prep), "client": timed(client_prep)}
    for run in runs.values():
        run(max(1, loops // 10))
    return interleave(runs, loops, blocks)
