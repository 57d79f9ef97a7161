"""Load through the real gateway: many concurrent calls, each with its own config and trace id.

Every response must match its request (no cross-talk): call ``i`` routes by a config of its own
whose target is ``t{i % 64}`` (the answer says ``hello from t{i % 64}``) and whose
``override_params`` set the model ``model-{i}`` (the provider echoes it), and it carries the
trace id ``load-{i}`` (the gateway echoes it in ``x-portkey-trace-id``). Afterwards no socket or
file descriptor may be left open and no ResourceWarning / "Unclosed client session" may appear.

Counts default to the issue's (5,000 async calls with 256 in flight; 32 threads x 200 sync
calls); ``PORTKEY_LOAD_ASYNC_CALLS`` / ``PORTKEY_LOAD_SYNC_CALLS`` (per thread) change them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest
from provider_stub import ProviderStub, answer_text

from portkey import AsyncPortkey, ChatCompletion, Config, LLMOptions, Portkey
from portkey.local.gateway import LocalGateway

ASYNC_CALLS = int(os.environ.get("PORTKEY_LOAD_ASYNC_CALLS", "5000"))
IN_FLIGHT = 256
THREADS = 32
CALLS_PER_THREAD = int(os.environ.get("PORTKEY_LOAD_SYNC_CALLS", "200"))
TARGETS = 64
HI = [{"role": "user", "content": "Hi"}]
KEY = "sk-load-provider-key-0001"
TESTS_DIR = Path(__file__).resolve().parent


# ---- per-call configs and the cross-talk check ------------------------------------------------


def call_config(stub: ProviderStub, index: int) -> Config:
    """The config of call ``index``: its own target and its own model override."""
    llm = LLMOptions(
        provider="openai",
        api_key=KEY,
        custom_host=stub.host_for(f"t{index % TARGETS}"),
        model=f"model-{index}",
    )
    return Config(mode="single", llms=[llm])


def mismatch(index: int, response: ChatCompletion) -> Optional[str]:
    """Why ``response`` is not the answer to call ``index``, or None when it is."""
    content = response.choices[0].message.content if response.choices else None
    got = (response.model, content, response.gateway.trace_id)
    want = (f"model-{index}", answer_text(f"t{index % TARGETS}"), f"load-{index}")
    return None if got == want else f"call {index}: got {got}, want {want}"


# ---- file descriptor census -------------------------------------------------------------------


def _socket_ports() -> Dict[int, Tuple[int, int]]:
    """inode -> (local port, remote port) for this machine's TCP sockets."""
    ports: Dict[int, Tuple[int, int]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, remote, inode = parts[1], parts[2], int(parts[9])
            ports[inode] = (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16))
    return ports


@dataclass
class FdCensus:
    """This process's open descriptors, with its TCP sockets sorted by what they are for."""

    total: int
    to_gateway: int  # client sockets to the gateway: the SDK's own
    stub_side: int  # sockets of the in-process provider stand-in (the gateway's connections)

    @property
    def own(self) -> int:
        """Descriptors that are not the stand-in's: what an SDK leak would grow."""
        return self.total - self.stub_side


def fd_census(gateway_port: int, stub_port: int) -> FdCensus:
    """Count ``/proc/self/fd`` now."""
    ports = _socket_ports()
    total = to_gateway = stub_side = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue  # the listing's own descriptor, already closed
        total += 1
        if target.startswith("socket:["):
            local, remote = ports.get(int(target[8:-1]), (0, 0))
            to_gateway += remote == gateway_port
            stub_side += local == stub_port
    return FdCensus(total, to_gateway, stub_side)


def settled_census(gateway_port: int, stub_port: int, baseline: FdCensus) -> FdCensus:
    """The census once closed sockets are gone (closing finishes a moment after close())."""
    deadline = time.monotonic() + 3
    while True:
        gc.collect()
        census = fd_census(gateway_port, stub_port)
        if census.own <= baseline.own and census.to_gateway <= baseline.to_gateway:
            return census
        if time.monotonic() > deadline:
            return census
        time.sleep(0.05)


def cpu_seconds(pid: Optional[int]) -> float:
    """CPU time (user + system) process ``pid`` has used so far."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    """CPU used by the gateway and by this process (SDK + in-process stand-in) over a block."""

    gateway_pid: Optional[int]
    gateway: float = 0.0
    here: float = 0.0

    def __enter__(self) -> CpuMeter:
        self.gateway = -cpu_seconds(self.gateway_pid)
        self.here = -time.process_time()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.gateway += cpu_seconds(self.gateway_pid)
        self.here += time.process_time()

    def line(self) -> str:
        return f"cpu gateway={self.gateway:.1f}s python={self.here:.1f}s"


def port_of(url: str) -> int:
    return int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


# ---- warnings and "Unclosed" reports ----------------------------------------------------------


@dataclass
class Leaks:
    """ResourceWarnings and asyncio/aiohttp "Unclosed ..." reports seen during a block."""

    warnings: List[str] = field(default_factory=list)
    unclosed: List[str] = field(default_factory=list)


@contextlib.contextmanager
def recording_leaks(caplog: pytest.LogCaptureFixture) -> Iterator[Leaks]:
    """Record ResourceWarnings (rather than raise them inside a finalizer, where they would be
    reported late and elsewhere) and "Unclosed ..." error logs, until the block ends."""
    found = Leaks()
    caplog.set_level(logging.ERROR, logger="asyncio")
    first = len(caplog.records)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield found
        gc.collect()
    found.warnings = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    found.unclosed = [r.getMessage() for r in caplog.records[first:] if "nclosed" in r.getMessage()]


def latency_summary(latencies: List[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50={statistics.median(ordered) * 1000:.0f}ms p99={p99 * 1000:.0f}ms"


# ---- the tests ----------------------------------------------------------------------------------


@pytest.mark.timeout(240)
async def test_async_load_every_response_matches_its_request(
    gateway: LocalGateway, gateway_url: str, stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    gateway_port = port_of(gateway_url)
    baseline = fd_census(gateway_port, stub.port)
    configs = [call_config(stub, index) for index in range(ASYNC_CALLS)]
    gate = asyncio.Semaphore(IN_FLIGHT)
    latencies: List[float] = []
    peak = [0, 0]  # in flight now, most in flight at once

    async def one(index: int) -> Optional[str]:
        async with gate:
            peak[0] += 1
            peak[1] = max(peak[1], peak[0])
            client = base.with_options(config=configs[index], trace_id=f"load-{index}")
            started = time.monotonic()
            try:
                response = await client.chat.completions.create(model="body-model", messages=HI)
            finally:
                peak[0] -= 1
            latencies.append(time.monotonic() - started)
            return mismatch(index, response)

    with recording_leaks(caplog) as leaks:
        base = AsyncPortkey(base_url=gateway_url, max_retries=0, timeout=120)
        started = time.monotonic()
        calls = (one(i) for i in range(ASYNC_CALLS))
        with CpuMeter(gateway.pid) as cpu:
            results = await asyncio.gather(*calls, return_exceptions=True)
        elapsed = time.monotonic() - started
        during = fd_census(gateway_port, stub.port)
        await base.close()
        after = settled_census(gateway_port, stub.port, baseline)

    errors = [r for r in results if isinstance(r, BaseException)]
    wrong = [r for r in results if isinstance(r, str)]
    models = [r.json["model"] for r in stub.requests() if r.json]
    print(
        f"\nLOAD async calls={ASYNC_CALLS} in_flight={peak[1]} {elapsed:.1f}s "
        f"{ASYNC_CALLS / elapsed:.0f}/s {latency_summary(latencies)} errors={len(errors)} "
        f"mismatches={len(wrong)} {cpu.line()} sockets_to_gateway during={during.to_gateway} "
        f"after={after.to_gateway} (before={baseline.to_gateway}) fds_own before={baseline.own} "
        f"after={after.own} resource_warnings={len(leaks.warnings)} "
        f"unclosed_reports={len(leaks.unclosed)}"
    )
    assert not errors, errors[:3]
    assert not wrong, wrong[:3]
    assert peak[1] == min(IN_FLIGHT, ASYNC_CALLS)
    # The provider saw each call exactly once, with that call's config applied.
    assert sorted(models) == sorted(f"model-{i}" for i in range(ASYNC_CALLS))
    # Pooled: at most the connector's limit of new sockets, not one per call (earlier tests'
    # clients may still hold theirs: they are in the baseline).
    assert 0 < during.to_gateway - baseline.to_gateway <= 100
    assert after.to_gateway <= baseline.to_gateway  # idle pooled ones may time out meanwhile
    assert after.own <= baseline.own
    assert not leaks.warnings and not leaks.unclosed, (leaks.warnings, leaks.unclosed)


@pytest.mark.timeout(240)
def test_threaded_load_every_response_matches_its_request(
    gateway: LocalGateway, gateway_url: str, stub: ProviderStub, caplog: pytest.LogCaptureFixture
) -> None:
    gateway_port = port_of(gateway_url)
    baseline = fd_census(gateway_port, stub.port)
    base = Portkey(base_url=gateway_url, max_retries=0, timeout=120)
    total = THREADS * CALLS_PER_THREAD
    configs = [call_config(stub, index) for index in range(total)]
    problems: List[str] = []
    latencies: List[float] = []
    seen_threads: Set[int] = set()
    lock = threading.Lock()
    start_together = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        start_together.wait()
        for step in range(CALLS_PER_THREAD):
            index = number * CALLS_PER_THREAD + step
            client = base.with_options(config=configs[index], trace_id=f"load-{index}")
            started = time.monotonic()
            try:
                response = client.chat.completions.create(model="body-model", messages=HI)
                problem = mismatch(index, response)
            except Exception as exc:  # collected and asserted on below
                problem = f"call {index}: {type(exc).__name__}: {exc}"
            with lock:
                latencies.append(time.monotonic() - started)
                seen_threads.add(threading.get_ident())
                if problem:
                    problems.append(problem)
        # No close() per thread: the connections belong to the client, not to the thread.

    with recording_leaks(caplog) as leaks:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        started = time.monotonic()
        with CpuMeter(gateway.pid) as cpu:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=200)
        elapsed = time.monotonic() - started
        hung = [thread.name for thread in threads if thread.is_alive()]
        during = fd_census(gateway_port, stub.port)
        base.close()  # the client's pool, shared by its threads, goes with it
        after = settled_census(gateway_port, stub.port, baseline)

    models = [r.json["model"] for r in stub.requests() if r.json]
    print(
        f"\nLOAD threads={THREADS}x{CALLS_PER_THREAD} calls={total} {elapsed:.1f}s "
        f"{total / elapsed:.0f}/s {latency_summary(latencies)} problems={len(problems)} "
        f"hung={len(hung)} {cpu.line()} sockets_to_gateway after={after.to_gateway} "
        f"(before={baseline.to_gateway}) fds_own before={baseline.own} after={after.own} "
        f"resource_warnings={len(leaks.warnings)} unclosed_reports={len(leaks.unclosed)}"
    )
    assert not hung
    assert not problems, problems[:3]
    assert len(latencies) == total
    assert len(seen_threads) == THREADS
    assert sorted(models) == sorted(f"model-{i}" for i in range(total))
    assert during.to_gateway - baseline.to_gateway <= THREADS  # pooled: at most one per thread
    assert after.to_gateway <= baseline.to_gateway  # idle pooled ones may time out meanwhile
    assert after.own <= baseline.own
    assert not leaks.warnings and not leaks.unclosed, (leaks.warnings, leaks.unclosed)


async def test_leak_recorder_sees_an_unclosed_socket_and_session(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The recorder the load tests rely on does report the leaks it is there to catch."""
    import aiohttp

    with recording_leaks(caplog) as leaks:
        leaked_socket = socket.socket()
        del leaked_socket
        leaked_session = aiohttp.ClientSession()
        del leaked_session
    assert any("unclosed" in warning for warning in leaks.warnings), leaks.warnings
    assert any("Unclosed client session" in report for report in leaks.unclosed), leaks.unclosed


# Run in a fresh interpreter with every warning an error and asyncio's debug mode: a small mixed
# workload, including streams abandoned half-way and event loops that come and go.
_STRICT_SCRIPT = r"""
import asyncio, sys, threading
sys.path.insert(0, sys.argv[1])
from provider_stub import ProviderStub
from portkey import AsyncPortkey, Config, LLMOptions, Portkey

gateway_url = sys.argv[2]
with ProviderStub() as stub:
    config = Config(mode="single", llms=[LLMOptions(
        provider="openai", api_key="sk-strict-0000000001", custom_host=stub.host_for("s"))])
    hi = [{"role": "user", "content": "Hi"}]

    async def run_async(round_number):
        client = AsyncPortkey(base_url=gateway_url, config=config, max_retries=0)
        calls = [client.with_options(trace_id=f"s{round_number}-{i}").chat.completions.create(
            model=f"m{i}", messages=hi) for i in range(60)]
        answers = await asyncio.gather(*calls)
        assert [a.model for a in answers] == [f"m{i}" for i in range(60)]
        stream = await client.chat.completions.create(model="m", messages=hi, stream=True)
        await stream.__anext__()
        await stream.aclose()  # abandoned after one chunk
        async with client.with_options(trace_id="x") as other:
            async for _ in await other.chat.completions.create(model="m", messages=hi,
                                                               stream=True):
                pass

    for round_number in range(3):  # a new event loop each time: sessions per loop
        asyncio.run(run_async(round_number))

    def work(n):
        client = Portkey(base_url=gateway_url, config=config, max_retries=0)
        for i in range(15):
            assert client.chat.completions.create(model=f"m{n}-{i}", messages=hi).model == (
                f"m{n}-{i}")
        with client.chat.completions.create(model="m", messages=hi, stream=True) as stream:
            next(iter(stream))  # abandoned after one chunk

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads: t.start()
    for t in threads: t.join()
print("STRICT-OK")
"""


@pytest.mark.timeout(120)
def test_strict_interpreter_sees_no_unclosed_resources(gateway_url: str) -> None:
    command = [sys.executable, "-W", "error", "-X", "dev", "-c", _STRICT_SCRIPT]
    started = time.monotonic()
    done = subprocess.run(
        [*command, str(TESTS_DIR), gateway_url],
        capture_output=True,
        text=True,
        timeout=100,
        env={**os.environ, "PYTHONPATH": str(TESTS_DIR.parent)},
    )
    elapsed = time.monotonic() - started
    noise = [
        line
        for line in done.stderr.splitlines()
        if any(word in line for word in ("nclosed", "ResourceWarning", "Traceback", "Error"))
    ]
    print(
        f"\nLOAD strict -W error -X dev: rc={done.returncode} {elapsed:.1f}s reports={len(noise)}"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "STRICT-OK" in done.stdout
    assert not noise, noise[:10]
