"""Sample sizes, LQAS plans and interval estimates in paicha.stats."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom, hypergeom

from paicha.stats import (
    LqasDesign,
    detect_one_size,
    lqas_design,
    proportion_sample_size,
    weighted_error_rate,
    wilson_interval,
)

FAST = settings(max_examples=40, deadline=None)

# --------------------------------------------------------------------------- sample size


def test_fpc_gives_169_for_300_households_at_5_points() -> None:
    assert proportion_sample_size(0.05, population=300) == 169


def test_fpc_gives_377_for_20000_households_at_5_points() -> None:
    assert proportion_sample_size(0.05, p=0.5, confidence=0.95, population=20_000) == 377


def test_without_population_5_points_needs_385() -> None:
    assert proportion_sample_size(0.05) == 385


def test_smaller_anticipated_share_needs_fewer_households() -> None:
    assert proportion_sample_size(0.05, p=0.1) < proportion_sample_size(0.05, p=0.5)


@FAST
@given(
    margin=st.floats(0.01, 0.3),
    p=st.floats(0.01, 0.99),
    population=st.integers(1, 50_000),
)
def test_fpc_sample_fits_in_population_and_never_beats_infinite_case(
    margin: float, p: float, population: int
) -> None:
    with_fpc = proportion_sample_size(margin, p=p, population=population)
    assert 1 <= with_fpc <= population
    assert with_fpc <= proportion_sample_size(margin, p=p)


@FAST
@given(margin=st.floats(0.01, 0.3), small=st.integers(1, 5_000), extra=st.integers(0, 5_000))
def test_fpc_sample_size_grows_with_population(margin: float, small: int, extra: int) -> None:
    assert proportion_sample_size(margin, population=small) <= proportion_sample_size(
        margin, population=small + extra
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"margin": 0.0}, "允许误差"),
        ({"margin": 1.5}, "允许误差"),
        ({"margin": 0.05, "p": 1.0}, "预期比例"),
        ({"margin": 0.05, "confidence": 1.0}, "置信水平"),
        ({"margin": 0.05, "population": 0}, "总体户数"),
        ({"margin": 0.05, "population": 12.5}, "总体户数"),
    ],
)
def test_sample_size_rejects_invalid_input_in_chinese(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        proportion_sample_size(**kwargs)


# --------------------------------------------------------------------------- detect one


def test_detecting_a_5_percent_problem_rate_needs_59_households() -> None:
    assert detect_one_size(0.05) == 59


def test_detecting_in_a_village_of_100_needs_fewer_than_binomial() -> None:
    n = detect_one_size(0.05, population=100)
    # 5 problem households among 100: the hypergeometric miss probability decides.
    assert hypergeom.pmf(0, 100, 5, n) <= 0.05 < hypergeom.pmf(0, 100, 5, n - 1)
    assert n == 45 < detect_one_size(0.05)


def test_problem_units_are_rounded_up_so_a_tiny_rate_still_means_one_household() -> None:
    # 0.1% of 30 households is 0.03 households: one problem household must be found among 30.
    assert detect_one_size(0.001, confidence=0.9, population=30) == 27


def test_certain_problem_is_found_by_one_household() -> None:
    assert detect_one_size(1.0) == 1


@FAST
@given(prevalence=st.floats(0.005, 0.9), confidence=st.floats(0.5, 0.995))
def test_detect_one_binomial_size_is_the_smallest_that_works(
    prevalence: float, confidence: float
) -> None:
    n = detect_one_size(prevalence, confidence)
    assert (1 - prevalence) ** n <= 1 - confidence + 1e-12
    assert n == 1 or (1 - prevalence) ** (n - 1) > 1 - confidence + 1e-12


@FAST
@given(
    prevalence=st.floats(0.01, 0.9),
    confidence=st.floats(0.5, 0.99),
    population=st.integers(1, 400),
)
def test_detect_one_hypergeometric_size_is_smallest_and_within_lot(
    prevalence: float, confidence: float, population: int
) -> None:
    n = detect_one_size(prevalence, confidence, population)
    problems = min(population, math.ceil(prevalence * population - 1e-9))
    assert 1 <= n <= min(population, detect_one_size(prevalence, confidence))
    assert hypergeom.pmf(0, population, problems, n) <= 1 - confidence + 1e-12
    if n > 1:
        assert hypergeom.pmf(0, population, problems, n - 1) > 1 - confidence + 1e-12


def test_detect_one_rejects_zero_prevalence_in_chinese() -> None:
    with pytest.raises(ValueError, match="问题发生率"):
        detect_one_size(0.0)


# --------------------------------------------------------------------------- LQAS


def test_lqas_80_50_at_10_percent_risks_is_19_with_threshold_13() -> None:
    plan = lqas_design(0.80, 0.50)
    assert (plan.n, plan.d) == (19, 13)
    assert plan.alpha == pytest.approx(binom.cdf(12, 19, 0.8))
    assert plan.beta == pytest.approx(binom.sf(12, 19, 0.5))
    assert plan.alpha <= 0.10 and plan.beta <= 0.10


def test_lqas_95_80_at_10_percent_risks_is_32_with_threshold_29() -> None:
    plan = lqas_design(0.95, 0.80)
    assert (plan.n, plan.d) == (32, 29)
    assert plan.alpha <= 0.10 and plan.beta <= 0.10


def test_lqas_in_a_large_population_matches_the_binomial_plan() -> None:
    plan = lqas_design(0.80, 0.50, population=20_000)
    assert (plan.n, plan.d) == (19, 13)
    assert plan.population == 20_000


def test_small_village_of_40_needs_fewer_rechecks_than_binomial() -> None:
    binomial = lqas_design(0.80, 0.50)
    village = lqas_design(0.80, 0.50, population=40)
    assert village.n < binomial.n
    # 32 of 40 correct (acceptable) vs 20 of 40 correct (unacceptable), drawn without replacement.
    assert village.alpha == pytest.approx(hypergeom.cdf(village.d - 1, 40, 32, village.n))
    assert village.beta == pytest.approx(hypergeom.sf(village.d - 1, 40, 20, village.n))
    assert village.alpha <= 0.10 and village.beta <= 0.10


def test_tiny_lot_plan_never_samples_more_households_than_exist() -> None:
    plan = lqas_design(0.95, 0.80, population=10)
    assert plan.n <= 10


def test_lqas_passes_a_lot_at_the_threshold_and_fails_it_below() -> None:
    plan = lqas_design(0.80, 0.50)
    assert plan.passes(13) and not plan.passes(12)


def test_lqas_design_is_frozen() -> None:
    plan = lqas_design(0.80, 0.50)
    with pytest.raises(AttributeError):
        plan.n = 5  # type: ignore[misc]
    assert isinstance(plan, LqasDesign)


def _feasible_thresholds(
    n: int, upper: float, lower: float, alpha: float, beta: float, population: int | None
) -> list[int]:
    d = np.arange(1, n + 1)
    if population is None:
        a = binom.cdf(d - 1, n, upper)
        b = binom.sf(d - 1, n, lower)
    else:
        a = hypergeom.cdf(d - 1, population, round(upper * population), n)
        b = hypergeom.sf(d - 1, population, round(lower * population), n)
    return [int(x) for x in d[(a <= alpha + 1e-12) & (b <= beta + 1e-12)]]


@FAST
@given(
    upper=st.floats(0.55, 0.99),
    gap=st.floats(0.15, 0.5),
    alpha=st.floats(0.05, 0.3),
    beta=st.floats(0.05, 0.3),
    population=st.none() | st.integers(20, 300),
)
def test_lqas_plan_is_minimal_and_its_threshold_is_the_only_admissible_one(
    upper: float, gap: float, alpha: float, beta: float, population: int | None
) -> None:
    lower = max(0.0, upper - gap)
    try:
        plan = lqas_design(upper, lower, alpha, beta, population=population)
    except ValueError:
        # Only a lot too small to tell the two shares apart may have no plan.
        assert population is not None
        return
    assert _feasible_thresholds(plan.n, upper, lower, alpha, beta, population) == [plan.d]
    assert plan.n == 1 or not _feasible_thresholds(
        plan.n - 1, upper, lower, alpha, beta, population
    )
    assert plan.alpha <= alpha + 1e-12 and plan.beta <= beta + 1e-12


def test_lqas_rejects_upper_not_above_lower_in_chinese() -> None:
    with pytest.raises(ValueError, match="合格正确率必须高于不合格正确率"):
        lqas_design(0.5, 0.5)


def test_lqas_reports_no_plan_within_max_n_in_chinese() -> None:
    with pytest.raises(ValueError, match="找不到"):
        lqas_design(0.95, 0.80, max_n=20)


# --------------------------------------------------------------------------- Wilson


def test_wilson_zero_of_ten_reaches_up_to_27_75_percent() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(0.2775, abs=1e-4)


def test_wilson_five_of_ten_is_symmetric_around_half() -> None:
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4)
    assert high == pytest.approx(0.7634, abs=1e-4)


def test_wilson_ten_of_ten_mirrors_zero_of_ten() -> None:
    low, high = wilson_interval(10, 10)
    assert high == 1.0
    assert low == pytest.approx(1 - wilson_interval(0, 10)[1])


def test_wilson_with_no_rechecks_knows_nothing() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)


@FAST
@given(data=st.data(), n=st.integers(1, 2_000))
def test_wilson_interval_holds_the_observed_rate_inside_0_1(data: st.DataObject, n: int) -> None:
    errors = data.draw(st.integers(0, n))
    low, high = wilson_interval(errors, n)
    assert 0.0 <= low <= errors / n <= high <= 1.0


def test_wilson_rejects_more_errors_than_rechecks_in_chinese() -> None:
    with pytest.raises(ValueError, match="错误数"):
        wilson_interval(11, 10)


# --------------------------------------------------------------------------- Hájek


def test_weighted_rate_with_equal_probabilities_is_the_plain_share() -> None:
    assert weighted_error_rate([1, 0, 0, 1], [0.2] * 4) == pytest.approx(0.5)


def test_weighted_rate_weights_each_household_by_inverse_probability() -> None:
    # 1/π = 2, 4, 4: the error stands for 2 of 10 represented households.
    assert weighted_error_rate([1, 0, 0], [0.5, 0.25, 0.25]) == pytest.approx(0.2)


def test_weighted_rate_undoes_oversampling_of_flagged_households() -> None:
    # District: 100 flagged households with 50 % errors, 900 unflagged with 10 %: 14 % overall.
    # Back-check: 20 flagged (π = 0.2) with 10 errors, 20 unflagged (π = 20/900) with 2 errors.
    errors = [1] * 10 + [0] * 10 + [1] * 2 + [0] * 18
    pi = [0.2] * 20 + [20 / 900] * 20
    assert np.mean(errors) == pytest.approx(0.30)
    assert weighted_error_rate(errors, pi) == pytest.approx(0.14)


@pytest.mark.parametrize(
    ("errors", "pi", "message"),
    [
        ([1, 0], [0.5], "个数不一致"),
        ([], [], "样本为空"),
        ([2], [0.5], "只能是0或1"),
        ([1], [0.0], "入样概率"),
        ([1], [1.5], "入样概率"),
    ],
)
def test_weighted_rate_rejects_invalid_input_in_chinese(
    errors: list[int], pi: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        weighted_error_rate(errors, pi)
