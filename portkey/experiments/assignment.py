"""Who chooses the target of each call: the gateway, or a seeded draw made here.

``assignment="gateway"`` sends the config as it is; the gateway's loadbalance draws a target per
call with its own unseeded random number, so per-target counts differ from run to run (they
follow the weights only on average).

``assignment="seeded"`` draws each prompt's target here, from the config's weights, with a
random generator seeded by ``(seed, prompt id)``; the call is then sent with the same config
whose weights are one-hot (the drawn target 1, the others 0). The gateway's own loadbalance then
has only one choice, the call still goes through the gateway's full target handling (its retry,
cache, override_params, nested targets), and the gateway's response header still names the
target that served it -- a check that the assignment was honoured. Because the draw depends only
on the seed and the prompt's id, the same batch gets the same split on any executor, in any
order, in any process: a run on a Dask cluster and a run in one process count the same calls
per target.
"""

import copy
import random
from typing import Any, Dict, List, Mapping, Sequence, Union

from ..api_resources.config import Config, Modes, config_from_mapping
from ..api_resources.exceptions import InvalidRequestError

__all__ = ["ASSIGNMENTS", "assign_target", "pinned_configs", "target_weights"]

ASSIGNMENTS = ("gateway", "seeded")
ConfigLike = Union[Config, Mapping[str, Any], str]
_BALANCED = ("loadbalance", "ab_test")


def _gateway_json(config: ConfigLike) -> Dict[str, Any]:
    if isinstance(config, str):
        raise InvalidRequestError(
            "assignment='seeded' needs the config itself, not a saved config's slug: the "
            "runner must read its targets and weights",
            field="config",
        )
    parsed = config if isinstance(config, Config) else config_from_mapping(config)
    return parsed.to_gateway_config() if isinstance(parsed, Config) else dict(parsed)


def target_weights(config: ConfigLike) -> List[float]:
    """The loadbalance weights of the config's top-level targets (a missing weight is 1, as
    the gateway reads it). Raises when the config does not balance over targets."""
    gateway = _gateway_json(config)
    mode = (gateway.get("strategy") or {}).get("mode")
    targets = gateway.get("targets") or []
    if mode not in _BALANCED or len(targets) < 2:
        raise InvalidRequestError(
            "assignment='seeded' splits calls between targets: give a loadbalance or ab_test "
            f"config with two or more targets (this one is {mode!r} with {len(targets)})",
            field="config",
        )
    weights = [float(t.get("weight", 1.0) if t.get("weight") is not None else 1.0) for t in targets]
    if any(weight < 0 for weight in weights) or not any(weights):
        raise InvalidRequestError("target weights must be >= 0, one at least > 0", field="weight")
    return weights


def assign_target(weights: Sequence[float], seed: int, item_id: str) -> int:
    """The target for the prompt ``item_id``: a weighted draw seeded by ``(seed, item_id)``.

    Seeding with a string hashes it with SHA-512 (not Python's per-process ``hash``), so the
    draw is the same in every process and Python version.
    """
    draw = random.Random(f"portkey-experiment:{seed}:{item_id}").random() * sum(weights)
    for index, weight in enumerate(weights):
        if draw < weight:
            return index
        draw -= weight
    return max(index for index, weight in enumerate(weights) if weight > 0)


def pinned_configs(config: ConfigLike) -> List[Union[Config, Dict[str, Any]]]:
    """One config per target: the same config as a loadbalance whose weights are one-hot."""
    count = len(target_weights(config))
    if isinstance(config, Config):
        return [_pin_config(config, chosen) for chosen in range(count)]
    if isinstance(config, str):
        raise TypeError("a config slug has no targets to pin")  # target_weights refused it
    parsed = config_from_mapping(config)
    if isinstance(parsed, Config):
        return [_pin_config(parsed, chosen) for chosen in range(count)]
    pinned: List[Union[Config, Dict[str, Any]]] = []
    for chosen in range(count):
        copied = copy.deepcopy(dict(parsed))
        copied["strategy"] = {**copied.get("strategy", {}), "mode": "loadbalance"}
        for index, target in enumerate(copied["targets"]):
            target["weight"] = 1.0 if index == chosen else 0.0
        pinned.append(copied)
    return pinned


def _pin_config(config: Config, chosen: int) -> Config:
    llms = [
        llm.model_copy(update={"weight": 1.0 if index == chosen else 0.0})
        for index, llm in enumerate(config.llms)
    ]
    return Config(
        api_key=config.api_key, base_url=config.base_url, mode=Modes.LOADBALANCE, llms=llms
    )
