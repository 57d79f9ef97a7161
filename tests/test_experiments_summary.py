"""The per-target summary, the verdict in words, scoring, prices, tables, Jupyter reprs and the
plots (portkey/experiments/summary.py, result.py, plots.py), on records with known numbers."""

from __future__ import annotations

import random
import sys
from typing import Any, List, Optional

import pytest

from portkey.api_resources.exceptions import InvalidRequestError
from portkey.experiments import (
    CallRecord,
    ExperimentResult,
    MissingExtraError,
    Price,
    summarize,
)
from portkey.experiments.stats import wilson_interval


def record(
    n: int,
    target: Optional[int],
    latency: float = 0.1,
    ok: bool = True,
    output: str = "Paris",
    expected: Any = "Paris",
    tokens: tuple = (10, 5),
) -> CallRecord:
    return CallRecord(
        id=f"r{n}",
        index=n,
        prompt=f"<prompt {n}>",
        target=target,
        assigned_target=None,
        ok=ok,
        status=200 if ok else 500,
        latency=latency,
        prompt_tokens=tokens[0] if ok else None,
        completion_tokens=tokens[1] if ok else None,
        total_tokens=sum(tokens) if ok else None,
        output=output if ok else None,
        expected=expected,
        error_type=None if ok else "InternalServerError",
        error=None if ok else "500: boom",
    )


def two_targets(n: int, fail_b: int = 0, slow_b: float = 0.0, seed: int = 0) -> List[CallRecord]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        records.append(record(i, 0, latency=rng.uniform(0.1, 0.2)))
    for i in range(n):
        records.append(record(n + i, 1, latency=rng.uniform(0.1, 0.2) + slow_b, ok=i >= fail_b))
    return records


def finding(summary: Any, metric: str) -> Any:
    return next(f for f in summary.findings if f.metric == metric)


def test_numbers_per_target() -> None:
    records = [record(i, 0, latency=0.1 * (i + 1)) for i in range(10)]
    records += [record(10 + i, 1, ok=i < 8) for i in range(10)]
    records.append(record(99, None, ok=False))

    summary = summarize(records, prices={"target 0": Price(1.0, 2.0), 1: (3.0, 4.0)})

    zero, one, unknown = summary.targets
    assert (zero.label, one.label, unknown.label) == ("target 0", "target 1", "unknown")
    assert zero.calls == 10 and zero.share == pytest.approx(10 / 21)
    assert zero.success_rate == wilson_interval(10, 10)
    assert one.success_rate == wilson_interval(8, 10) and one.successes == 8
    assert zero.latency_p50 is not None and zero.latency_p50.value == pytest.approx(0.55)
    assert zero.latency_p95 is not None and zero.latency_p95.value == pytest.approx(0.955)
    assert zero.latency_p50.low <= 0.55 <= zero.latency_p50.high
    assert zero.tokens_per_call == 15
    assert zero.cost_per_call == pytest.approx((10 * 1.0 + 5 * 2.0) / 1e6)
    assert one.cost_per_call == pytest.approx((10 * 3.0 + 5 * 4.0) / 1e6)
    assert unknown.latency_p50 is None and unknown.tokens_per_call is None
    assert zero.ttft_p50 is None and zero.score is None
    assert summary["target 1"] is one


def test_summary_is_reproducible_with_its_seed() -> None:
    records = two_targets(30, slow_b=0.05)
    assert summarize(records, seed=3).targets == summarize(records, seed=3).targets
    assert summarize(records, seed=3).targets != summarize(records, seed=4).targets


def test_verdict_names_a_clear_difference_in_plain_words() -> None:
    summary = summarize(two_targets(60, fail_b=15, slow_b=0.1))

    rate, latency = finding(summary, "Success rate"), finding(summary, "Latency")
    assert rate.outcome == "worse" and rate.p_value is not None and rate.p_value < 0.001
    assert rate.text.startswith("Success rate: target 1 succeeds less often than target 0")
    assert "75.0 % vs 100.0 %" in rate.text and "two-proportion z test" in rate.text
    assert latency.outcome == "worse"
    assert latency.text.startswith("Latency: target 1 is slower than target 0 (median")
    assert "Mann-Whitney U test, p < 0.001" in latency.text
    assert summary.verdict == [f.text for f in summary.findings]


def test_verdict_says_when_there_is_no_clear_difference_or_nothing_to_test() -> None:
    summary = summarize(two_targets(40, fail_b=0, slow_b=0.0, seed=1))

    rate, latency = finding(summary, "Success rate"), finding(summary, "Latency")
    assert rate.outcome == "identical" and "every call succeeded" in rate.text
    assert latency.outcome == "no clear difference"
    assert latency.p_value is not None and latency.p_value >= 0.05


def test_verdict_says_not_enough_data_when_that_is_the_truth() -> None:
    summary = summarize(two_targets(6, fail_b=3, slow_b=1.0))
    for metric in ("Success rate", "Latency"):
        assert finding(summary, metric).outcome == "not enough data"
    assert (
        "need at least 10 calls per target; have 6 and 6" in finding(summary, "Success rate").text
    )
    assert "10 successful calls per target; have 3 and 6" in finding(summary, "Latency").text

    lonely = summarize([record(i, 0) for i in range(30)])
    assert lonely.findings[0].outcome == "not enough data"
    assert "fewer than two targets" in lonely.verdict[0]


def test_exact_contains_and_custom_scores_with_intervals() -> None:
    records = [record(i, 0, output="Paris") for i in range(20)]
    records += [record(20 + i, 1, output="It is Paris." if i < 10 else "Lyon") for i in range(20)]
    records.append(record(40, 1, ok=False))  # a failed call has no score

    exact = summarize(records, score="exact")
    assert exact["target 0"].score == wilson_interval(20, 20)
    assert exact["target 1"].score == wilson_interval(0, 20) and exact["target 1"].scored == 20
    contains = summarize(records, score="contains")
    assert contains["target 1"].score == wilson_interval(10, 20)
    assert finding(contains, "Score").outcome == "worse"
    assert "target 1 scores lower than target 0" in finding(contains, "Score").text

    def length(output: str, expected: Any) -> float:
        return float(len(output))

    custom = summarize(records, score=length)
    score_one = custom["target 1"].score
    assert score_one is not None
    assert score_one.value == pytest.approx((10 * 12 + 10 * 4) / 20)
    assert score_one.low < score_one.value < score_one.high  # a bootstrap interval
    assert "Mann-Whitney" in finding(custom, "Score").text


def test_no_expected_answer_means_no_score() -> None:
    records = [record(i, i % 2, expected=None) for i in range(20)]
    summary = summarize(records, score="exact")
    assert summary["target 0"].score is None and summary["target 0"].scored == 0


def test_bad_summary_options_are_refused() -> None:
    records = two_targets(5)
    with pytest.raises(InvalidRequestError, match="score must be 'exact', 'contains'"):
        summarize(records, score="fuzzy")
    with pytest.raises(InvalidRequestError, match="prices has 'target 7', which names no target"):
        summarize(records, prices={"target 7": Price(1, 1)})
    with pytest.raises(InvalidRequestError, match=r"Price\.output must be a number >= 0"):
        Price(1.0, -2.0)
    with pytest.raises(InvalidRequestError, match="alpha must be between 0 and 1"):
        summarize(records, alpha=5)
    with pytest.raises(InvalidRequestError, match="return a number, a bool or None"):
        summarize(records, score=lambda output, expected: "good")


def test_result_table_summary_labels_and_renderings() -> None:
    result = ExperimentResult(two_targets(12, fail_b=2), labels=["cold", "hot"])

    assert result.counts() == {"cold": 12, "hot": 12}
    table = result.table()
    assert list(table["label"][:1]) == ["cold"] and len(table) == 24  # a pandas DataFrame
    assert set(table.columns) >= {"id", "target", "latency", "ok", "output", "error_type"}
    summary = result.summary(prices={"hot": Price(1, 1)})
    assert [t.label for t in summary.targets] == ["cold", "hot"]
    frame = summary.table()
    assert frame.loc["hot", "success_rate"] == pytest.approx(10 / 12)
    assert frame.loc["hot", "success_rate_low"] == pytest.approx(wilson_interval(10, 12).low)
    text = str(summary)
    assert text.splitlines()[0].split()[:4] == ["target", "calls", "share", "success"]
    assert "- Success rate:" in text
    page = summary._repr_html_()
    assert "<th>p95 latency s</th>" in page and "<li>Latency:" in page
    assert "95 % intervals in brackets" in page
    assert "90 % intervals" in result.summary(confidence=0.9)._repr_html_()
    listing = result._repr_html_()
    assert "&lt;prompt 0&gt;" in listing and "<prompt 0>" not in listing  # escaped
    assert "and 4 more calls" in listing
    assert "InternalServerError" in listing


def test_plots_draw_each_picture(tmp_path: Any) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from portkey.experiments.plots import plot_cost_quality, plot_latency, plot_rates

    result = ExperimentResult(two_targets(20, fail_b=4, slow_b=0.05))
    summary = result.summary(score="exact", prices={0: Price(1, 1), 1: Price(2, 2)})

    latency_ax = plot_latency(summary)
    assert [t.get_text() for t in latency_ax.get_xticklabels()] == ["target 0", "target 1"]
    rates_ax = plot_rates(summary)
    assert len(rates_ax.patches) == 4  # success and score bars for two targets
    cost_ax = plot_cost_quality(summary)
    assert cost_ax.get_xlabel() == "cost per 1,000 calls"
    figure = result.plot(score="exact")
    figure.savefig(tmp_path / "summary.png")
    assert (tmp_path / "summary.png").stat().st_size > 10_000


def test_plots_without_matplotlib_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what an absent package looks like
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    result = ExperimentResult(two_targets(3))

    with pytest.raises(MissingExtraError, match=r"pip install 'portkey-gateway-sdk\[notebook\]'"):
        result.plot()
