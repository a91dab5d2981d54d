"""Statistics against published reference values and hand-worked examples."""

import math

import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from helpers.stats import candidate_denominators, disparity, newcombe, wilson


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857, table I, method 3 (Wilson score).
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
     (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombe_and_statsmodels(count, n, low, high):
    got = wilson(count, n)
    assert got == pytest.approx((low, high), abs=5e-5)
    assert got == pytest.approx(proportion_confint(count, n, method="wilson"))


@pytest.mark.parametrize(
    ("a", "n_a", "b", "n_b", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:873, table II, method 10.
    [(56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090),
     (5, 56, 0, 29, -0.0381, 0.1926)],
)
def test_newcombe_matches_the_paper_and_statsmodels(a, n_a, b, n_b, low, high):
    difference, got_low, got_high = newcombe(a, n_a, b, n_b)
    assert difference == pytest.approx(a / n_a - b / n_b)
    assert (got_low, got_high) == pytest.approx((low, high), abs=5e-5)
    reference = confint_proportions_2indep(a, n_a, b, n_b, method="newcomb", compare="diff")
    assert (got_low, got_high) == pytest.approx(reference)


def test_denominators_of_one_group_fit_only_66_and_its_multiples(tfs):
    figures = tfs.figures
    organizational = figures[(figures["table"] == "likert")
                             & (figures["group"] == "organizational")]["percent"]
    assert candidate_denominators(organizational, 1, 300) == [66, 132, 198, 264]


def test_denominators_by_hand():
    assert candidate_denominators([33.3, 66.7], 1, 12) == [3, 6, 9, 12]
    assert candidate_denominators([25, 50, 75], 1, 12) == [4, 8, 12]
    # With no decimals 33% also fits n = 3 (33.3 rounds to 33) and n = 100.
    assert candidate_denominators([33], 0, 100)[:3] == [3, 6, 9]
    assert candidate_denominators([], 1) == []
    assert candidate_denominators([41.1, 2.6], 1, 100) == []


def test_disparity_by_hand():
    values = pd.Series([10.0, 20.0, 30.0, 40.0], index=list("abcd"))
    measures = disparity(values, reference="best")
    assert measures.reference == 40
    assert measures.reference_label == "highest group, d"
    assert measures.gaps.tolist() == [-30, -20, -10, 0]
    assert measures.range_difference == 30
    assert (measures.range_ratio, measures.highest, measures.lowest) == (4, "d", "a")
    assert measures.index_of_disparity == pytest.approx(37.5)  # 100/4 * (30+20+10+0)/40
    assert measures.between_group_variance == pytest.approx(125)  # mean of 15², 5², 5², 15²
    ratios = [0.4, 0.8, 1.2, 1.6]
    assert measures.theil == pytest.approx(1000 * sum(r * math.log(r) for r in ratios) / 4)
    assert measures.theil == pytest.approx(106.44, abs=0.01)
    assert measures.mean_log_deviation == pytest.approx(121.78, abs=0.01)


def test_disparity_weighted_and_against_a_number():
    values = pd.Series([20.0, 60.0], index=["small", "large"])
    measures = disparity(values, reference=50.0, reference_label="all sites",
                         weights=pd.Series([1, 3], index=["small", "large"]))
    assert measures.weighted
    assert measures.reference_label == "all sites"
    assert measures.gaps.tolist() == [-30, 10]
    assert measures.index_of_disparity == pytest.approx(100 / 2 * 40 / 50)
    # weighted mean 50: variance 0.25 * 30² + 0.75 * 10²
    assert measures.between_group_variance == pytest.approx(300)


def test_disparity_with_a_zero_group_leaves_ratio_measures_undefined():
    measures = disparity(pd.Series([0.0, 50.0], index=["x", "y"]), reference="mean")
    assert math.isinf(measures.range_ratio)
    assert math.isnan(measures.mean_log_deviation)
    assert math.isfinite(measures.theil)


def test_the_index_of_disparity_against_a_reference_of_zero_is_not_defined():
    import math

    import pandas as pd

    measures = disparity(pd.Series({"a": 0.0, "b": 0.0}), reference=0.0)
    assert math.isnan(measures.index_of_disparity)
    assert measures.range_difference == 0
