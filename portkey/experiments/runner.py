"""``run_experiment``: a dataset of prompts through a config, concurrently, recorded as it goes.

    from portkey.experiments import run_experiment

    result = run_experiment(prompts, config=ab_config, base_url="http://127.0.0.1:8787/v1",
                            results_path="runs/ab.jsonl")
    result.summary()

Calls run on an executor: a thread pool by default (it works inside Jupyter's running event
loop), or any ``concurrent.futures.Executor`` (a process pool, or a Dask cluster's through
``distributed.Client``). At most ``concurrency`` calls are in flight; each finished call is
appended to ``results_path`` at once, so an interrupted run resumes where it stopped.
"""

import concurrent.futures as cf
import hashlib
import json
import sys
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    TextIO,
    Union,
    cast,
)

from .._console import progress_bar
from ..api_resources.client import Portkey
from ..api_resources.config import Config
from ..api_resources.exceptions import InvalidRequestError
from .assignment import ASSIGNMENTS, ConfigLike, assign_target, pinned_configs, target_weights
from .dataset import DatasetItem, load_dataset
from .records import CallRecord, ResultsFile
from .result import ExperimentResult
from .threads import RunThreads
from .worker import Job, run_job

__all__ = ["run_experiment"]


def run_experiment(
    dataset: Iterable[Any],
    config: ConfigLike,
    *,
    base_url: Optional[str] = None,
    client_params: Optional[Mapping[str, Any]] = None,
    executor: Any = None,
    concurrency: int = 8,
    results_path: Optional[str] = None,
    assignment: str = "gateway",
    seed: int = 0,
    stream: bool = False,
    labels: Optional[Sequence[str]] = None,
    progress: bool = True,
    progress_stream: Optional[TextIO] = None,
    **params: Any,
) -> ExperimentResult:
    """Send every prompt of ``dataset`` through ``config``; one :class:`CallRecord` per prompt.

    * ``dataset``: strings, message lists, or dicts with ``prompt``/``messages`` and optional
      ``id``, ``params``, ``expected`` (see :mod:`portkey.experiments.dataset`).
    * ``config``: the routing config (``Config``, dict or slug) -- typically a ``loadbalance``
      or ``ab_test`` over the targets to compare.
    * ``base_url`` and ``client_params``: how to reach the gateway -- any ``Portkey(...)``
      parameter (``api_key``, ``max_retries``, ``timeout``, ...). Each worker builds its own
      client from them.
    * ``executor``: None (a thread pool of ``concurrency`` threads), any
      ``concurrent.futures.Executor``, or a Dask ``distributed.Client``.
    * ``concurrency``: calls in flight at once (with any executor).
    * ``results_path``: a JSONL file each finished call is appended to. If it already holds
      results of this experiment, those prompts are not sent again.
    * ``assignment``: ``"gateway"`` (the gateway's loadbalance picks each target) or
      ``"seeded"`` (targets drawn here from the weights, seeded by ``seed`` and each prompt's
      id, so the split is reproducible; see :mod:`portkey.experiments.assignment`).
    * ``stream``: stream each answer, which also measures the time to first token.
    * ``labels``: names for the targets in tables and plots (default ``target 0``, ...).
    * ``params``: sent with every call (``model``, ``max_tokens``, ``temperature``, ...); an
      item's own ``params`` win.

    Bad input raises :class:`InvalidRequestError` before anything is sent. A failed call is
    a record with ``ok`` False. On Ctrl-C (or any error) no more calls start; those in flight
    are waited for and recorded, then the exception propagates.
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise InvalidRequestError(
            f"concurrency must be an int of 1 or more; got {concurrency!r}", field="concurrency"
        )
    if assignment not in ASSIGNMENTS:
        raise InvalidRequestError(
            f"assignment must be one of {ASSIGNMENTS}; got {assignment!r}", field="assignment"
        )
    if labels is not None and (
        isinstance(labels, str)
        or not all(isinstance(label, str) and label for label in labels)
        or len(set(labels)) != len(labels)
    ):
        raise InvalidRequestError(
            f"labels must be distinct non-empty strings, one per target; got {labels!r}",
            field="labels",
        )
    items = load_dataset(dataset)
    settings = _client_settings(config, base_url, client_params)
    Portkey(**settings).close()  # rejects misspelt or invalid client parameters now
    external = _as_executor(executor) if executor is not None else None
    plan = _plan(items, config, settings, assignment, seed, stream, params)
    experiment = {
        "fingerprint": _fingerprint(config, assignment, seed, stream, params),
        "assignment": assignment,
        "seed": seed,
        "stream": stream,
    }
    store = ResultsFile(results_path, experiment) if results_path is not None else None
    done: Dict[str, CallRecord] = {}
    if store is not None:
        known = {item.id for item in items}
        for record in store.open():
            if record.id not in known:
                store.close()
                raise InvalidRequestError(
                    f"{results_path} has a result for prompt id {record.id!r}, which is not in "
                    "this dataset; use a new results_path for a different dataset",
                    field="results_path",
                )
            done[record.id] = record
    try:
        pending = [job for job in plan if job.id not in done]
        bar = (
            progress_bar(len(plan), progress_stream or sys.stderr, initial=len(done))
            if progress
            else None
        )

        def keep(record: CallRecord) -> None:
            if record.id in done:
                return  # handed over twice when an interruption hit mid-way: written once
            if store is not None:
                store.append(record)
            done[record.id] = record
            if bar is not None:
                bar.update(1)

        try:
            _execute(pending, external, concurrency, keep)
        finally:
            if bar is not None:
                bar.close()
    finally:
        if store is not None:
            store.close()
    records = [done[item.id] for item in items]
    names = list(labels) if labels is not None else None
    return ExperimentResult(records, labels=names, experiment=experiment)


def _client_settings(
    config: ConfigLike, base_url: Optional[str], client_params: Optional[Mapping[str, Any]]
) -> Dict[str, Any]:
    settings = dict(client_params or {})
    if "config" in settings:
        raise InvalidRequestError(
            "give the config as run_experiment(config=...), not in client_params",
            field="client_params",
        )
    if base_url is not None:
        settings["base_url"] = base_url
    settings["config"] = config
    return settings


def _plan(
    items: List[DatasetItem],
    config: ConfigLike,
    settings: Dict[str, Any],
    assignment: str,
    seed: int,
    stream: bool,
    params: Mapping[str, Any],
) -> List[Job]:
    configs: List[Union[ConfigLike, Dict[str, Any]]] = [config]
    weights: List[float] = []
    if assignment == "seeded":
        weights = target_weights(config)
        configs = list(pinned_configs(config))
    settings_key = _digest({**settings, "config": _routing(config)})
    jobs = []
    for item in items:
        chosen = assign_target(weights, seed, item.id) if weights else None
        client_params = {**settings, "config": configs[chosen or 0]}
        jobs.append(
            Job(
                id=item.id,
                index=item.index,
                prompt=item.prompt_text,
                messages=item.messages,
                params={**params, **item.params},
                stream=stream,
                client_key=f"{settings_key}:{chosen}",
                client_params=client_params,
                assigned_target=chosen,
                expected=item.expected,
            )
        )
    return jobs


def _fingerprint(
    config: ConfigLike,
    assignment: str,
    seed: int,
    stream: bool,
    params: Mapping[str, Any],
) -> str:
    """What makes two runs the same experiment: config, parameters, assignment and seed (not
    the gateway's address: the same experiment may be resumed through another gateway)."""
    described = {
        "config": _routing(config),
        "assignment": assignment,
        "seed": seed if assignment == "seeded" else None,
        "stream": stream,
        "params": params,
    }
    return _digest(described)


def _routing(config: ConfigLike) -> Any:
    return config.to_gateway_config() if isinstance(config, Config) else config


def _digest(described: Mapping[str, Any]) -> str:
    canonical = json.dumps(described, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _as_executor(executor: Any) -> cf.Executor:
    """A ``concurrent.futures.Executor`` for ``executor`` (an Executor or a Dask Client)."""
    if isinstance(executor, cf.Executor):
        return executor
    get_executor = getattr(executor, "get_executor", None)
    if callable(get_executor) and hasattr(executor, "gather"):
        # A Dask distributed.Client. pure=False: two calls with equal arguments are still two
        # calls (Dask would otherwise run one and share its result).
        return cast(cf.Executor, get_executor(pure=False))
    raise InvalidRequestError(
        "executor must be a concurrent.futures.Executor or a Dask distributed.Client; got "
        f"{type(executor).__name__}",
        field="executor",
    )


def _execute(
    jobs: List[Job],
    executor: Optional[cf.Executor],
    concurrency: int,
    on_record: Callable[[CallRecord], None],
) -> None:
    """Run ``jobs`` with at most ``concurrency`` in flight; ``on_record`` gets each record as
    its call finishes."""
    if not jobs:
        return
    # Own threads share one client per settings; other executors (processes, Dask workers)
    # build theirs in the worker (see worker.py).
    clients: Dict[str, Portkey] = {}
    if executor is None:
        for job in jobs:
            if job.client_key not in clients:
                clients[job.client_key] = Portkey(**job.client_params)
        pool: cf.Executor = RunThreads(min(concurrency, len(jobs)), clients.values())
    else:
        pool = executor

    def submit(job: Job) -> "cf.Future[Dict[str, Any]]":
        if clients:
            return pool.submit(run_job, job, clients[job.client_key])
        return pool.submit(run_job, job)

    queue = iter(jobs)
    in_flight: Set[cf.Future[Dict[str, Any]]] = set()
    unrecorded: Set[cf.Future[Dict[str, Any]]] = set()  # finished, not yet handed over
    try:
        for job in queue:
            in_flight.add(submit(job))
            if len(in_flight) >= concurrency:
                break
        while in_flight:
            unrecorded, in_flight = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            for future in list(unrecorded):
                # Record before submitting more: a failing submit must not lose this result.
                on_record(CallRecord.from_dict(future.result()))
                unrecorded.discard(future)
                next_job = next(queue, None)
                if next_job is not None:
                    in_flight.add(submit(next_job))
    except BaseException:
        # Interrupted (Ctrl-C, a worker or file error): start nothing more, and keep the
        # calls already finished or running -- they are finished work.
        running = {future for future in in_flight if not future.cancel()}
        for future in unrecorded | cf.wait(running).done:
            if future.cancelled() or future.exception() is not None:
                continue
            try:
                on_record(CallRecord.from_dict(future.result()))
            except Exception:
                break  # recording itself fails (e.g. the disk is full): the first error wins
        raise
    finally:
        if executor is None:
            pool.shutdown(wait=True)
