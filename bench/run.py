"""The benchmark's command line: ``python -m bench [--smoke] [--anchors] [--only ...]``.

Starts the loopback server, runs each measurement, prints the table and writes the JSON to
``bench/results/<timestamp>.json`` (or ``--out-dir``).
"""

import argparse
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from . import anchors
from .harness import REPO_ROOT, LoopbackServer, Samples, median, paired_ratio
from .report import judge, render_table, write_json

SECTIONS = ("imports", "first", "sync", "async", "stream", "gateway", "prep", "rss")

BASELINES = {
    "import": "median seconds of the import statement alone, each in a fresh interpreter "
    "(start-up not counted), portkey and requests runs alternating",
    "first": "a fresh interpreter running a script: import requests, requests.post(url, "
    "data=<the SDK's body>, headers=<the SDK's headers>), raise_for_status(), json.loads; "
    "the SDK scripts import portkey, build Config and a client (or the module globals) and "
    "make one chat call; interpreter start-up included on both sides",
    "sync": "one requests.Session kept for the run: session.post(url, data=json.dumps(body)"
    ".encode() (byte for byte the SDK's body), headers=<the SDK's headers>, timeout=600); "
    "raise_for_status(); json.loads(content)",
    "async": "one aiohttp.ClientSession() with defaults: async with session.post(url, "
    "data=json.dumps(body).encode(), headers=headers) as r: r.raise_for_status(); "
    "json.loads(await r.read()); 64 workers",
    "stream": "requests session.post(..., stream=True); for line in r.iter_lines(): lines "
    "starting with b'data: ' other than [DONE] are json.loads()-ed and counted; body read to "
    "its end",
    "gateway": "sequential sync calls through the real open-source gateway to the bench server "
    "as its provider: the SDK against a requests.Session posting the SDK's headers and body to "
    "the gateway (sdk ratio), and that raw call against the same raw call straight to the "
    "bench server (hop ratio)",
    "prep": "no baseline: module style = read globals, resolve options, build the request "
    "spec; client style = build_spec on a built client; no body encoding, nothing sent",
    "rss": "ru_maxrss of a fresh process after N sequential calls (raw = requests.Session)",
}


@dataclass(frozen=True)
class Counts:
    """How much of each measurement to run."""

    import_runs: int
    first_runs: int
    sync_calls: int
    sync_blocks: int
    sync_warmup: int
    async_calls: int
    async_blocks: int
    async_warmup: int
    concurrency: int
    stream_chunks: int
    streams: int
    gateway_calls: int
    gateway_blocks: int
    prep_loops: int
    prep_blocks: int
    rss_calls: int


# Many short blocks: on a shared machine the load changes within seconds, and a ratio is only
# as good as the pairing of each SDK block with the raw block run next to it.
FULL = Counts(
    import_runs=9,
    first_runs=15,
    sync_calls=3000,
    sync_blocks=60,
    sync_warmup=300,
    async_calls=40960,
    async_blocks=64,
    async_warmup=640,
    concurrency=64,
    stream_chunks=5000,
    streams=15,
    gateway_calls=900,
    gateway_blocks=30,
    prep_loops=100_000,
    prep_blocks=10,
    rss_calls=1000,
)

#: Every measurement, tiny: seconds, for the test that keeps the benchmark from rotting.
SMOKE = Counts(
    import_runs=1,
    first_runs=1,
    sync_calls=30,
    sync_blocks=3,
    sync_warmup=3,
    async_calls=128,
    async_blocks=2,
    async_warmup=16,
    concurrency=16,
    stream_chunks=100,
    streams=2,
    gateway_calls=6,
    gateway_blocks=2,
    prep_loops=2000,
    prep_blocks=2,
    rss_calls=20,
)


def machine() -> Dict[str, Any]:
    """What the numbers were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }


def versions() -> Dict[str, Optional[str]]:
    """Versions of the SDK and the libraries the runs use."""
    from importlib import metadata

    import portkey

    found: Dict[str, Optional[str]] = {"portkey": portkey.__version__}
    for name in ("requests", "urllib3", "aiohttp", "pydantic", "pydantic-core", "tenacity"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


@dataclass
class Figures:
    """What a run measured: the SDK/raw figures and ratios, and those of any anchor."""

    metrics: Dict[str, float] = field(default_factory=dict)
    ratios: Dict[str, float] = field(default_factory=dict)
    anchor_metrics: Dict[str, float] = field(default_factory=dict)
    anchor_ratios: Dict[str, float] = field(default_factory=dict)
    samples: Dict[str, Any] = field(default_factory=dict)
    notes: Dict[str, str] = field(default_factory=dict)

    def compare(self, kind: str, results: Mapping[str, Samples], unit: str, scale: float) -> None:
        """Medians of every run (wall and CPU) and each run's paired ratio to ``raw``."""
        self.samples[kind] = {name: asdict(samples) for name, samples in results.items()}
        for name, samples in results.items():
            anchor = name in ANCHORS
            metrics = self.anchor_metrics if anchor else self.metrics
            ratios = self.anchor_ratios if anchor else self.ratios
            metrics[f"{kind}_{name}_{unit}"] = median(samples.wall) * scale
            metrics[f"{kind}_{name}_cpu_{unit}"] = median(samples.cpu) * scale
            raw = results.get("raw")
            if raw is not None and name != "raw":
                ratios[f"{kind}_{name}_ratio"] = paired_ratio(samples.wall, raw.wall)
                ratios[f"{kind}_{name}_cpu_ratio"] = paired_ratio(samples.cpu, raw.cpu)

    def gateway(self, hop: Mapping[str, Samples]) -> None:
        """The end-to-end row: per-call times, the SDK's ratio and the hop's ratio."""
        self.samples["gateway"] = {name: asdict(samples) for name, samples in hop.items()}
        for name, samples in hop.items():
            self.metrics[f"gateway_{name}_us"] = median(samples.wall) * 1e6
            self.metrics[f"gateway_{name}_cpu_us"] = median(samples.cpu) * 1e6
        sdk, raw, direct = hop["sdk_via_gateway"], hop["raw_via_gateway"], hop["raw_direct"]
        self.ratios["gateway_sdk_ratio"] = paired_ratio(sdk.wall, raw.wall)
        self.ratios["gateway_sdk_cpu_ratio"] = paired_ratio(sdk.cpu, raw.cpu)
        self.ratios["gateway_hop_ratio"] = paired_ratio(raw.wall, direct.wall)

    def anchor_runs(self, found: Mapping[str, Mapping[str, Samples]], chunks: int) -> None:
        """The portkey-ai anchor's figures, each ratio against the raw run of its own process."""
        for kind, runs in found.items():
            self.samples[f"{kind}_portkey-ai_process"] = {n: asdict(s) for n, s in runs.items()}
            anchor, raw = runs["portkey-ai"], runs["raw"]
            for clock in ("", "cpu_"):
                sdk_values = anchor.cpu if clock else anchor.wall
                raw_values = raw.cpu if clock else raw.wall
                if kind == "stream":  # seconds per stream -> chunks per second
                    self.anchor_metrics[f"stream_portkey-ai_{clock}chunks_per_s"] = chunks / median(
                        sdk_values
                    )
                    ratio = paired_ratio(raw_values, sdk_values)  # rate ratio: raw s / anchor s
                else:
                    self.anchor_metrics[f"sync_portkey-ai_{clock}us"] = median(sdk_values) * 1e6
                    ratio = paired_ratio(sdk_values, raw_values)
                self.anchor_ratios[f"{kind}_portkey-ai_{clock}ratio"] = ratio


#: Run names that are anchors (other SDKs), kept apart from the SDK's own figures.
ANCHORS = frozenset({"openai", "portkey-ai", "pydantic_floor"})


def run(counts: Counts, sections: List[str], with_anchors: bool) -> Dict[str, Any]:
    """Run the chosen measurements and return the result document."""
    from .async_calls import measure_async
    from .first_response import interpreter, measure_first_response
    from .prep import measure_prep
    from .processes import measure_imports, measure_rss
    from .streams import measure_streams
    from .sync_calls import measure_sync
    from .workload import bench_config

    figures = Figures()
    openai = anchors.openai_version() if with_anchors else None
    config = bench_config()
    load_before = os.getloadavg()
    started = time.perf_counter()

    with LoopbackServer(counts.stream_chunks) as server:
        url = server.base_url
        if "imports" in sections:
            imports = measure_imports(counts.import_runs)
            figures.samples["import_s"] = imports
            for name, values in imports.items():
                figures.metrics[f"import_{name}_ms"] = median(values) * 1e3
        if "first" in sections:
            first = measure_first_response(url, config, counts.first_runs, with_anchors)
            figures.compare("first", first, "ms", 1e3)
            figures.notes["first_interpreter"] = interpreter()[1]
        if "sync" in sections:
            sync = measure_sync(
                url,
                config,
                calls=counts.sync_calls,
                blocks=counts.sync_blocks,
                warmup=counts.sync_warmup,
                extra=anchors.openai_sync(url) if openai else None,
            )
            figures.compare("sync", sync, "us", 1e6)
        if "async" in sections:
            results = measure_async(
                url,
                config,
                calls=counts.async_calls,
                blocks=counts.async_blocks,
                warmup=counts.async_warmup,
                concurrency=counts.concurrency,
                extra=anchors.openai_async(url) if openai else None,
            )
            figures.compare("async", results, "us", 1e6)
        if "stream" in sections:
            rates = measure_streams(
                url,
                config,
                streams=counts.streams,
                chunks=counts.stream_chunks,
                extra=anchors.openai_stream(url, counts.stream_chunks) if openai else None,
            )
            figures.compare("stream", rates, "chunks_per_s", 1.0)
        if with_anchors and ("sync" in sections or "stream" in sections):
            found = anchors.measure_portkey_ai(
                url,
                config,
                calls=counts.sync_calls // 3,
                blocks=counts.sync_blocks // 3 or 1,
                streams=counts.streams,
                chunks=counts.stream_chunks,
            )
            if found is not None:
                figures.anchor_runs(found, counts.stream_chunks)
        if "gateway" in sections:
            from .gateway_hop import measure_gateway_hop

            hop, note = measure_gateway_hop(
                url,
                calls=counts.gateway_calls,
                blocks=counts.gateway_blocks,
                warmup=max(2, counts.gateway_calls // 20),
            )
            figures.notes["gateway"] = note
            if hop is not None:
                figures.gateway(hop)
        if "prep" in sections:
            prep = measure_prep(url, config, loops=counts.prep_loops, blocks=counts.prep_blocks)
            figures.compare("prep", prep, "us", 1e6)
        if "rss" in sections:
            peaks = measure_rss(url, config, counts.rss_calls)
            for name, value in peaks.items():
                anchor = name in ANCHORS
                (figures.anchor_metrics if anchor else figures.metrics)[f"rss_{name}_mb"] = value
                if name != "raw":
                    ratios = figures.anchor_ratios if anchor else figures.ratios
                    ratios[f"rss_{name}_ratio"] = value / peaks["raw"]

    return {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": "python -m bench",
        "counts": asdict(counts),
        "sections": sections,
        "machine": {**machine(), "loadavg_before": load_before, "loadavg_after": os.getloadavg()},
        "versions": versions(),
        "seconds": time.perf_counter() - started,
        "baselines": BASELINES,
        "metrics": figures.metrics,
        "ratios": figures.ratios,
        "targets": judge({**figures.metrics, **figures.ratios}),
        "notes": figures.notes,
        "anchors": {
            "requested": with_anchors,
            "openai": openai,
            "portkey-ai": anchors.portkey_ai_status(),
            "metrics": figures.anchor_metrics,
            "ratios": figures.anchor_ratios,
        },
        "samples": figures.samples,
    }


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark the portkey SDK against raw HTTP clients."
    )
    parser.add_argument(
        "--smoke", action="store_true", help="every measurement with tiny counts (seconds)"
    )
    parser.add_argument(
        "--anchors", action="store_true", help="also measure the openai SDK, if installed"
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=REPO_ROOT / "bench" / "results",
        help="where the JSON goes (default: bench/results)",
    )
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> Mapping[str, Any]:
    """Run the benchmark, print the table, write the JSON; returns the result document."""
    args = parse_args(argv)
    sections = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise SystemExit(f"unknown sections {unknown}; choose from {', '.join(SECTIONS)}")
    counts = SMOKE if args.smoke else FULL
    result = run(counts, sections, args.anchors)
    result["command"] = "python -m bench" + (" --smoke" if args.smoke else "")
    print(render_table(result))
    if args.anchors and not result["anchors"]["openai"]:
        print("anchors: openai is not installed (pip install -e '.[bench]'); skipped")
    print(f"portkey-ai anchor: {result['anchors']['portkey-ai']}")
    path = write_json(result, args.out_dir)
    print(f"results: {path}")
    return result
