"""Process start to first response: a short script's whole life, SDK against raw ``requests``.

Each figure is one fresh interpreter that imports what it needs, builds what a user builds
(``Config``, a ``Portkey`` client or the module globals), makes one chat call to the loopback
server and exits. The raw script imports ``requests`` and posts the same body with the same
headers, then ``json.loads`` the answer. Runs alternate (module, client, raw, rotated each
round) after one unrecorded round; a ratio is the median over rounds of the SDK figure over
the raw figure of the same round. Wall time is what a CLI user or a serverless cold start
waits; CPU time (user + system of the child) is what the interpreter did, much less disturbed
by other processes on a shared machine.

Byte-code caches: an installed package has them (pip compiles on install), so the children run
with ``PYTHONPYCACHEPREFIX`` set to the bench's cache directory and byte-code writing allowed,
whatever the calling environment says (``PYTHONDONTWRITEBYTECODE`` would make every child
compile this repo's modules from source, a cost no installed SDK pays).
"""

import json
import resource
import subprocess
import sys
import time
from typing import Dict, Mapping, Tuple

from portkey import Config

from .harness import REPO_ROOT, Samples, child_environment, rotated
from .workload import MESSAGES, MODEL, PORTKEY_KEY, PROVIDER_KEY, RawRequest

#: What each child runs; ``ARGS`` is the JSON document of ``arguments()`` (argv[1]).
SCRIPTS: Dict[str, str] = {
    "module": """
import json, sys
ARGS = json.loads(sys.argv[1])
import portkey
portkey.api_key = ARGS["portkey_key"]
portkey.base_url = ARGS["base_url"]
portkey.config = portkey.Config(
    mode="single",
    llms=[portkey.LLMOptions(provider="openai", api_key=ARGS["provider_key"],
                             model=ARGS["model"], temperature=0.2)],
)
answer = portkey.ChatCompletions.create(messages=ARGS["messages"])
assert answer.choices[0].message.content
""",
    "client": """
import json, sys
ARGS = json.loads(sys.argv[1])
import portkey
client = portkey.Portkey(
    api_key=ARGS["portkey_key"],
    base_url=ARGS["base_url"],
    config=portkey.Config(
        mode="single",
        llms=[portkey.LLMOptions(provider="openai", api_key=ARGS["provider_key"],
                                 model=ARGS["model"], temperature=0.2)],
    ),
)
answer = client.chat.completions.create(messages=ARGS["messages"])
assert answer.choices[0].message.content
""",
    "raw": """
import json, sys
ARGS = json.loads(sys.argv[1])
import requests
response = requests.post(
    ARGS["url"], data=ARGS["body"].encode(), headers=ARGS["headers"], timeout=600
)
response.raise_for_status()
assert json.loads(response.content)["choices"][0]["message"]["content"]
""",
}


def arguments(base_url: str, config: Config) -> str:
    """What every child needs, as one JSON argument (the raw script gets the SDK's bytes)."""
    raw = RawRequest(base_url, config)
    return json.dumps(
        {
            "base_url": base_url,
            "portkey_key": PORTKEY_KEY,
            "provider_key": PROVIDER_KEY,
            "model": MODEL,
            "messages": MESSAGES,
            "url": raw.url,
            "headers": raw.headers,
            "body": raw.body.decode(),
        }
    )


def run_child(script: str, argument: str, env: Mapping[str, str]) -> Tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh interpreter running ``script``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", script, argument],
        cwd=REPO_ROOT,
        env=dict(env),
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure_first_response(base_url: str, config: Config, runs: int) -> Dict[str, Samples]:
    """Wall and CPU seconds of ``runs`` fresh processes per script, rounds interleaved."""
    argument = arguments(base_url, config)
    env = child_environment()
    names = list(SCRIPTS)
    for name in names:  # unrecorded: writes the byte-code caches, warms the file cache
        run_child(SCRIPTS[name], argument, env)
    results = {name: Samples() for name in names}
    for run in range(runs):
        for name in rotated(names, run):
            wall, cpu = run_child(SCRIPTS[name], argument, env)
            results[name].add(wall, cpu, 1)
    return results
