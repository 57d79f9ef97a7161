"""Experiments: A/B tests of configs, from a notebook on one laptop to a Dask cluster.

    from portkey.experiments import run_experiment, Price

    result = run_experiment(prompts, config=ab_config, base_url=gateway_url,
                            results_path="runs/ab.jsonl", model="gpt-4o-mini")
    summary = result.summary(score="contains", prices={"target 0": Price(0.15, 0.6)})
    summary           # per target: success [95 % CI], p50/p95 latency [CI], tokens, cost, score
    summary.verdict   # e.g. "Latency: target 1 is slower than target 0 (...; p < 0.001)."
    result.plot()     # latency, success and score, cost vs quality (the ``notebook`` extra)

Not imported by ``import portkey`` (a layer-6 tool; see docs/architecture.md). pandas, tqdm and
matplotlib are used when installed (``pip install 'portkey-gateway-sdk[notebook]'``); Dask with the
``dask`` extra.
"""

from .assignment import assign_target
from .dataset import DatasetItem, load_dataset
from .extras import MissingExtraError
from .records import CallRecord, read_results
from .result import ExperimentResult, load_results
from .runner import run_experiment
from .stats import Interval
from .summary import Finding, Price, Summary, TargetSummary, summarize

__all__ = [
    "CallRecord",
    "DatasetItem",
    "ExperimentResult",
    "Finding",
    "Interval",
    "MissingExtraError",
    "Price",
    "Summary",
    "TargetSummary",
    "assign_target",
    "load_dataset",
    "load_results",
    "read_results",
    "run_experiment",
    "summarize",
]
