"""Statistics the reports need: intervals, denominators inferred from rounding, disparity.

Following ../methods.md (copied into the README's methods section): Wilson for one
proportion, Newcombe's hybrid score interval for the difference of two
independent proportions, GRIM-style denominator inference, and the disparity
measures of NCI HD*Calc and WHO's healthequal. Inputs are unrounded; round only
for display.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)

CONFIDENCE = 0.95


def wilson(count: float, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Returns the Wilson score interval (low, high) for count successes out of n, as fractions
    (arrays of them for arrays of counts and n: one call for a whole table)."""
    low, high = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    return _number(low), _number(high)


def _number(value):
    return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=float)


def newcombe(
    count_a: float, n_a: int, count_b: float, n_b: int, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Returns (difference, low, high) of p_a - p_b with Newcombe's hybrid score interval
    (arrays for arrays).

    Newcombe (1998), method 10, as statsmodels computes it (method="newcomb").
    """
    low, high = confint_proportions_2indep(
        count_a, n_a, count_b, n_b, method="newcomb", compare="diff", alpha=1 - confidence
    )
    return count_a / n_a - count_b / n_b, _number(low), _number(high)


def difference_p_value(count_a: float, n_a: float, count_b: float, n_b: float) -> float:
    """Returns the two-sided p-value of p_a = p_b by the score test (statsmodels'
    test_proportions_2indep), the test that matches the score intervals used here; arrays for
    arrays."""
    with np.errstate(divide="ignore", invalid="ignore"):  # its ratio and odds ratio at p = 0
        result = test_proportions_2indep(count_a, n_a, count_b, n_b, method="score")
    return _number(result.pvalue)


def imprecise(percent: float, low: float, high: float, n_eff: float) -> bool:
    """Returns whether a percentage is too imprecise to read much into (NCHS data presentation
    standards for proportions, Parker et al. 2017, as ../methods.md gives them): an effective n
    under 30, a 95% interval 30 points wide or more, or an interval wider than 130% of the
    figure. Unknown n or interval: not flagged here (the report says n is unknown)."""
    if any(math.isnan(float(v)) for v in (low, high, n_eff)):
        return False
    width = high - low
    return bool(n_eff < 30 or width >= 30 or (width > 1.3 * percent if percent > 0 else width > 0))


def half_unit(decimals: int) -> float:
    """Returns the largest rounding error of a figure printed with this many decimals."""
    return 0.5 * 10.0**-decimals


def candidate_denominators(percents, decimals: int = 1, largest: int = 1000) -> list[int]:
    """Returns every n from 1 to `largest` for which each percentage is a whole count of n.

    This is the GRIM idea (Brown & Heathers 2017; Cox's find_denom): n is kept if every
    percentage p has an integer k with |100k/n - p| within the rounding of p. The
    answer is a set of candidates; its smallest member is an inference, never a
    published figure.
    """
    percents = np.asarray(list(percents), dtype=float)
    if percents.size == 0:
        return []
    n = np.arange(1, largest + 1)[:, None]
    counts = np.rint(percents[None, :] * n / 100)
    fits = np.abs(100 * counts / n - percents[None, :]) <= half_unit(decimals) + 1e-9
    return [int(value) for value in n[fits.all(axis=1), 0]]


@dataclass(frozen=True)
class Disparity:
    """Absolute and relative disparity among k groups, against a named reference.

    gaps are in percentage points (group - reference); the range ratio is stated so
    that it is at least 1, highest over lowest. between_group_variance, theil and
    mean_log_deviation use the groups' weighted mean, weights from group sizes
    where known (equal weights otherwise); theil and mean_log_deviation are
    scaled by 1000 as in HD*Calc. A measure that cannot be computed (a 0% group
    in a ratio or a logarithm) is NaN.
    """

    reference: float
    reference_label: str
    gaps: pd.Series
    range_difference: float
    range_ratio: float
    highest: str
    lowest: str
    index_of_disparity: float
    between_group_variance: float
    theil: float
    mean_log_deviation: float
    weighted: bool


def disparity(
    values: pd.Series,
    reference: float | str = "best",
    reference_label: str | None = None,
    weights: pd.Series | None = None,
) -> Disparity:
    """Returns the disparity measures of the groups' percentages against a reference.

    Args:
        values: one percentage per group, indexed by the group's label.
        reference: a number (for instance a published all-sites figure), "best" (the
            highest group), "mean" (the groups' weighted mean) or a group's label.
        reference_label: how the report names the reference; derived when omitted.
        weights: group sizes for the weighted measures; equal weights when omitted.
    """
    values = values.astype(float)
    shares = (
        pd.Series(1.0, index=values.index) if weights is None
        else weights.reindex(values.index).astype(float)
    )
    shares = shares / shares.sum()
    mean = float((shares * values).sum())
    if isinstance(reference, str):
        if reference == "best":
            label, reference = f"highest group, {values.idxmax()}", float(values.max())
        elif reference == "mean":
            label, reference = "mean of the groups", mean
        else:
            label, reference = str(reference), float(values[reference])
        reference_label = reference_label or label
    ratios = values / mean
    with np.errstate(divide="ignore", invalid="ignore"):
        theil = 1000 * float((shares * _xlogx(ratios)).sum())
        mld = 1000 * float((shares * -np.log(ratios)).sum())
    lowest = float(values.min())
    return Disparity(
        reference=float(reference),
        reference_label=reference_label or f"{reference:.1f}%",
        gaps=values - reference,
        range_difference=float(values.max() - lowest),
        range_ratio=float(values.max() / lowest) if lowest > 0 else math.inf,
        highest=str(values.idxmax()),
        lowest=str(values.idxmin()),
        index_of_disparity=(100 / len(values) * float((values - reference).abs().sum()) / reference
                            if reference else math.nan),  # not defined against a reference of 0
        between_group_variance=float((shares * (values - mean) ** 2).sum()),
        theil=theil,
        mean_log_deviation=mld if math.isfinite(mld) else math.nan,
        weighted=weights is not None,
    )


def _xlogx(ratios: pd.Series) -> pd.Series:
    """Returns r·ln(r), taking 0·ln(0) as 0, its limit."""
    return ratios.where(ratios > 0, 1.0).pipe(lambda r: r * np.log(r)).where(ratios > 0, 0.0)
