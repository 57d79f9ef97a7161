"""An experiment on a Dask cluster of worker processes, through the real gateway: the same
seeded batch gives the same per-target counts as a run in this process."""

from __future__ import annotations

import math
import os
from typing import Any, Dict

from distributed import Client, LocalCluster
from provider_stub import ProviderStub

from portkey.experiments import assign_target, run_experiment
from portkey.experiments.worker import clients_in_this_process

CALLS = 1000
WEIGHTS = (0.7, 0.3)


def ab_config(stub: ProviderStub) -> Dict[str, Any]:
    return {
        "strategy": {"mode": "loadbalance"},
        "targets": [
            {
                "provider": "openai",
                "api_key": "ka",
                "custom_host": stub.host_for("a"),
                "weight": WEIGHTS[0],
            },
            {
                "provider": "openai",
                "api_key": "kb",
                "custom_host": stub.host_for("b"),
                "weight": WEIGHTS[1],
            },
        ],
    }


def test_a_dask_cluster_run_counts_the_same_per_target_as_an_in_process_run(
    gateway_url: str, stub: ProviderStub
) -> None:
    dataset = [{"id": f"q{n}", "prompt": f"question {n}"} for n in range(CALLS)]
    options: Dict[str, Any] = {
        "base_url": gateway_url,
        "client_params": {"max_retries": 0},
        "assignment": "seeded",
        "seed": 2024,
        "progress": False,
        "model": "m",
    }

    here = run_experiment(dataset, ab_config(stub), concurrency=8, **options)
    served_here = {name: len(stub.requests(name)) for name in ("a", "b")}
    stub.reset()
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=4, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2)
        there = run_experiment(dataset, ab_config(stub), executor=client, concurrency=16, **options)
        built = client.run(clients_in_this_process)
        worker_pids = client.run(os.getpid)
    served_there = {name: len(stub.requests(name)) for name in ("a", "b")}

    # The calls ran in the two worker processes, each with clients it built itself.
    assert len(set(worker_pids.values()) - {os.getpid()}) == 2
    # At most one client per pinned target, per worker; every worker built its own.
    assert len(built) == 2 and all(1 <= count <= 2 for count in built.values())
    # Every call answered, served by the target the seeded assignment drew -- per the gateway.
    assert all(r.ok for r in there.records) and all(r.ok for r in here.records)
    assert [r.target for r in there.records] == [r.assigned_target for r in there.records]
    # Same seeded batch, same per-target counts, in this process and on the cluster ...
    assert there.counts() == here.counts()
    assert served_there == served_here
    assert [r.id for r in there.records] == [r.id for r in here.records]  # gathered in order
    # ... and the split is the configured 70/30 within a 4-sigma binomial bound.
    share = here.counts()["target 0"] / CALLS
    assert abs(share - WEIGHTS[0]) < 4 * math.sqrt(WEIGHTS[0] * WEIGHTS[1] / CALLS)
    drawn = [assign_target(list(WEIGHTS), 2024, f"q{n}") for n in range(CALLS)]
    assert here.counts()["target 0"] == drawn.count(0)
