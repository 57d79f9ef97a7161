"""run_experiment through the real gateway and the provider stand-in: what each call records,
streaming, failures, seeded assignment, the results file, resume after a kill, bad input."""

from __future__ import annotations

import concurrent.futures as cf
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

import pytest
from provider_stub import ProviderStub, cut_stream, slow, status

from portkey import Config, LLMOptions
from portkey.api_resources.exceptions import InvalidRequestError
from portkey.experiments import (
    CallRecord,
    ExperimentResult,
    assign_target,
    load_results,
    read_results,
    run_experiment,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


def target(stub: ProviderStub, name: str) -> Dict[str, Any]:
    return {"provider": "openai", "api_key": f"key-{name}", "custom_host": stub.host_for(name)}


def ab_config(stub: ProviderStub, weights: tuple = (0.5, 0.5)) -> Dict[str, Any]:
    return {
        "strategy": {"mode": "loadbalance"},
        "targets": [
            {**target(stub, "a"), "weight": weights[0]},
            {**target(stub, "b"), "weight": weights[1]},
        ],
    }


def run(gateway_url: str, dataset: Any, config: Any, **options: Any) -> ExperimentResult:
    options.setdefault("progress", False)
    options.setdefault("model", "m")
    return run_experiment(
        dataset, config, base_url=gateway_url, client_params={"max_retries": 0}, **options
    )


def served_by_stub(stub: ProviderStub) -> Dict[str, int]:
    return {name: len(stub.requests(name)) for name in ("a", "b")}


# --- what each call records -------------------------------------------------------------------


def test_each_call_records_target_latency_tokens_retries_cache_and_output(
    gateway_url: str, stub: ProviderStub
) -> None:
    prompts = [f"question {n}" for n in range(40)]

    result = run(gateway_url, prompts, ab_config(stub), concurrency=4)

    assert len(result) == 40
    assert [r.prompt for r in result.records] == prompts  # dataset order
    names = {0: "a", 1: "b"}
    for record in result.records:
        assert record.ok and record.status == 200 and record.error_type is None
        assert record.target in (0, 1)
        assert record.output == f"hello from {names[record.target]}"  # the header is the truth
        assert record.latency > 0 and record.ttft is None
        assert (record.prompt_tokens, record.completion_tokens, record.total_tokens) == (3, 3, 6)
        assert record.retries == 0
        assert record.cache_status  # the gateway's x-portkey-cache-status, e.g. DISABLED
        assert record.assigned_target is None  # the gateway chose
    counts = result.counts()
    assert counts == {
        label: n
        for label, n in (
            ("target 0", served_by_stub(stub)["a"]),
            ("target 1", served_by_stub(stub)["b"]),
        )
        if n
    }
    sent = sorted(r.json["messages"][0]["content"] for r in stub.requests())  # type: ignore[index]
    assert sent == sorted(prompts)


def test_streaming_records_time_to_first_token_and_usage(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.set_stream_chunks(4, delay=0.05)
    config = Config(
        mode="single",
        llms=[LLMOptions(provider="openai", api_key="k", custom_host=stub.host_for("a"))],
    )

    result = run(gateway_url, ["hi", "there", "again"], config, stream=True)

    for record in result.records:
        assert record.ok and record.target == 0
        assert record.output == "hello from a"
        assert record.ttft is not None and 0 < record.ttft <= record.latency
        assert record.total_tokens == 6
    assert all(r.json["stream"] for r in stub.requests("a"))  # type: ignore[index]


def test_a_failing_target_gives_failure_records_with_target_status_and_class(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.script("b", *[status(500)] * 100)

    result = run(gateway_url, [f"p{n}" for n in range(30)], ab_config(stub), assignment="seeded")

    failed = [r for r in result.records if not r.ok]
    assert len(failed) == len(stub.requests("b")) > 0
    for record in failed:
        assert (record.target, record.status, record.error_type) == (1, 500, "InternalServerError")
        assert record.output is None and "500" in (record.error or "")
    assert all(r.ok for r in result.records if r.target == 0)


def test_unreachable_gateway_gives_connection_error_records() -> None:
    from portkey.local.gateway import free_port

    result = run(f"http://127.0.0.1:{free_port()}/v1", ["a", "b"], "pc-unused")

    assert [r.error_type for r in result.records] == ["APIConnectionError"] * 2
    assert [r.target for r in result.records] == [None, None]
    assert result.counts() == {"unknown": 2}


def test_dataset_items_carry_ids_params_and_expected_answers(
    gateway_url: str, stub: ProviderStub
) -> None:
    dataset = [
        {"id": "capital", "prompt": "Capital of France?", "expected": "Paris"},
        {"messages": [{"role": "user", "content": "2+2?"}], "params": {"temperature": 0}},
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    ]
    config = {"strategy": {"mode": "single"}, "targets": [target(stub, "a")]}

    result = run(gateway_url, dataset, config, temperature=0.7)

    assert result.records[0].id == "capital" and result.records[0].expected == "Paris"
    assert result.records[1].id.startswith("p-") and result.records[2].id.startswith("p-")
    bodies = {r.json["messages"][-1]["content"]: r.json for r in stub.requests("a")}  # type: ignore[index]
    assert bodies["2+2?"]["temperature"] == 0  # the item's params win
    assert bodies["Capital of France?"]["temperature"] == 0.7
    assert bodies["Hi"]["messages"][0] == {"role": "system", "content": "Be brief."}


def test_progress_bar_counts_calls(gateway_url: str, stub: ProviderStub) -> None:
    config = {"strategy": {"mode": "single"}, "targets": [target(stub, "a")]}
    stream = io.StringIO()

    run(gateway_url, ["x", "y", "z"], config, progress=True, progress_stream=stream)

    assert "3/3" in stream.getvalue()


# --- seeded assignment ------------------------------------------------------------------------


def test_seeded_assignment_sends_each_prompt_to_its_drawn_target(
    gateway_url: str, stub: ProviderStub
) -> None:
    prompts = [{"id": f"q{n}", "prompt": f"question {n}"} for n in range(60)]
    config = Config(
        mode="ab_test",
        llms=[
            LLMOptions(provider="openai", api_key="ka", custom_host=stub.host_for("a"), weight=3),
            LLMOptions(provider="openai", api_key="kb", custom_host=stub.host_for("b"), weight=1),
        ],
    )

    result = run(gateway_url, prompts, config, assignment="seeded", seed=42, concurrency=6)

    expected = [assign_target([3.0, 1.0], 42, f"q{n}") for n in range(60)]
    assert [r.assigned_target for r in result.records] == expected
    assert [r.target for r in result.records] == expected  # the gateway served the drawn one
    assert served_by_stub(stub) == {"a": expected.count(0), "b": expected.count(1)}
    assert 0 < expected.count(1) < expected.count(0)  # weights 3:1
    other_seed = [assign_target([3.0, 1.0], 43, f"q{n}") for n in range(60)]
    assert other_seed != expected


def test_seeded_assignment_needs_a_balancing_config(stub: ProviderStub) -> None:
    single = {"strategy": {"mode": "single"}, "targets": [target(stub, "a")]}
    with pytest.raises(InvalidRequestError, match="loadbalance or ab_test config with two"):
        run_experiment(["x"], single, base_url=stub.url, assignment="seeded", progress=False)
    with pytest.raises(InvalidRequestError, match="not a saved config's slug"):
        run_experiment(["x"], "pc-abc", base_url=stub.url, assignment="seeded", progress=False)
    assert stub.requests() == []


# --- results file and resume ------------------------------------------------------------------


def test_results_file_gets_every_call_and_a_rerun_sends_nothing(
    gateway_url: str, stub: ProviderStub, tmp_path: Path
) -> None:
    path = tmp_path / "runs" / "ab.jsonl"
    prompts = [f"p{n}" for n in range(12)]

    first = run(gateway_url, prompts, ab_config(stub), results_path=str(path))
    sent = len(stub.requests())
    again = run(gateway_url, prompts, ab_config(stub), results_path=str(path))

    assert sent == 12 and len(stub.requests()) == 12  # the rerun sent nothing
    assert again.records == first.records
    header, records = read_results(path)
    assert header["version"] == 1 and len(header["fingerprint"]) == 64
    assert sorted(r.id for r in records) == sorted(r.id for r in first.records)
    assert load_results(path).counts() == first.counts()


def test_resume_drops_a_cut_off_line_and_runs_only_the_missing_prompts(
    gateway_url: str, stub: ProviderStub, tmp_path: Path
) -> None:
    path = tmp_path / "ab.jsonl"
    prompts = [f"p{n}" for n in range(10)]
    run(gateway_url, prompts, ab_config(stub), results_path=str(path))
    lines = path.read_text().splitlines(keepends=True)
    # Keep the header and 6 records, and half of the 7th line: a run killed mid-write.
    path.write_text("".join(lines[:7]) + lines[7][: len(lines[7]) // 2])
    stub.reset()

    result = run(gateway_url, prompts, ab_config(stub), results_path=str(path))

    assert len(stub.requests()) == 4
    _, records = read_results(path)
    assert Counter(r.id for r in records) == Counter(r.id for r in result.records)
    assert len(records) == 10
    assert path.read_text().endswith("\n")


def test_resume_refuses_a_file_of_another_experiment(
    gateway_url: str, stub: ProviderStub, tmp_path: Path
) -> None:
    path = tmp_path / "ab.jsonl"
    run(gateway_url, ["x", "y"], ab_config(stub), results_path=str(path))
    stub.reset()

    with pytest.raises(InvalidRequestError, match="different experiment"):
        run(gateway_url, ["x", "y"], ab_config(stub, (0.9, 0.1)), results_path=str(path))
    with pytest.raises(InvalidRequestError, match="not in this dataset"):
        run(gateway_url, ["x"], ab_config(stub), results_path=str(path))
    assert stub.requests() == []


def wait_until_quiet(stub: ProviderStub, quiet: float = 0.5) -> None:
    seen, since = len(stub.requests()), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.05)
        if len(stub.requests()) != seen:
            seen, since = len(stub.requests()), time.monotonic()


KILLABLE_RUN = """
import json, sys
from portkey.experiments import run_experiment
gateway_url, config_json, path = sys.argv[1:4]
config = json.loads(config_json)
run_experiment([f"prompt {n}" for n in range(40)], config, base_url=gateway_url,
               client_params={"max_retries": 0}, results_path=path, concurrency=3,
               progress=False, model="m")
"""


def test_a_run_killed_part_way_resumes_with_exactly_one_result_per_prompt(
    gateway_url: str, stub: ProviderStub, tmp_path: Path
) -> None:
    stub.script("a", *[slow(0.1)] * 200)
    stub.script("b", *[slow(0.1)] * 200)
    path = tmp_path / "killed.jsonl"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_RUN, gateway_url, json.dumps(ab_config(stub)), str(path)],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if path.exists() and path.read_text().count("\n") >= 1 + 10:
                break
            assert child.poll() is None, "the run ended before it could be killed"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    _, before = read_results(path)
    assert 10 <= len(before) < 40
    assert all(r.output == f"hello from {'ab'[r.target or 0]}" for r in before)
    # Calls the killed run had in flight still reach the stub (the gateway carries them on):
    # wait until they have, then count only what the resumed run sends.
    wait_until_quiet(stub)
    stub.reset()

    result = run(
        gateway_url,
        [f"prompt {n}" for n in range(40)],
        ab_config(stub),
        results_path=str(path),
        concurrency=3,
    )

    _, after = read_results(path)
    assert len(after) == 40
    assert Counter(r.id for r in after) == Counter(r.id for r in result.records)
    assert max(Counter(r.id for r in after).values()) == 1
    assert [r for r in after[: len(before)]] == before  # finished calls kept as they were
    assert len(stub.requests()) == 40 - len(before)  # none repeated


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "message"),
    [
        ([], "dataset is empty"),
        ("just one string", "dataset must be a list"),
        ([{"prompt": "a", "messages": [{"role": "user", "content": "b"}]}], "exactly one of"),
        ([{"prompt": "a", "answer": "x"}], r"dataset\[0\] has unknown key\(s\) \['answer'\]"),
        (["ok", 42], r"dataset\[1\] must be a string, a list of messages or a dict"),
        (["ok", [{"content": "no role"}]], r"dataset\[1\]\[0\] needs a 'role'"),
        ([{"id": "x", "prompt": "a"}, {"id": "x", "prompt": "b"}], "already used by dataset"),
        ([{"prompt": "a", "expected": 3}], "expected must be a string"),
        ([{"prompt": "a", "params": "hot"}], "params must be a dict"),
    ],
)
def test_bad_datasets_are_refused_before_anything_is_sent(
    stub: ProviderStub, dataset: Any, message: str
) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        run_experiment(dataset, ab_config(stub), base_url=stub.url, progress=False)
    assert stub.requests() == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"concurrency": 0}, "concurrency must be an int of 1 or more"),
        ({"assignment": "random"}, "assignment must be one of"),
        ({"executor": "threads"}, "executor must be a concurrent.futures.Executor"),
        ({"client_params": {"config": {}}}, "give the config as run_experiment"),
        ({"labels": ["same", "same"]}, "labels must be distinct non-empty strings"),
    ],
)
def test_bad_options_are_refused_before_anything_is_sent(
    stub: ProviderStub, tmp_path: Path, options: Dict[str, Any], message: str
) -> None:
    path = tmp_path / "never.jsonl"
    with pytest.raises(InvalidRequestError, match=message):
        run_experiment(["x"], ab_config(stub), base_url=stub.url, results_path=str(path), **options)
    assert stub.requests() == []
    assert not path.exists()


def test_a_misspelt_client_parameter_warns_as_on_portkey(stub: ProviderStub) -> None:
    # As Portkey(...) itself: an unknown name is passed on as its header, with a did-you-mean.
    from portkey import UnknownOptionWarning

    with pytest.warns(UnknownOptionWarning, match="did you mean 'max_retries'"):
        run_experiment(
            ["x"], ab_config(stub), base_url=stub.url, progress=False,
            client_params={"max_retry": 1},
        )  # fmt: skip


def test_identical_prompts_get_distinct_stable_ids() -> None:
    from portkey.experiments import load_dataset

    first = load_dataset(["same", "other", "same"])
    again = load_dataset(["other", "same", "same"])
    assert first[0].id != first[2].id and first[2].id == first[0].id + "-2"
    assert {item.id for item in first} == {item.id for item in again}


def test_records_round_trip_through_json() -> None:
    record = CallRecord(
        id="x",
        index=0,
        prompt="p",
        target=1,
        assigned_target=None,
        ok=True,
        status=200,
        latency=0.5,
        expected=["a", "b"],
    )
    assert CallRecord.from_dict(json.loads(json.dumps(record.to_dict()))) == record


def test_gateway_assignment_follows_the_weights_within_a_statistical_bound(
    gateway_url: str, stub: ProviderStub
) -> None:
    # The gateway draws targets with its own unseeded random numbers: counts vary from run to
    # run, so check the split against the weights with a 4-sigma binomial bound.
    calls = 300
    result = run(gateway_url, [f"q{n}" for n in range(calls)], ab_config(stub, (0.7, 0.3)))

    share = result.counts().get("target 0", 0) / calls
    assert abs(share - 0.7) < 4 * (0.7 * 0.3 / calls) ** 0.5
    assert served_by_stub(stub)["a"] == result.counts().get("target 0", 0)


class FailingExecutor(cf.ThreadPoolExecutor):
    """A thread pool whose submit fails after ``allowed`` calls (an error injected mid-run).

    The failure waits until every call submitted so far has started, so that exactly
    ``allowed`` calls are made: otherwise one still queued in the pool could be cancelled by
    the runner (rightly: it had not started) and the count would depend on thread timing.
    """

    def __init__(self, allowed: int) -> None:
        super().__init__(max_workers=4)
        self.allowed = allowed
        self.submitted: List[cf.Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        if self.allowed == 0:
            while any(not (f.running() or f.done()) for f in self.submitted):
                time.sleep(0.001)
            raise RuntimeError("injected failure")
        self.allowed -= 1
        future = super().submit(fn, *args, **kwargs)
        self.submitted.append(future)
        return future


def test_an_error_mid_run_keeps_the_calls_in_flight_and_a_rerun_completes(
    gateway_url: str, stub: ProviderStub, tmp_path: Path
) -> None:
    stub.script("a", *[slow(0.05)] * 100)
    path = tmp_path / "ab.jsonl"
    prompts = [f"p{n}" for n in range(30)]

    with FailingExecutor(allowed=9) as pool, pytest.raises(RuntimeError, match="injected"):
        run(
            gateway_url,
            prompts,
            ab_config(stub),
            results_path=str(path),
            executor=pool,
            concurrency=4,
        )

    _, kept = read_results(path)
    assert [r for r in kept if r.output != f"hello from {'ab'[r.target or 0]}"] == []
    assert len(kept) == len(stub.requests()) == 9  # every call that started was recorded
    result = run(gateway_url, prompts, ab_config(stub), results_path=str(path))
    _, records = read_results(path)
    assert len(records) == 30 and len(stub.requests()) == 30
    assert Counter(r.id for r in records) == Counter(r.id for r in result.records)


def test_text_progress_bar_without_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    from portkey._console import progress_bar

    monkeypatch.setitem(sys.modules, "tqdm", None)  # what an absent package looks like
    stream = io.StringIO()
    bar = progress_bar(10, stream, initial=4)
    bar.update(2)
    bar.close()
    assert stream.getvalue().endswith("] 6/10\n") and "4/10" in stream.getvalue()


def test_table_without_pandas_is_a_list_of_dicts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    record = CallRecord(
        id="x",
        index=0,
        prompt="p",
        target=1,
        assigned_target=None,
        ok=True,
        status=200,
        latency=0.5,
    )
    rows = ExperimentResult([record], labels=["a", "b"]).table()
    assert isinstance(rows, list) and rows[0]["label"] == "b" and rows[0]["latency"] == 0.5
    assert isinstance(ExperimentResult([record]).summary().table(), list)


def test_a_stream_cut_mid_answer_is_a_failure_of_the_target_that_served_it(
    gateway_url: str, stub: ProviderStub
) -> None:
    stub.script("a", cut_stream(2))
    config = {"strategy": {"mode": "single"}, "targets": [target(stub, "a")]}

    cut, whole = run(gateway_url, ["first", "second"], config, stream=True, concurrency=1).records

    assert (cut.ok, cut.target, cut.status) == (False, 0, None)
    assert cut.error_type == "StreamInterruptedError"
    assert cut.ttft is not None  # two chunks arrived before the cut
    assert whole.ok and whole.output == "hello from a"


def test_import_portkey_does_not_load_the_experiments_package() -> None:
    code = (
        "import sys, portkey; from portkey import Portkey; "
        "loaded = [m for m in sys.modules if m.startswith('portkey.experiments') "
        "or m in ('pandas', 'matplotlib', 'tqdm', 'distributed')]; print(loaded)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    shown = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"


def test_a_forked_process_pool_builds_its_own_clients(gateway_url: str, stub: ProviderStub) -> None:
    from portkey.experiments.worker import clients_in_this_process

    prompts = [{"id": f"f{n}", "prompt": f"forked {n}"} for n in range(20)]
    options: Dict[str, Any] = {"assignment": "seeded", "seed": 5}
    # First in this process with an outside executor, so this process caches worker clients
    # for exactly these settings -- which a forked child inherits and must not use.
    with cf.ThreadPoolExecutor(2) as threads:
        here = run(gateway_url, prompts, ab_config(stub), executor=threads, **options)
    assert clients_in_this_process() >= 2
    stub.reset()
    fork = multiprocessing.get_context("fork")

    with cf.ProcessPoolExecutor(2, mp_context=fork) as processes:
        there = run(gateway_url, prompts, ab_config(stub), executor=processes, **options)
        built_in_a_child = processes.submit(clients_in_this_process).result()

    assert all(r.ok for r in there.records)
    assert there.counts() == here.counts()
    assert len(stub.requests()) == 20
    assert built_in_a_child >= 1  # the child's own clients, not the parent's
