"""The statistics behind an experiment's summary, in plain Python (no numpy or scipy).

Methods (each is the textbook one; the tests check them against published values, exact
permutation distributions and simulations with a known difference):

* :func:`wilson_interval` -- the Wilson score interval for a proportion (Wilson 1927). Unlike
  the "p ± 1.96·se" interval it stays inside [0, 1] and is not degenerate at 0 or n successes.
* :func:`quantile` -- linear interpolation between order statistics (Hyndman & Fan type 7, the
  default of numpy and R).
* :func:`bootstrap_interval` -- the percentile bootstrap: resample with replacement, compute the
  statistic, take the 2.5th and 97.5th percentiles. Seeded, so a summary is reproducible.
* :func:`two_proportion_test` -- the pooled two-proportion z test (equivalent to Pearson's
  chi-square test of a 2x2 table without continuity correction: z² = X²).
* :func:`mann_whitney_u` -- the Mann-Whitney U (Wilcoxon rank-sum) test with average ranks for
  ties, the normal approximation with the tie-corrected variance and a continuity correction of
  0.5 (as scipy's ``mannwhitneyu(method="asymptotic")``). Good from about 10 values per group.
"""

import math
import random
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

__all__ = [
    "Interval",
    "TestResult",
    "bootstrap_interval",
    "mann_whitney_u",
    "normal_cdf",
    "normal_quantile",
    "quantile",
    "two_proportion_test",
    "wilson_interval",
]

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal


@dataclass(frozen=True)
class Interval:
    """A point estimate with a confidence interval (``low`` <= ``value`` <= ``high``)."""

    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.3g} [{self.low:.3g}, {self.high:.3g}]"


@dataclass(frozen=True)
class TestResult:
    """A two-sided test: the statistic (a z score) and its p-value."""

    statistic: float
    p_value: float


def normal_cdf(z: float) -> float:
    """P(Z <= z) for a standard normal Z."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def normal_quantile(p: float) -> float:
    """The z with ``normal_cdf(z) == p`` (0 < p < 1), by bisection to full float precision."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1; got {p}")
    low, high = -40.0, 40.0
    for _ in range(200):
        middle = (low + high) / 2
        if normal_cdf(middle) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-15:
            break
    return (low + high) / 2


def _z_for(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence}")
    return Z_95 if confidence == 0.95 else normal_quantile(0.5 + confidence / 2)


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> Interval:
    """The observed rate ``successes / trials`` with its Wilson score interval."""
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials; got {successes} of {trials}")
    if trials == 0:
        return Interval(math.nan, 0.0, 1.0)
    z = _z_for(confidence)
    rate = successes / trials
    denominator = 1 + z * z / trials
    centre = (rate + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / trials + z * z / (4 * trials * trials)) / denominator
    # At 0 or n successes the bound equals the rate up to rounding; keep the interval exact.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(rate, low, high)


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) with linear interpolation (type 7); NaN when empty."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1; got {q}")
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


def bootstrap_interval(
    values: Sequence[float],
    statistic: Callable[[Sequence[float]], float],
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """``statistic(values)`` with a seeded percentile-bootstrap interval (NaN when empty)."""
    if resamples < 1:
        raise ValueError(f"resamples must be 1 or more; got {resamples}")
    _z_for(confidence)
    data = list(values)
    if not data:
        return Interval(math.nan, math.nan, math.nan)
    rng = random.Random(seed)
    count = len(data)
    estimates = sorted(statistic(rng.choices(data, k=count)) for _ in range(resamples))
    tail = (1 - confidence) / 2
    return Interval(statistic(data), quantile(estimates, tail), quantile(estimates, 1 - tail))


def two_proportion_test(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int
) -> Optional[TestResult]:
    """Pooled two-sided z test of rate A == rate B; None when it is undefined.

    Undefined means a group is empty or the pooled rate is 0 or 1 (every call in both groups
    had the same outcome: there is no variation to test). ``statistic`` is positive when B's
    rate is higher.
    """
    for successes, trials in ((successes_a, trials_a), (successes_b, trials_b)):
        if trials < 0 or not 0 <= successes <= trials:
            raise ValueError(f"need 0 <= successes <= trials; got {successes} of {trials}")
    if trials_a == 0 or trials_b == 0:
        return None
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    if pooled in (0.0, 1.0):
        return None
    se = math.sqrt(pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b))
    z = (successes_b / trials_b - successes_a / trials_a) / se
    return TestResult(z, 2 * normal_cdf(-abs(z)))


def average_ranks(values: Sequence[float]) -> Tuple[List[float], List[int]]:
    """1-based ranks of ``values`` (ties share their average rank) and the sizes of tie groups."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    ties: List[int] = []
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        ties.append(end - start + 1)
        start = end + 1
    return ranks, ties


def mann_whitney_u(
    a: Sequence[float], b: Sequence[float], *, continuity: bool = True
) -> Optional[Tuple[float, TestResult]]:
    """U of ``a`` (pairs where a > b, ties counting 1/2) and the two-sided normal-approximation
    test; None when a group is empty or all values are equal.

    The test's z is positive when ``b`` tends to be larger than ``a``.
    """
    n_a, n_b = len(a), len(b)
    if n_a == 0 or n_b == 0:
        return None
    ranks, ties = average_ranks([*a, *b])
    u_a = sum(ranks[:n_a]) - n_a * (n_a + 1) / 2
    n = n_a + n_b
    tie_term = sum(t**3 - t for t in ties) / (n * (n - 1)) if n > 1 else 0.0
    variance = n_a * n_b / 12 * ((n + 1) - tie_term)
    if variance <= 0:
        return None
    mean = n_a * n_b / 2
    distance = abs(u_a - mean)
    if continuity:
        distance = max(0.0, distance - 0.5)
    z = distance / math.sqrt(variance)
    signed = z if u_a < mean else -z
    return u_a, TestResult(signed, min(1.0, 2 * normal_cdf(-z)))
