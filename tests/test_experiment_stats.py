"""The experiment statistics against published values, exact permutation distributions and
simulations where the true difference is known (portkey/experiments/stats.py)."""

from __future__ import annotations

import itertools
import math
import random
from typing import List, Sequence

import pytest

from portkey.experiments.stats import (
    average_ranks,
    bootstrap_interval,
    mann_whitney_u,
    normal_cdf,
    normal_quantile,
    quantile,
    two_proportion_test,
    wilson_interval,
)

# --- known values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
    ],
)
def test_wilson_interval_matches_newcombe_1998(
    successes: int, trials: int, low: float, high: float
) -> None:
    interval = wilson_interval(successes, trials)
    assert interval.value == pytest.approx(successes / trials)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_two_proportion_z_matches_the_aspirin_study_chi_square() -> None:
    # Physicians' Health Study (Agresti, Categorical Data Analysis): myocardial infarction in
    # 189 of 11034 on placebo and 104 of 11037 on aspirin; Pearson X^2 = 25.01 and z^2 = X^2.
    result = two_proportion_test(189, 11034, 104, 11037)
    assert result is not None
    assert result.statistic**2 == pytest.approx(25.01, abs=0.01)
    assert result.statistic < 0  # the second group (aspirin) has the lower rate
    assert result.p_value < 1e-6


def test_normal_distribution_known_values() -> None:
    assert normal_cdf(1.96) == pytest.approx(0.9750021, abs=1e-7)
    assert normal_cdf(0) == 0.5
    assert normal_quantile(0.975) == pytest.approx(1.959964, abs=1e-6)
    assert normal_quantile(0.5) == pytest.approx(0.0, abs=1e-12)


def test_quantile_is_type_7_linear_interpolation() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert quantile(values, 0.5) == 3.0
    assert quantile(values, 0.95) == pytest.approx(4 + 0.8 * 6)  # position 3.8
    assert quantile([5.0], 0.95) == 5.0
    assert math.isnan(quantile([], 0.5))


def test_average_ranks_share_ties() -> None:
    ranks, ties = average_ranks([10.0, 20.0, 20.0, 5.0, 20.0])
    assert ranks == [2.0, 4.0, 4.0, 1.0, 4.0]
    assert sorted(ties) == [1, 1, 3]


def test_mann_whitney_u_counts_pairs_and_matches_the_textbook_formula() -> None:
    # Complete separation, n = 3 + 3: U = 0, z = (4.5 - 0.5) / sqrt(9 * 7 / 12) = 1.7457.
    outcome = mann_whitney_u([1, 2, 3], [4, 5, 6])
    assert outcome is not None
    u, test = outcome
    assert u == 0.0
    assert test.statistic == pytest.approx(1.7457431, abs=1e-6)
    assert test.p_value == pytest.approx(0.0808556, abs=1e-6)


def u_by_pairs(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(1.0 if x > y else 0.5 if x == y else 0.0 for x in a for y in b)


def exact_two_sided_p(a: Sequence[float], b: Sequence[float]) -> float:
    """The exact permutation p-value of U (two-sided, by distance from the mean)."""
    pooled = [*a, *b]
    mean = len(a) * len(b) / 2
    observed = abs(u_by_pairs(a, b) - mean)
    extreme = total = 0
    for chosen in itertools.combinations(range(len(pooled)), len(a)):
        rest = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        u = u_by_pairs([pooled[i] for i in chosen], rest)
        total += 1
        extreme += abs(u - mean) >= observed - 1e-9
    return extreme / total


@pytest.mark.parametrize("seed", range(6))
def test_mann_whitney_normal_approximation_is_close_to_the_exact_test_with_ties(
    seed: int,
) -> None:
    rng = random.Random(seed)
    # Values rounded to halves make ties; 8 + 8 values: 12,870 permutations, enumerated.
    a = [round(rng.gauss(0, 1) * 2) / 2 for _ in range(8)]
    b = [round(rng.gauss(0.8, 1) * 2) / 2 for _ in range(8)]
    assert len(set(a + b)) < len(a + b)  # there are ties
    outcome = mann_whitney_u(a, b)
    assert outcome is not None
    u, test = outcome
    assert u == u_by_pairs(a, b)
    assert test.p_value == pytest.approx(exact_two_sided_p(a, b), abs=0.03)


def test_mann_whitney_tie_corrected_variance_is_the_exact_permutation_variance() -> None:
    # Under the null every split of the pooled values is equally likely; the variance of U over
    # all splits is exactly what the tie-corrected formula gives.
    a = [1.0, 2.0, 2.0, 3.0, 5.0, 5.0]
    b = [2.0, 3.0, 3.0, 4.0, 5.0, 6.0, 6.0]
    pooled = [*a, *b]
    us = []
    for chosen in itertools.combinations(range(len(pooled)), len(a)):
        rest = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        us.append(u_by_pairs([pooled[i] for i in chosen], rest))
    mean = sum(us) / len(us)
    exact_sd = math.sqrt(sum((u - mean) ** 2 for u in us) / len(us))

    outcome = mann_whitney_u(a, b, continuity=False)

    assert outcome is not None
    u, test = outcome
    assert mean == len(a) * len(b) / 2
    assert abs(u - mean) / abs(test.statistic) == pytest.approx(exact_sd, rel=1e-12)
    untied_sd = math.sqrt(len(a) * len(b) * (len(pooled) + 1) / 12)
    assert exact_sd < untied_sd * 0.99  # the ties matter here


def test_tests_are_undefined_without_variation_or_data() -> None:
    assert two_proportion_test(10, 10, 20, 20) is None
    assert two_proportion_test(0, 10, 0, 20) is None
    assert two_proportion_test(0, 0, 1, 2) is None
    assert mann_whitney_u([1.0, 1.0], [1.0, 1.0]) is None
    assert mann_whitney_u([], [1.0]) is None


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="successes <= trials"):
        wilson_interval(5, 3)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 3, confidence=95)
    with pytest.raises(ValueError, match="q must be between 0 and 1"):
        quantile([1.0], 1.5)
    with pytest.raises(ValueError, match="resamples"):
        bootstrap_interval([1.0], max, resamples=0)


# --- simulations with a known truth -----------------------------------------------------------


def test_wilson_interval_covers_the_true_rate_about_95_percent_of_the_time() -> None:
    rng = random.Random(7)
    true_rate, trials, runs = 0.9, 60, 2000
    covered = 0
    for _ in range(runs):
        hits = sum(rng.random() < true_rate for _ in range(trials))
        interval = wilson_interval(hits, trials)
        covered += interval.low <= true_rate <= interval.high
    # Nominal 95 %; Wilson's actual coverage at n=60, p=0.9 is ~0.94-0.96.
    assert 0.92 <= covered / runs <= 0.975


def test_two_proportion_test_finds_a_real_difference_and_keeps_its_false_alarm_rate() -> None:
    rng = random.Random(11)

    def rejects(rate_a: float, rate_b: float, n: int) -> bool:
        hits_a = sum(rng.random() < rate_a for _ in range(n))
        hits_b = sum(rng.random() < rate_b for _ in range(n))
        result = two_proportion_test(hits_a, n, hits_b, n)
        return result is not None and result.p_value < 0.05

    false_alarms = sum(rejects(0.8, 0.8, 200) for _ in range(400)) / 400
    power = sum(rejects(0.8, 0.9, 400) for _ in range(200)) / 200
    assert 0.02 <= false_alarms <= 0.09  # nominal 0.05
    assert power >= 0.8  # the design power for 0.8 vs 0.9 at n = 400 each is ~0.88


def test_mann_whitney_finds_a_real_shift_and_keeps_its_false_alarm_rate() -> None:
    rng = random.Random(3)

    def sample(shift: float, n: int) -> List[float]:
        return [rng.lognormvariate(shift, 0.5) for _ in range(n)]  # skewed, like latencies

    def p_value(shift: float, n: int) -> float:
        outcome = mann_whitney_u(sample(0.0, n), sample(shift, n))
        assert outcome is not None
        return outcome[1].p_value

    false_alarms = sum(p_value(0.0, 40) < 0.05 for _ in range(400)) / 400
    power = sum(p_value(0.3, 60) < 0.05 for _ in range(200)) / 200
    assert 0.02 <= false_alarms <= 0.09
    assert power >= 0.8


def test_bootstrap_interval_is_seeded_and_covers_the_true_median() -> None:
    rng = random.Random(5)
    data = [rng.expovariate(1.0) for _ in range(300)]
    first = bootstrap_interval(data, lambda s: quantile(s, 0.5), seed=1)
    again = bootstrap_interval(data, lambda s: quantile(s, 0.5), seed=1)
    assert first == again
    assert first.low < first.value < first.high
    assert first.low <= math.log(2) <= first.high  # the exponential's true median
    covered = 0
    for _ in range(100):
        sample = [rng.expovariate(1.0) for _ in range(100)]
        interval = bootstrap_interval(sample, lambda s: quantile(s, 0.5), resamples=300, seed=2)
        covered += interval.low <= math.log(2) <= interval.high
    assert covered >= 88  # nominal 95 of 100
