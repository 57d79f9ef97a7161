"""What every measurement shares: the loopback server's lifetime and interleaved timing.

Runs that are compared are interleaved in blocks (SDK, raw, SDK, raw, ... with the order
rotated each block), so that drift on a shared machine (another process waking up, the CPU
clocking down) lands on both sides instead of on whichever ran second. Ratios are the median
of the per-block ratios, which pairs each SDK block with the raw block run next to it.

Each block is timed twice: wall-clock time (what a caller waits) and this process's CPU time
(the work the client side does). On a loaded machine the wall time of a loopback call is
mostly waiting for the scheduler to run the server and then the client again; CPU time is
far less disturbed by that, so it shows the SDK's own overhead more steadily.
"""

import asyncio
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Type

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Where the benchmark keeps what it builds for itself (byte-code caches, the anchor venv);
#: git-ignored, safe to delete.
CACHE_DIR = REPO_ROOT / "bench" / ".cache"

#: Runs ``n`` calls and returns the seconds they took.
SyncRun = Callable[[int], float]
#: The async twin of :data:`SyncRun`.
AsyncRun = Callable[[int], Awaitable[float]]


class LoopbackServer:
    """``bench.server`` in a child process on a free 127.0.0.1 port; a context manager."""

    def __init__(self, stream_chunks: int) -> None:
        self.stream_chunks = stream_chunks
        self._process: Optional[subprocess.Popen[str]] = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """The API base URL clients are pointed at (``http://127.0.0.1:PORT/v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> "LoopbackServer":
        command = [sys.executable, "-m", "bench.server", "--stream-chunks", str(self.stream_chunks)]
        self._process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("PORT "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"the bench server did not start (said {line!r})")
        self.port = int(line.split()[1])
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def child_environment() -> Dict[str, str]:
    """The environment of the benchmark's fresh interpreters: byte-code caches kept under
    :data:`CACHE_DIR`, as an installed package has them (pip compiles on install), even when
    the calling environment sets ``PYTHONDONTWRITEBYTECODE``."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(CACHE_DIR / "pycache")
    # The repo first on the path, as for the benchmark itself (an editable install or not).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def rotated(names: Sequence[str], block: int) -> List[str]:
    """``names`` rotated by ``block`` places, so each one takes every position in turn."""
    shift = block % len(names)
    return [*names[shift:], *names[:shift]]


@dataclass
class Samples:
    """Per-block figures of one run: wall-clock and CPU seconds per call (or per stream)."""

    wall: List[float] = field(default_factory=list)
    cpu: List[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float, per_block: int) -> None:
        """Record one block of ``per_block`` calls."""
        self.wall.append(wall / per_block)
        self.cpu.append(max(cpu, 1e-9) / per_block)


def interleave(runs: Mapping[str, SyncRun], calls: int, blocks: int) -> Dict[str, Samples]:
    """Seconds per call of each run, one figure per block; ``calls`` in all per run."""
    per_block = max(1, calls // blocks)
    results = {name: Samples() for name in runs}
    for block in range(blocks):
        for name in rotated(list(runs), block):
            cpu = time.process_time()
            wall = runs[name](per_block)
            results[name].add(wall, time.process_time() - cpu, per_block)
    return results


async def ainterleave(runs: Mapping[str, AsyncRun], calls: int, blocks: int) -> Dict[str, Samples]:
    """The async twin of :func:`interleave`, inside the running event loop."""
    per_block = max(1, calls // blocks)
    results = {name: Samples() for name in runs}
    for block in range(blocks):
        for name in rotated(list(runs), block):
            cpu = time.process_time()
            wall = await runs[name](per_block)
            results[name].add(wall, time.process_time() - cpu, per_block)
    return results


async def in_flight(call: Callable[[], Awaitable[object]], calls: int, concurrency: int) -> float:
    """Seconds to make ``calls`` calls with ``concurrency`` of them in flight at all times
    (as far as the calls allow): ``concurrency`` workers, each making its share in a row."""
    base, extra = divmod(calls, concurrency)
    shares = [base + (1 if i < extra else 0) for i in range(concurrency)]

    async def worker(share: int) -> None:
        for _ in range(share):
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(worker(share) for share in shares if share))
    return time.perf_counter() - start


def timed(call: Callable[[], object]) -> SyncRun:
    """A :data:`SyncRun` making ``call()`` ``n`` times in a row."""

    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            call()
        return time.perf_counter() - start

    return run


def median(values: Sequence[float]) -> float:
    """The median, for lists of block figures."""
    return float(statistics.median(values))


def paired_ratio(sdk: Sequence[float], raw: Sequence[float]) -> float:
    """Median over blocks of ``sdk[i] / raw[i]`` (each SDK block against its neighbour)."""
    return median([a / b for a, b in zip(sdk, raw) if b > 0])


def finite_positive(value: float) -> bool:
    """Whether a measurement is a usable number."""
    return math.isfinite(value) and value > 0
