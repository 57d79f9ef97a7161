"""``ExperimentResult``: an experiment's records, as a table, a summary and pictures."""

import html
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from .extras import optional_module
from .records import CallRecord, read_results
from .scoring import Scorer
from .summary import PriceLike, Summary, summarize, target_label

__all__ = ["ExperimentResult", "load_results"]

_TABLE_ROWS = 20


class ExperimentResult:
    """The records of a run, one per prompt in dataset order.

    ``records`` are :class:`CallRecord`; ``table()`` gives them as a pandas DataFrame (when
    pandas is installed) or a list of dicts; ``summary()`` compares the targets; the ``plot_*``
    methods draw them (they need the ``notebook`` extra). In Jupyter the result shows as a
    short HTML table.
    """

    def __init__(
        self,
        records: Sequence[CallRecord],
        *,
        labels: Optional[Sequence[str]] = None,
        experiment: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Wrap ``records``; ``labels`` name the targets (``target 0``, ... by default)."""
        self.records = list(records)
        self.labels = list(labels) if labels is not None else None
        self.experiment = dict(experiment or {})

    def __len__(self) -> int:
        return len(self.records)

    def label(self, target: Optional[int]) -> str:
        """The name of target ``target`` (``unknown`` for None)."""
        return target_label(target, self.labels)

    def to_records(self) -> List[Dict[str, Any]]:
        """One dict per call (the :class:`CallRecord` fields plus ``label``)."""
        return [{**r.to_dict(), "label": self.label(r.target)} for r in self.records]

    def table(self) -> Any:
        """The calls as a pandas DataFrame when pandas is installed, else a list of dicts."""
        pandas = optional_module("pandas")
        rows = self.to_records()
        return pandas.DataFrame(rows) if pandas is not None else rows

    def summary(
        self,
        *,
        prices: Optional[Mapping[Any, PriceLike]] = None,
        score: Union[str, Scorer, None] = None,
        alpha: float = 0.05,
        confidence: float = 0.95,
        resamples: int = 1000,
        seed: int = 0,
    ) -> Summary:
        """Per-target numbers with intervals and the verdict (see :func:`summarize`)."""
        return summarize(
            self.records,
            labels=self.labels,
            prices=prices,
            score=score,
            alpha=alpha,
            confidence=confidence,
            resamples=resamples,
            seed=seed,
        )

    def counts(self) -> Dict[str, int]:
        """Calls per target label (from the gateway's header), in target order."""
        found: Dict[Optional[int], int] = {}
        for record in self.records:
            found[record.target] = found.get(record.target, 0) + 1
        ordered = sorted(found, key=lambda t: (t is None, t or 0))
        return {self.label(t): found[t] for t in ordered}

    def plot_latency(self, ax: Any = None) -> Any:
        """Latency distribution per target (needs the ``notebook`` extra); returns the axes."""
        from .plots import plot_latency

        return plot_latency(self.summary(), ax=ax)

    def plot(self, **summary_options: Any) -> Any:
        """The three pictures side by side (latency, success and score, cost vs quality);
        ``summary_options`` go to :meth:`summary`. Returns the matplotlib figure."""
        from .plots import plot_summary

        return plot_summary(self.summary(**summary_options))

    def __str__(self) -> str:
        counts = ", ".join(f"{label}: {n}" for label, n in self.counts().items())
        failed = sum(1 for r in self.records if not r.ok)
        return f"ExperimentResult({len(self.records)} calls; {counts}; {failed} failed)"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """Jupyter rendering: counts and the first calls."""
        headers = ["#", "prompt", "target", "ok", "latency s", "tokens", "output / error"]
        rows = []
        for record in self.records[:_TABLE_ROWS]:
            answer = record.output if record.ok else f"{record.error_type}: {record.error}"
            rows.append(
                [
                    str(record.index),
                    _short(record.prompt, 50),
                    self.label(record.target),
                    "yes" if record.ok else "no",
                    f"{record.latency:.3f}",
                    str(record.total_tokens) if record.total_tokens is not None else "-",
                    _short(answer or "", 60),
                ]
            )
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in rows
        )
        more = len(self.records) - len(rows)
        tail = f"<p>... and {more} more calls (see .table())</p>" if more > 0 else ""
        return (
            f"<p>{html.escape(str(self))}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{tail}"
        )


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def load_results(
    path: Union[str, "os.PathLike[str]"], labels: Optional[Sequence[str]] = None
) -> ExperimentResult:
    """An :class:`ExperimentResult` from a results file written by ``run_experiment``."""
    experiment, records = read_results(path)
    return ExperimentResult(records, labels=labels, experiment=experiment)
