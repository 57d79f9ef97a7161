"""The benchmark (``python -m bench``) in smoke mode, so that it cannot rot: every measurement
runs with tiny counts and lands in the JSON as a usable number. Timings are never asserted."""

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

STYLES = ("module", "client")
METRICS: List[str] = [
    "import_portkey_ms",
    "import_portkey_first_use_ms",
    "import_requests_ms",
    *(
        f"{kind}_{run}_{clock}us"
        for kind in ("sync", "async")
        for run in (*STYLES, "raw")
        for clock in ("", "cpu_")
    ),
    *(f"stream_{run}_{clock}chunks_per_s" for run in (*STYLES, "raw") for clock in ("", "cpu_")),
    *(f"prep_{style}_{clock}us" for style in STYLES for clock in ("", "cpu_")),
    *(f"rss_{run}_mb" for run in (*STYLES, "raw")),
    *(f"first_{run}_{clock}ms" for run in (*STYLES, "raw") for clock in ("", "cpu_")),
    *(
        f"gateway_{run}_{clock}us"
        for run in ("sdk_via_gateway", "raw_via_gateway", "raw_direct")
        for clock in ("", "cpu_")
    ),
]
RATIOS: List[str] = [
    *(
        f"{kind}_{style}_{clock}ratio"
        for kind in ("first", "sync", "async", "stream")
        for style in STYLES
        for clock in ("", "cpu_")
    ),
    *(f"rss_{style}_ratio" for style in STYLES),
    "gateway_sdk_ratio",
    "gateway_sdk_cpu_ratio",
    "gateway_hop_ratio",
]


def run_bench(*args: str, out_dir: Path) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "bench", *args, "--out-dir", str(out_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=100,
    )


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    """One smoke run: its printed table and its JSON document."""
    out_dir = tmp_path_factory.mktemp("bench")
    done = run_bench("--smoke", out_dir=out_dir)
    assert done.returncode == 0, done.stderr
    files = list(out_dir.glob("*.json"))
    assert len(files) == 1, files
    return {"stdout": done.stdout, "result": json.loads(files[0].read_text())}


def usable(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def test_every_metric_is_a_positive_finite_number(smoke: Dict[str, Any]) -> None:
    metrics = smoke["result"]["metrics"]
    missing = [name for name in METRICS if name not in metrics]
    assert missing == []
    assert {name: metrics[name] for name in METRICS if not usable(metrics[name])} == {}


def test_every_ratio_is_a_positive_finite_number(smoke: Dict[str, Any]) -> None:
    ratios = smoke["result"]["ratios"]
    assert [name for name in RATIOS if name not in ratios] == []
    assert {name: ratios[name] for name in RATIOS if not usable(ratios[name])} == {}


def test_the_pydantic_floor_is_measured_beside_the_first_response(smoke: Dict[str, Any]) -> None:
    anchors = smoke["result"]["anchors"]
    assert usable(anchors["metrics"]["first_pydantic_floor_ms"])
    assert usable(anchors["ratios"]["first_pydantic_floor_cpu_ratio"])
    assert smoke["result"]["notes"]["first_interpreter"]


def test_targets_are_judged_and_the_table_printed(smoke: Dict[str, Any]) -> None:
    result = smoke["result"]
    targets = result["targets"]
    assert {
        "import_portkey_ms",
        "sync_module_ratio",
        "stream_client_ratio",
        "prep_module_us",
        "first_client_ratio",
        "rss_module_ratio",
    } <= set(targets)
    for entry in targets.values():
        assert isinstance(entry["met"], bool) and entry["op"] in ("<=", ">=")
    assert result["counts"]["stream_chunks"] > 0 and result["machine"]["cpus"] >= 1
    assert set(result["baselines"]) >= {"sync", "async", "stream"}
    table = smoke["stdout"]
    for label in (
        "cold `import portkey`",
        "sync call, module",
        "async call, client",
        "stream, client",
        "process start -> first response, module",
        "via the gateway: SDK vs raw requests",
    ):
        assert label in table
    assert "portkey-ai anchor" in table


def test_an_unknown_section_is_refused_by_name(tmp_path: Path) -> None:
    done = run_bench("--smoke", "--only", "sync,bogus", out_dir=tmp_path)
    assert done.returncode != 0
    assert "bogus" in done.stderr
    assert list(tmp_path.glob("*.json")) == []


def test_one_section_alone_writes_only_its_figures(tmp_path: Path) -> None:
    done = run_bench("--smoke", "--only", "prep", out_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    (path,) = tmp_path.glob("*.json")
    metrics = json.loads(path.read_text())["metrics"]
    assert sorted(metrics) == [
        "prep_client_cpu_us",
        "prep_client_us",
        "prep_module_cpu_us",
        "prep_module_us",
    ]
    assert all(usable(value) for value in metrics.values())
