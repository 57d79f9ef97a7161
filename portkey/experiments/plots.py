"""Pictures of a summary with matplotlib (the ``notebook`` extra: ``pip install
'portkey-gateway-sdk[notebook]'``). Each function draws on ``ax`` (or a new figure) and returns
the axes.
"""

import math
from typing import Any, List, Optional, Tuple

from .extras import require
from .stats import Interval
from .summary import Summary, TargetSummary

__all__ = ["plot_cost_quality", "plot_latency", "plot_rates", "plot_summary"]


def _pyplot() -> Any:
    return require("matplotlib.pyplot", "notebook", "Plotting an experiment")


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    _, created = _pyplot().subplots(figsize=(5, 3.5))
    return created


def _known(summary: Summary) -> List[TargetSummary]:
    return [t for t in summary.targets if t.target is not None] or list(summary.targets)


def plot_latency(summary: Summary, ax: Any = None) -> Any:
    """Latency of the successful calls per target: a box plot with every call as a dot."""
    ax = _axes(ax)
    targets = [t for t in _known(summary) if t.latencies]
    if not targets:
        ax.text(0.5, 0.5, "no successful calls", ha="center", va="center")
        return ax
    data = [list(t.latencies) for t in targets]
    positions = list(range(1, len(targets) + 1))
    ax.boxplot(data, positions=positions, widths=0.5, showfliers=False)
    for position, values in zip(positions, data):
        # A deterministic spread keeps the picture the same from run to run.
        offsets = [((i * 37) % 21 - 10) / 60 for i in range(len(values))]
        ax.scatter([position + o for o in offsets], values, s=6, alpha=0.35)
    ax.set_xticks(positions)
    ax.set_xticklabels([t.label for t in targets])
    ax.set_ylabel("latency (s)")
    ax.set_title("Latency per target")
    return ax


def _level(summary: Summary) -> str:
    return f"{100 * summary.confidence:g} %"


def _error(interval: Interval) -> Tuple[float, float]:
    return interval.value - interval.low, interval.high - interval.value


def plot_rates(summary: Summary, ax: Any = None) -> Any:
    """Success rate (and score, when scored) per target as bars with their intervals."""
    ax = _axes(ax)
    targets = _known(summary)
    scored = any(t.score for t in targets)
    width = 0.38 if scored else 0.6
    xs = list(range(len(targets)))
    metrics: List[Tuple[str, List[Optional[Interval]]]] = [
        ("success", [t.success_rate for t in targets])
    ]
    if scored:
        metrics.append(("score", [t.score for t in targets]))
    for slot, (name, intervals) in enumerate(metrics):
        shift = (slot - (len(metrics) - 1) / 2) * width
        values = [i.value if i and not math.isnan(i.value) else 0.0 for i in intervals]
        lows = [_error(i)[0] if i and not math.isnan(i.value) else 0.0 for i in intervals]
        highs = [_error(i)[1] if i and not math.isnan(i.value) else 0.0 for i in intervals]
        ax.bar([x + shift for x in xs], values, width, yerr=[lows, highs], capsize=4, label=name)
    ax.set_xticks(xs)
    ax.set_xticklabels([t.label for t in targets])
    ax.set_ylim(0, 1.2)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel(f"rate ({_level(summary)} interval)")
    ax.set_title("Success" + (" and score" if scored else "") + " per target")
    ax.legend(loc="upper center", ncol=len(metrics), frameon=False)
    return ax


def plot_cost_quality(summary: Summary, ax: Any = None) -> Any:
    """Cost per call (or tokens per call, without prices) against quality (the score, else the
    success rate), one point per target with its quality interval."""
    ax = _axes(ax)
    targets = _known(summary)
    priced = any(t.cost_per_call is not None for t in targets)
    scored = any(t.score for t in targets)
    xs = []
    for slot, t in enumerate(targets):
        cost = t.cost_per_call * 1000 if t.cost_per_call is not None else None
        x = cost if priced else t.tokens_per_call
        quality = t.score if scored else t.success_rate
        if x is None or quality is None or math.isnan(quality.value):
            continue
        xs.append(x)
        low, high = _error(quality)
        ax.errorbar([x], [quality.value], yerr=[[low], [high]], fmt="o", capsize=4, label=t.label)
        # Alternate label sides so targets at the same point stay readable.
        offset = (10, 2) if slot % 2 == 0 else (10, -12)
        ax.annotate(t.label, (x, quality.value), textcoords="offset points", xytext=offset)
    if xs and math.isclose(max(xs), min(xs), rel_tol=1e-6):
        # One cost for all: centre it rather than zoom into rounding noise.
        ax.set_xlim(xs[0] * 0.5 if xs[0] else -1, xs[0] * 1.5 if xs[0] else 1)
    ax.set_ylim(-0.05, 1.15)
    ax.set_xlabel("cost per 1,000 calls" if priced else "tokens per call")
    ax.set_ylabel(("score" if scored else "success rate") + f" ({_level(summary)} interval)")
    ax.set_title("Cost vs quality")
    return ax


def plot_summary(summary: Summary) -> Any:
    """The three pictures side by side; returns the figure."""
    figure, axes = _pyplot().subplots(1, 3, figsize=(14, 4))
    plot_latency(summary, axes[0])
    plot_rates(summary, axes[1])
    plot_cost_quality(summary, axes[2])
    figure.tight_layout()
    return figure
