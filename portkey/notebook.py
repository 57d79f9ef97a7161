"""Notebook helpers: run many prompts at once and compare the targets that served them.

    from portkey import Portkey
    from portkey.notebook import run_batch, ab_summary

    client = Portkey(base_url=..., config={"strategy": {"mode": "loadbalance"}, "targets": [...]})
    results = run_batch(["Hi", "What is 2+2?"], client=client, concurrency=4)
    ab_summary(results)        # per target: calls, errors, mean latency, tokens

Results and summaries render as HTML tables in Jupyter and as text elsewhere. Failed calls are
kept as results with ``error`` set (and the target that failed, when the gateway said which),
never dropped.
"""

import html
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, TextIO, Union

from ._console import progress_bar, text_table
from .api_resources.client import Portkey
from .api_resources.exceptions import APIStatusError
from .api_resources.responses import ChatCompletion, GatewayInfo

__all__ = [
    "ABSummary",
    "BatchResult",
    "BatchResults",
    "Table",
    "TargetStats",
    "ab_summary",
    "answer_text",
    "run_batch",
]

Prompt = Union[str, Sequence[Mapping[str, Any]]]


def answer_text(response: ChatCompletion) -> str:
    """The first choice's message text ('' when the answer has none)."""
    if not response.choices:
        return ""
    content = response.choices[0].message.content
    return content if isinstance(content, str) else ""


class Table:
    """A small table that renders as HTML in Jupyter and as aligned text with ``str()``."""

    def __init__(
        self, headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str = ""
    ) -> None:
        """Keep ``headers`` and ``rows`` (cells are shown with ``str``)."""
        self.headers = list(headers)
        self.rows = [[_cell(value) for value in row] for row in rows]
        self.title = title

    def __str__(self) -> str:
        body = text_table(self.headers, self.rows)
        return f"{self.title}\n{body}" if self.title else body

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        """Jupyter rendering: an HTML table, every cell escaped."""
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


@dataclass(frozen=True)
class BatchResult:
    """One prompt's outcome: the answer (or the error), which target served it, time, tokens."""

    index: int
    prompt: Prompt
    text: Optional[str]
    target_index: Optional[int]
    latency: float
    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    error: Optional[str] = None
    error_type: Optional[str] = None
    response: Optional[ChatCompletion] = field(default=None, repr=False, compare=False)

    @classmethod
    def answered(
        cls, index: int, prompt: Prompt, response: ChatCompletion, latency: float
    ) -> "BatchResult":
        """The result of a call that ``response`` answered in ``latency`` seconds."""
        usage = response.usage
        return cls(
            index=index,
            prompt=prompt,
            text=answer_text(response),
            target_index=response.gateway.target_index,
            latency=latency,
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
            total_tokens=usage.total_tokens if usage else None,
            response=response,
        )

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.error is None

    @property
    def target(self) -> str:
        """A label for the target: ``target 0``, or ``unknown`` when the gateway did not say."""
        return f"target {self.target_index}" if self.target_index is not None else "unknown"


class BatchResults(List[BatchResult]):
    """The results of :func:`run_batch`, in prompt order; a list that renders as a table."""

    def table(self) -> Table:
        """One row per prompt: prompt, target, latency, tokens, answer or error."""
        rows = [
            [
                result.index,
                _short(_prompt_text(result.prompt), 40),
                result.target,
                result.latency,
                result.total_tokens,
                _short(result.text or "", 60) if result.ok else f"ERROR {result.error_type}",
            ]
            for result in self
        ]
        return Table(["#", "prompt", "target", "latency s", "tokens", "answer"], rows)

    def summary(self) -> "ABSummary":
        """Per-target summary of these results (see :func:`ab_summary`)."""
        return ab_summary(self)

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        """Jupyter rendering: the per-prompt table."""
        return self.table()._repr_html_()


def _prompt_text(prompt: Prompt) -> str:
    if isinstance(prompt, str):
        return prompt
    last = prompt[-1] if prompt else {}
    return str(last.get("content", ""))


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass
class TargetStats:
    """Totals for one target over a batch."""

    calls: int = 0
    errors: int = 0
    total_latency: float = 0.0
    tokens: int = 0

    @property
    def mean_latency(self) -> float:
        """Mean seconds per call (0 when there were none)."""
        return self.total_latency / self.calls if self.calls else 0.0


class ABSummary(Table):
    """Per target: calls, errors, mean latency and tokens; ``stats`` holds the numbers."""

    def __init__(self, stats: Mapping[str, TargetStats]) -> None:
        """Build the table from per-target totals (keys are labels such as ``target 0``)."""
        self.stats = dict(stats)
        total = sum(stat.calls for stat in self.stats.values())
        rows = [
            [
                label,
                stat.calls,
                f"{100 * stat.calls / total:.0f}%" if total else "-",
                stat.errors,
                stat.mean_latency,
                stat.tokens,
            ]
            for label, stat in self.stats.items()
        ]
        super().__init__(["target", "calls", "share", "errors", "mean latency s", "tokens"], rows)


def ab_summary(results: Sequence[BatchResult]) -> ABSummary:
    """Per target (in target order; ``unknown`` last): calls, errors, mean latency, tokens."""
    stats: Dict[str, TargetStats] = {}
    ordered = sorted(
        results,
        key=lambda r: (r.target_index is None, r.target_index or 0),
    )
    for result in ordered:
        stat = stats.setdefault(result.target, TargetStats())
        stat.calls += 1
        stat.errors += 0 if result.ok else 1
        stat.total_latency += result.latency
        stat.tokens += result.total_tokens or 0
    return ABSummary(stats)


def _one_call(
    client: Portkey, index: int, prompt: Prompt, params: Mapping[str, Any]
) -> BatchResult:
    messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else list(prompt)
    started = time.monotonic()
    try:
        response = client.chat.completions.create(messages=messages, **params)
    except Exception as exc:
        # A failed call is a result too: which target failed matters in an A/B comparison.
        headers = exc.headers if isinstance(exc, APIStatusError) else {}
        return BatchResult(
            index=index,
            prompt=prompt,
            text=None,
            target_index=GatewayInfo.from_headers(headers).target_index,
            latency=time.monotonic() - started,
            error=str(exc),
            error_type=type(exc).__name__,
        )
    return BatchResult.answered(index, prompt, response, time.monotonic() - started)


def run_batch(
    prompts: Sequence[Prompt],
    client: Optional[Portkey] = None,
    *,
    concurrency: int = 8,
    progress: bool = True,
    progress_stream: Optional[TextIO] = None,
    **params: Any,
) -> BatchResults:
    """Send each prompt as a chat call, ``concurrency`` at a time; results in prompt order.

    A prompt is a string (sent as one user message) or a list of messages. ``params`` go to
    every call (``model``, ``max_tokens``, ``temperature``, ...). ``client`` defaults to
    ``Portkey()`` configured from the environment. Threads are used rather than asyncio so this
    works inside Jupyter's running event loop. With ``progress``, a bar is drawn on stderr
    (tqdm's when it is installed).
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be 1 or more; got {concurrency}")
    prompts = list(prompts)
    chosen = client if client is not None else Portkey()
    results: List[Optional[BatchResult]] = [None] * len(prompts)
    work: queue.Queue[int] = queue.Queue()
    for index in range(len(prompts)):
        work.put(index)
    finished: queue.Queue[int] = queue.Queue()
    stop = threading.Event()

    def worker() -> None:
        try:
            while not stop.is_set():
                try:
                    index = work.get_nowait()
                except queue.Empty:
                    return
                results[index] = _one_call(chosen, index, prompts[index], params)
                finished.put(index)
        finally:
            chosen.close()  # this thread's pooled connections

    threads = [
        threading.Thread(target=worker, name=f"portkey-batch-{n}", daemon=True)
        for n in range(min(concurrency, len(prompts)))
    ]
    bar = (
        progress_bar(len(prompts), progress_stream or sys.stderr, unit="prompt")
        if progress
        else None
    )
    for thread in threads:
        thread.start()
    try:
        for _ in range(len(prompts)):
            finished.get()
            if bar is not None:
                bar.update(1)
    finally:
        stop.set()  # on Ctrl-C: hand out no more prompts; calls in flight finish
        for thread in threads:
            thread.join()
        if bar is not None:
            bar.close()
    return BatchResults(result for result in results if result is not None)
