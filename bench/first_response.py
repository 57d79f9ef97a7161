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
from pathlib import Path
from typing import Dict, Mapping, Tuple

from portkey import Config

from .harness import CACHE_DIR, REPO_ROOT, Samples, child_environment, rotated
from .venvs import python_of
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
    # Anchor, not the SDK: raw requests plus pydantic validating the answer into one small
    # model, the least any pydantic-based SDK loads (pydantic itself and one model build).
    "pydantic_floor": """
import json, sys
ARGS = json.loads(sys.argv[1])
import requests
from pydantic import BaseModel
class Answer(BaseModel):
    choices: list
response = requests.post(
    ARGS["url"], data=ARGS["body"].encode(), headers=ARGS["headers"], timeout=600
)
response.raise_for_status()
assert Answer.model_validate_json(response.content).choices
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


#: The reference SDK (PyPI portkey-ai 2.3), run in its own venv (see ``venvs.py``).
PORTKEY_AI_SCRIPT = """
import json, sys
ARGS = json.loads(sys.argv[1])
from portkey_ai import Portkey
client = Portkey(
    api_key=ARGS["portkey_key"],
    base_url=ARGS["base_url"],
    provider="openai",
    Authorization="Bearer " + ARGS["provider_key"],
)
answer = client.chat.completions.create(model=ARGS["model"], messages=ARGS["messages"])
assert answer.choices[0].message.content
"""


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


def run_child(
    script: str, argument: str, env: Mapping[str, str], python: str, cwd: Path
) -> Tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh interpreter running ``script``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [python, "-c", script, argument],
        cwd=cwd,
        env=dict(env),
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def interpreter() -> Tuple[str, str]:
    """The Python the children run, and what it is: the bench's clean runtime venv when it
    exists (see ``venvs.py``), else the one running the benchmark."""
    python = python_of("runtime")
    if python is not None:
        return str(python), "bench/.cache/venv-runtime (requests, pydantic, aiohttp, tenacity)"
    return sys.executable, f"the benchmark's own ({sys.prefix})"


def measure_first_response(
    base_url: str, config: Config, runs: int, with_anchors: bool = False
) -> Dict[str, Samples]:
    """Wall and CPU seconds of ``runs`` fresh processes per script, rounds interleaved.

    With ``with_anchors`` and the ``portkey-ai`` venv made, PyPI's portkey-ai runs too (in its
    own venv, outside this repo, so that its ``portkey_ai`` is the one imported)."""
    argument = arguments(base_url, config)
    env = child_environment()
    python, _ = interpreter()
    children: Dict[str, Tuple[str, str, Mapping[str, str], Path]] = {
        name: (script, python, env, REPO_ROOT) for name, script in SCRIPTS.items()
    }
    anchor = python_of("portkey-ai") if with_anchors else None
    if anchor is not None:
        anchor_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
        children["portkey-ai"] = (PORTKEY_AI_SCRIPT, str(anchor), anchor_env, CACHE_DIR)
    names = list(children)
    for name in names:  # unrecorded: writes the byte-code caches, warms the file cache
        script, child_python, child_env, cwd = children[name]
        run_child(script, argument, child_env, child_python, cwd)
    results = {name: Samples() for name in names}
    for run in range(runs):
        for name in rotated(names, run):
            script, child_python, child_env, cwd = children[name]
            wall, cpu = run_child(script, argument, child_env, child_python, cwd)
            results[name].add(wall, cpu, 1)
    return results
