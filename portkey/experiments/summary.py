"""Per-target summary with uncertainty, and a plain-words verdict on the differences.

For each target: calls and share, success rate with its Wilson 95 % interval, latency p50/p95
of the successful calls with seeded bootstrap intervals, time to first token (streamed runs),
tokens and cost per call, and the score with its interval. The verdict compares every target
with the first one (the baseline): success and 0/1 scores with the two-proportion z test,
latency and other scores with the Mann-Whitney U test, at ``alpha`` (default 0.05). Below
``MIN_CALLS`` calls per target a comparison says "not enough data" instead of guessing.
"""

import html
import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .._console import text_table
from ..api_resources.exceptions import InvalidRequestError
from .extras import optional_module
from .records import CallRecord
from .scoring import Scorer, score_record, scorer_for
from .stats import (
    Interval,
    TestResult,
    bootstrap_interval,
    mann_whitney_u,
    quantile,
    two_proportion_test,
    wilson_interval,
)

__all__ = [
    "MIN_CALLS",
    "Finding",
    "Price",
    "Summary",
    "TargetSummary",
    "summarize",
    "target_label",
]

MIN_CALLS = 10
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Price:
    """What a target's tokens cost, per million prompt (``input``) and completion
    (``output``) tokens."""

    input: float
    output: float

    def __post_init__(self) -> None:
        for name in ("input", "output"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise InvalidRequestError(
                    f"Price.{name} must be a number >= 0 (per million tokens); got {value!r}",
                    field=name,
                )


PriceLike = Union[Price, Tuple[float, float]]
# How to say a difference: the phrase when the target is higher, when it is lower, and whether
# higher is better.
Words = Tuple[str, str, bool]


@dataclass(frozen=True)
class TargetSummary:
    """One target's numbers. Intervals are 95 % unless the summary was asked otherwise;
    ``None`` where there is nothing to measure (no successful call, no prices, no score)."""

    label: str
    target: Optional[int]
    calls: int
    share: float
    successes: int
    success_rate: Interval
    latency_p50: Optional[Interval]
    latency_p95: Optional[Interval]
    ttft_p50: Optional[Interval]
    tokens_per_call: Optional[float]
    cost_per_call: Optional[float]
    score: Optional[Interval]
    scored: int
    latencies: Tuple[float, ...] = field(repr=False)
    scores: Tuple[float, ...] = field(repr=False)


@dataclass(frozen=True)
class Finding:
    """One comparison of a target with the baseline, in words and numbers.

    ``outcome`` is ``"better"``, ``"worse"``, ``"no clear difference"``, ``"identical"`` or
    ``"not enough data"``; ``p_value`` is None when no test was run.
    """

    metric: str
    target: str
    baseline: str
    outcome: str
    p_value: Optional[float]
    text: str


def target_label(target: Optional[int], labels: Optional[Sequence[str]] = None) -> str:
    """The name shown for target index ``target``: its label, ``target N``, or ``unknown``."""
    if target is None:
        return UNKNOWN
    if labels is not None and target < len(labels):
        return str(labels[target])
    return f"target {target}"


def _price_for(
    prices: Optional[Mapping[Any, PriceLike]], label: str, target: Optional[int]
) -> Optional[Price]:
    if not prices:
        return None
    raw = prices.get(label, prices.get(target) if target is not None else None)
    if raw is None:
        return None
    return raw if isinstance(raw, Price) else Price(*raw)


def _mean(values: Sequence[float]) -> Optional[float]:
    return sum(values) / len(values) if values else None


def _target_summary(
    label: str,
    target: Optional[int],
    records: List[CallRecord],
    total: int,
    price: Optional[Price],
    scorer: Optional[Scorer],
    confidence: float,
    resamples: int,
    seed: int,
) -> TargetSummary:
    answered = [r for r in records if r.ok]
    latencies = [r.latency for r in answered]
    ttfts = [r.ttft for r in answered if r.ttft is not None]

    def boot(values: List[float], q: float) -> Optional[Interval]:
        if not values:
            return None
        return bootstrap_interval(
            values,
            lambda sample: quantile(sample, q),
            resamples=resamples,
            confidence=confidence,
            seed=seed,
        )

    tokens = [r.total_tokens for r in answered if r.total_tokens is not None]
    cost = None
    if price is not None:
        costs = [
            ((r.prompt_tokens or 0) * price.input + (r.completion_tokens or 0) * price.output) / 1e6
            for r in answered
            if r.prompt_tokens is not None or r.completion_tokens is not None
        ]
        cost = _mean(costs)
    scores: List[float] = []
    if scorer is not None:
        scores = [s for s in (score_record(scorer, r) for r in records) if s is not None]
    return TargetSummary(
        label=label,
        target=target,
        calls=len(records),
        share=len(records) / total if total else math.nan,
        successes=len(answered),
        success_rate=wilson_interval(len(answered), len(records), confidence),
        latency_p50=boot(latencies, 0.5),
        latency_p95=boot(latencies, 0.95),
        ttft_p50=boot(ttfts, 0.5),
        tokens_per_call=_mean([float(t) for t in tokens]),
        cost_per_call=cost,
        score=_score_interval(scores, confidence, resamples, seed),
        scored=len(scores),
        latencies=tuple(latencies),
        scores=tuple(scores),
    )


def _binary(values: Sequence[float]) -> bool:
    return all(v in (0.0, 1.0) for v in values)


def _score_interval(
    scores: List[float], confidence: float, resamples: int, seed: int
) -> Optional[Interval]:
    if not scores:
        return None
    if _binary(scores):
        return wilson_interval(int(sum(scores)), len(scores), confidence)
    return bootstrap_interval(
        scores, lambda s: sum(s) / len(s), resamples=resamples, confidence=confidence, seed=seed
    )


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _not_enough(
    metric: str, a: TargetSummary, b: TargetSummary, n_a: int, n_b: int, unit: str = "calls"
) -> Finding:
    return Finding(
        metric,
        b.label,
        a.label,
        "not enough data",
        None,
        f"{metric}: not enough data to compare {b.label} with {a.label} (need at least "
        f"{MIN_CALLS} {unit} per target; have {n_b} and {n_a}).",
    )


def _rate_finding(
    metric: str,
    a: TargetSummary,
    b: TargetSummary,
    counts: Tuple[int, int, int, int],
    alpha: float,
    words: Words,
) -> Finding:
    hits_a, n_a, hits_b, n_b = counts
    if min(n_a, n_b) < MIN_CALLS:
        unit = "calls" if metric == "Success rate" else "scored calls"
        return _not_enough(metric, a, b, n_a, n_b, unit)
    rate_a, rate_b = hits_a / n_a, hits_b / n_b
    numbers = f"{100 * rate_b:.1f} % vs {100 * rate_a:.1f} %"
    test = two_proportion_test(hits_a, n_a, hits_b, n_b)
    if test is None:
        every = "every" if rate_a == 1.0 else "no"
        return Finding(
            metric,
            b.label,
            a.label,
            "identical",
            None,
            f"{metric}: the same on both — {every} call succeeded on {b.label} and {a.label} "
            f"({n_b} and {n_a} calls); nothing to tell them apart."
            if metric == "Success rate"
            else f"{metric}: the same on both ({numbers}, {n_b} and {n_a} calls).",
        )
    return _decide(metric, a, b, test, alpha, numbers, "two-proportion z test", words)


def _decide(
    metric: str,
    a: TargetSummary,
    b: TargetSummary,
    test: TestResult,
    alpha: float,
    numbers: str,
    method: str,
    words: Words,
) -> Finding:
    detail = f"({numbers}; {method}, {_p_text(test.p_value)})"
    if test.p_value >= alpha:
        return Finding(
            metric,
            b.label,
            a.label,
            "no clear difference",
            test.p_value,
            f"{metric}: no clear difference between {b.label} and {a.label} {detail}.",
        )
    higher_phrase, lower_phrase, higher_is_better = words
    higher = test.statistic > 0
    outcome = "better" if higher == higher_is_better else "worse"
    phrase = higher_phrase if higher else lower_phrase
    return Finding(
        metric,
        b.label,
        a.label,
        outcome,
        test.p_value,
        f"{metric}: {b.label} {phrase} than {a.label} {detail}.",
    )


def _latency_finding(a: TargetSummary, b: TargetSummary, alpha: float) -> Finding:
    metric = "Latency"
    if min(len(a.latencies), len(b.latencies)) < MIN_CALLS:
        return _not_enough(metric, a, b, len(a.latencies), len(b.latencies), "successful calls")
    result = mann_whitney_u(a.latencies, b.latencies)
    median_a, median_b = quantile(a.latencies, 0.5), quantile(b.latencies, 0.5)
    numbers = f"median {median_b:.3f} s vs {median_a:.3f} s"
    if result is None:
        return Finding(
            metric, b.label, a.label, "identical", None, f"{metric}: the same ({numbers})."
        )
    return _decide(
        metric,
        a,
        b,
        result[1],
        alpha,
        numbers,
        "Mann-Whitney U test",
        ("is slower", "is faster", False),
    )


def _score_finding(a: TargetSummary, b: TargetSummary, alpha: float) -> Finding:
    metric = "Score"
    if _binary(a.scores) and _binary(b.scores):
        counts = (int(sum(a.scores)), len(a.scores), int(sum(b.scores)), len(b.scores))
        return _rate_finding(metric, a, b, counts, alpha, ("scores higher", "scores lower", True))
    if min(len(a.scores), len(b.scores)) < MIN_CALLS:
        return _not_enough(metric, a, b, len(a.scores), len(b.scores), "scored calls")
    result = mann_whitney_u(a.scores, b.scores)
    numbers = f"mean {sum(b.scores) / len(b.scores):.3f} vs {sum(a.scores) / len(a.scores):.3f}"
    if result is None:
        return Finding(metric, b.label, a.label, "identical", None, f"{metric}: the same.")
    return _decide(
        metric,
        a,
        b,
        result[1],
        alpha,
        numbers,
        "Mann-Whitney U test",
        ("scores higher", "scores lower", True),
    )


class Summary:
    """The per-target summary and the verdict; renders as HTML in Jupyter, text with ``str``.

    ``targets`` holds a :class:`TargetSummary` per target (in target order; calls whose target
    is unknown last), ``findings`` the comparisons, ``verdict`` their sentences.
    """

    def __init__(
        self, targets: List[TargetSummary], findings: List[Finding], confidence: float = 0.95
    ) -> None:
        """Keep the numbers (see :func:`summarize`); ``confidence`` is the intervals' level."""
        self.targets = targets
        self.findings = findings
        self.confidence = confidence

    @property
    def verdict(self) -> List[str]:
        """The findings in plain words, one sentence each."""
        return [finding.text for finding in self.findings]

    def __getitem__(self, label: str) -> TargetSummary:
        for target in self.targets:
            if target.label == label:
                return target
        raise KeyError(label)

    def records(self) -> List[Dict[str, Any]]:
        """One dict of plain numbers per target (interval bounds as ``*_low``/``*_high``)."""
        rows = []
        for t in self.targets:
            row: Dict[str, Any] = {
                "target": t.label,
                "calls": t.calls,
                "share": t.share,
                "successes": t.successes,
            }
            for name in ("success_rate", "latency_p50", "latency_p95", "ttft_p50", "score"):
                interval = getattr(t, name)
                row[name] = interval.value if interval else None
                row[f"{name}_low"] = interval.low if interval else None
                row[f"{name}_high"] = interval.high if interval else None
            row["tokens_per_call"] = t.tokens_per_call
            row["cost_per_call"] = t.cost_per_call
            row["scored"] = t.scored
            rows.append(row)
        return rows

    def table(self) -> Any:
        """:meth:`records` as a pandas DataFrame when pandas is installed, else the list."""
        pandas = optional_module("pandas")
        rows = self.records()
        return pandas.DataFrame(rows).set_index("target") if pandas is not None else rows

    def _display_rows(self) -> Tuple[List[str], List[List[str]]]:
        streamed = any(t.ttft_p50 for t in self.targets)
        priced = any(t.cost_per_call is not None for t in self.targets)
        scored = any(t.score for t in self.targets)
        headers = ["target", "calls", "share", "success", "p50 latency s", "p95 latency s"]
        headers += ["p50 TTFT s"] * streamed + ["tokens/call"]
        headers += ["cost/call"] * priced + ["score"] * scored
        rows = []
        for t in self.targets:
            row = [
                t.label,
                str(t.calls),
                f"{100 * t.share:.0f}%",
                _percent(t.success_rate),
                _seconds(t.latency_p50),
                _seconds(t.latency_p95),
            ]
            row += [_seconds(t.ttft_p50)] * streamed
            row.append(f"{t.tokens_per_call:.1f}" if t.tokens_per_call is not None else "-")
            if priced:
                row.append(f"{t.cost_per_call:.3g}" if t.cost_per_call is not None else "-")
            if scored:
                row.append(_percent(t.score) if t.score else "-")
            rows.append(row)
        return headers, rows

    def __str__(self) -> str:
        headers, rows = self._display_rows()
        lines = [text_table(headers, rows), ""]
        lines += [f"- {sentence}" for sentence in self.verdict]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        """Jupyter rendering: the table (intervals in brackets) and the verdict as a list."""
        headers, rows = self._display_rows()
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in rows
        )
        verdict = "".join(f"<li>{html.escape(sentence)}</li>" for sentence in self.verdict)
        return (
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p>{100 * self.confidence:g} % intervals in brackets.</p>"
            f"<p><b>Verdict</b></p><ul>{verdict}</ul>"
        )


def _percent(interval: Interval) -> str:
    if math.isnan(interval.value):
        return "-"
    return f"{100 * interval.value:.1f}% [{100 * interval.low:.1f}, {100 * interval.high:.1f}]"


def _seconds(interval: Optional[Interval]) -> str:
    if interval is None:
        return "-"
    return f"{interval.value:.3f} [{interval.low:.3f}, {interval.high:.3f}]"


def summarize(
    records: Sequence[CallRecord],
    *,
    labels: Optional[Sequence[str]] = None,
    prices: Optional[Mapping[Any, PriceLike]] = None,
    score: Union[str, Scorer, None] = None,
    alpha: float = 0.05,
    confidence: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> Summary:
    """The per-target :class:`Summary` of ``records`` (see the module docs for the methods).

    ``prices`` maps a target's label or index to a :class:`Price` (or ``(input, output)``,
    per million tokens). ``score`` is ``"exact"``, ``"contains"`` or a function
    ``(output, expected) -> number | bool | None``; it scores answered calls.
    """
    if not 0 < alpha < 1:
        raise InvalidRequestError(f"alpha must be between 0 and 1; got {alpha!r}", field="alpha")
    scorer = scorer_for(score)
    groups: Dict[Optional[int], List[CallRecord]] = {}
    for record in records:
        groups.setdefault(record.target, []).append(record)
    order = sorted(groups, key=lambda t: (t is None, t or 0))

    def label_of(target: Optional[int]) -> str:
        return target_label(target, labels)

    # A priced target that served no call is fine; a label that names no target is a typo.
    named = {label_of(t) for t in order} | set(labels or ())
    for key in prices or {}:
        if not isinstance(key, int) and key not in named:
            raise InvalidRequestError(
                f"prices has {key!r}, which names no target of these results "
                f"{sorted(named)}: key prices by label or by target index",
                field="prices",
            )
    targets = [
        _target_summary(
            label_of(t),
            t,
            groups[t],
            len(records),
            _price_for(prices, label_of(t), t),
            scorer,
            confidence,
            resamples,
            seed,
        )
        for t in order
    ]
    compared = [t for t in targets if t.target is not None]
    findings: List[Finding] = []
    if len(compared) < 2:
        findings.append(
            Finding(
                "Comparison",
                compared[0].label if compared else UNKNOWN,
                "-",
                "not enough data",
                None,
                "Not enough data: the results hold fewer than two targets to compare.",
            )
        )
    baseline = compared[0] if compared else None
    for other in compared[1:]:
        assert baseline is not None
        counts = (baseline.successes, baseline.calls, other.successes, other.calls)
        findings.append(
            _rate_finding(
                "Success rate",
                baseline,
                other,
                counts,
                alpha,
                ("succeeds more often", "succeeds less often", True),
            )
        )
        findings.append(_latency_finding(baseline, other, alpha))
        if scorer is not None:
            findings.append(_score_finding(baseline, other, alpha))
    return Summary(targets, findings, confidence)
