"""Child process of the RSS measurement: make N calls in one style, print the peak RSS.

``python -m bench.rss_child --variant module|client|raw --url URL --calls N`` prints one JSON
line ``{"peak_rss_mb": ...}``: the peak RSS of this fresh process after the calls. The raw
variant reads the request to send (``{"url", "headers", "body"}``) as JSON on stdin, so that
it imports requests and nothing of the SDK.
"""

import argparse
import json
import resource
import sys
from typing import Any, Callable, Dict, List, Optional


def _raw_call(request: Dict[str, Any]) -> Callable[[], object]:
    # Only requests and json here: the raw child must not load the SDK it is compared with.
    import requests

    session = requests.Session()
    url, headers, body = request["url"], request["headers"], request["body"].encode()

    def raw_call() -> object:
        response = session.post(url, data=body, headers=headers, timeout=600)
        response.raise_for_status()
        return json.loads(response.content)

    return raw_call


def _floor_call(request: Dict[str, Any]) -> Callable[[], object]:
    # The least a pydantic-based SDK loads: raw requests, then pydantic and one small model.
    from pydantic import BaseModel

    class Answer(BaseModel):
        choices: List[Any]

    raw_call = _raw_call(request)

    def floor_call() -> object:
        return Answer.model_validate(raw_call())

    return floor_call


def _call(variant: str, base_url: str) -> Callable[[], object]:
    if variant == "raw":
        return _raw_call(json.loads(sys.stdin.read()))
    if variant == "pydantic_floor":
        return _floor_call(json.loads(sys.stdin.read()))
    import portkey

    from .workload import MESSAGES, bench_config, client_params, configure_module

    config = bench_config()

    if variant == "module":
        configure_module(base_url, config)
        return lambda: portkey.ChatCompletions.create(messages=MESSAGES)
    client = portkey.Portkey(**client_params(base_url, config))
    return lambda: client.chat.completions.create(messages=MESSAGES)


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB.

    On Linux ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` would not do, since Linux
    carries it over from the process that forked this one (the benchmark, already large).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: Optional[List[str]] = None) -> None:
    """Make the calls, then print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--variant", choices=("module", "client", "raw", "pydantic_floor"), required=True
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args(argv)
    call = _call(args.variant, args.url)
    for _ in range(args.calls):
        call()
    print(json.dumps({"peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
