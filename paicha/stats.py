"""Sample sizes, LQAS decision rules and interval estimates for the spot-check (抽查) campaign."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paicha.text import t

# scipy.stats takes a second or more to import: each function that needs it imports it, so the
# commands and pages that never size a sample (and `paicha --help`) do not pay for it.

# Products like 0.07 * 100 come out as 7.000000000000001 in binary floating point; a plain
# ceil would then demand one household more than the arithmetic asks for.
_CEIL_SLACK = 1e-9


def _ceil(x: float) -> int:
    return math.ceil(x - _CEIL_SLACK)


def _z(confidence: float) -> float:
    from scipy.stats import norm

    # Two-sided normal quantile: a margin of ±e covers the true rate with this confidence.
    return float(norm.ppf(1.0 - (1.0 - confidence) / 2.0))


def _check_open_unit(value: float, message: str) -> None:
    if not (isinstance(value, numbers.Real) and 0.0 < value < 1.0):
        raise ValueError(message)


def _check_population(population: int | None) -> None:
    if population is None:
        return
    if isinstance(population, bool) or not isinstance(population, int | np.integer):
        raise ValueError(t("errors.stats.population"))
    if population < 1:
        raise ValueError(t("errors.stats.population"))


def proportion_sample_size(
    margin: float,
    p: float = 0.5,
    confidence: float = 0.95,
    population: int | None = None,
) -> int:
    """Households to sample so that an estimated share lands within ``±margin``.

    Parameters
    ----------
    margin
        Half-width ``e`` of the confidence interval, as a share (0.05 = ±5 points).
    p
        Anticipated share. 0.5 maximises ``p(1 - p)`` and so is the safe choice when nothing is
        known in advance.
    confidence
        Two-sided confidence level of the interval.
    population
        Number of households ``N`` in the frame. When given, the finite population correction
        is applied: sampling without replacement from a small village removes uncertainty as
        the sample approaches the whole village, so fewer households are needed.

    Returns
    -------
    int
        ``n0 = z² p (1 - p) / e²`` for an infinite population, or
        ``n0 / (1 + (n0 - 1) / N)`` with the correction, rounded up because a fractional
        household cannot be visited and rounding down would miss the precision target.

    Examples
    --------
    >>> proportion_sample_size(0.05)
    385
    >>> proportion_sample_size(0.05, population=300)
    169
    """
    _check_open_unit(margin, t("errors.stats.margin"))
    _check_open_unit(p, t("errors.stats.p"))
    _check_open_unit(confidence, t("errors.stats.confidence"))
    _check_population(population)
    n0 = _z(confidence) ** 2 * p * (1.0 - p) / margin**2
    if population is None:
        return max(1, _ceil(n0))
    n = n0 / (1.0 + (n0 - 1.0) / population)
    return int(min(population, max(1, _ceil(n))))


def detect_one_size(
    prevalence: float,
    confidence: float = 0.95,
    population: int | None = None,
) -> int:
    """Smallest sample that catches at least one problem household with the given confidence.

    This is the "discovery" question a township asks before a visit: if as many as
    ``prevalence`` of the households were wrongly screened, how many must be revisited to be
    ``confidence`` sure of seeing at least one of them? Finding none in such a sample is then
    evidence that the problem rate is below ``prevalence``.

    Parameters
    ----------
    prevalence
        Problem rate that should not go unnoticed, in (0, 1].
    confidence
        Required probability of at least one problem household in the sample.
    population
        Households in the lot. Without it draws are treated as independent (binomial,
        ``P(none) = (1 - p)^n``); with it the lot holds ``ceil(prevalence * N)`` problem
        households and sampling is without replacement (hypergeometric), which never needs
        more households than the binomial answer and may need far fewer in a small village.

    Returns
    -------
    int
        The smallest ``n`` with ``P(X >= 1) >= confidence``.

    Examples
    --------
    >>> detect_one_size(0.05)
    59
    """
    if not (isinstance(prevalence, numbers.Real) and 0.0 < prevalence <= 1.0):
        raise ValueError(t("errors.stats.prevalence"))
    _check_open_unit(confidence, t("errors.stats.confidence"))
    _check_population(population)

    # 1 - 0.9 is 0.09999999999999998 in floating point; without the slack a miss probability
    # of exactly 0.1 would be judged too high and one household too many demanded.
    allowed_miss = 1.0 - confidence + 1e-12

    def miss_binomial(n: int) -> float:
        return (1.0 - prevalence) ** n

    if prevalence >= 1.0:
        n_binomial = 1
    else:
        n_binomial = max(1, math.ceil(math.log(1.0 - confidence) / math.log(1.0 - prevalence)))
        # The logarithm formula is exact on paper; the loops make it exact in floating point.
        while miss_binomial(n_binomial) > allowed_miss:
            n_binomial += 1
        while n_binomial > 1 and miss_binomial(n_binomial - 1) <= allowed_miss:
            n_binomial -= 1
    if population is None:
        return n_binomial

    from scipy.stats import hypergeom

    problems = min(population, max(1, _ceil(prevalence * population)))
    # Without replacement each draw that misses makes the next one likelier to hit, so the
    # binomial size is an upper bound and bounds the search.
    sizes = np.arange(1, min(population, n_binomial) + 1)
    miss = hypergeom.pmf(0, population, problems, sizes)
    hits = np.nonzero(miss <= allowed_miss)[0]
    if hits.size == 0:
        return int(min(population, n_binomial))
    return int(sizes[hits[0]])


@dataclass(frozen=True)
class LqasDesign:
    """A lot quality assurance sampling plan: sample ``n``, pass the lot if ``>= d`` are correct.

    Attributes
    ----------
    n
        Households to re-check in the lot (a village or a screener's workload).
    d
        Decision threshold: the lot passes when at least ``d`` of the ``n`` re-checks confirm
        the original screening.
    alpha
        Achieved risk of failing a good lot, ``P(X < d | share correct = upper)``.
    beta
        Achieved risk of passing a bad lot, ``P(X >= d | share correct = lower)``.
    upper
        Share of correct screenings regarded as acceptable.
    lower
        Share of correct screenings regarded as unacceptable.
    population
        Lot size used for the hypergeometric calculation, or ``None`` for the binomial one.
    """

    n: int
    d: int
    alpha: float
    beta: float
    upper: float
    lower: float
    population: int | None = None

    def passes(self, correct: int) -> bool:
        """True when ``correct`` confirmed screenings out of ``n`` meet the threshold."""
        return correct >= self.d


# Sample sizes are tried in blocks: one vectorised scipy call per block instead of per size.
_LQAS_BLOCK = 32


def _lqas_risks(
    sizes: np.ndarray, upper: float, lower: float, population: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Alpha and beta on the grid (sample size ``sizes[i]``, threshold ``d[j] = j + 1``).

    Cells with ``d > n`` are meaningless (a lot could never pass) and come back as NaN.
    """
    from scipy.stats import binom, hypergeom

    n = sizes[:, None]
    d = np.arange(1, int(sizes.max()) + 1)[None, :]
    if population is None:
        alpha = binom.cdf(d - 1, n, upper)
        beta = binom.sf(d - 1, n, lower)
    else:
        good = round(upper * population)
        bad = round(lower * population)
        alpha = hypergeom.cdf(d - 1, population, good, n)
        beta = hypergeom.sf(d - 1, population, bad, n)
    valid = d <= n
    alpha = np.where(valid, np.asarray(alpha, dtype=float), np.nan)
    beta = np.where(valid, np.asarray(beta, dtype=float), np.nan)
    return np.broadcast_to(d, alpha.shape), alpha, beta


def lqas_design(
    upper: float,
    lower: float,
    alpha: float = 0.10,
    beta: float = 0.10,
    population: int | None = None,
    max_n: int = 500,
) -> LqasDesign:
    """Smallest LQAS plan that separates acceptable from unacceptable lots.

    The number ``X`` of correct screenings among ``n`` re-checks is binomial when the lot is
    large (or ``population`` is not given), and hypergeometric with ``round(upper * N)``
    resp. ``round(lower * N)`` correct units when the lot size ``N`` is given, which is exact
    for sampling without replacement and lets a small village get by with fewer re-checks.

    Parameters
    ----------
    upper
        Acceptable share of correct screenings (e.g. 0.80).
    lower
        Unacceptable share of correct screenings (e.g. 0.50); must be below ``upper``.
    alpha
        Largest tolerated risk of failing a lot whose true share is ``upper``.
    beta
        Largest tolerated risk of passing a lot whose true share is ``lower``.
    population
        Lot size ``N``; the sample never exceeds it.
    max_n
        Give up (``ValueError``) if no plan exists up to this many re-checks.

    Returns
    -------
    LqasDesign
        The smallest ``n`` for which some ``d`` meets both risk limits.

    Notes
    -----
    Choice of ``d``: at the minimal ``n`` exactly one threshold meets both limits, so no
    choice has to be made. Were ``d`` and ``d + 1`` both admissible at ``n``, then the plan
    ``(n - 1, d)`` would be admissible too, contradicting minimality: with ``X_n`` the count
    after ``n`` draws (with or without replacement), ``X_{n-1} < d`` implies ``X_n < d + 1``,
    so ``alpha(n - 1, d) <= alpha(n, d + 1)``, and ``X_{n-1} >= d`` implies ``X_n >= d``, so
    ``beta(n - 1, d) <= beta(n, d)``. The code still ranks candidates, as a guard against
    rounding at the limits: smallest ``max(alpha, beta)`` (the worse risk as low as
    possible), then smallest ``alpha + beta``, then the larger, stricter ``d``, because
    passing a bad lot leaves households at risk of returning to poverty unnoticed.

    Examples
    --------
    >>> plan = lqas_design(0.80, 0.50)
    >>> (plan.n, plan.d)
    (19, 13)
    """
    for value, message in (
        (upper, t("errors.stats.upper")),
        (lower, t("errors.stats.lower")),
    ):
        if not (isinstance(value, numbers.Real) and 0.0 <= value <= 1.0):
            raise ValueError(message)
    if upper <= lower:
        raise ValueError(t("errors.stats.upper_above_lower"))
    _check_open_unit(alpha, t("errors.stats.alpha"))
    _check_open_unit(beta, t("errors.stats.beta"))
    _check_population(population)
    if isinstance(max_n, bool) or not isinstance(max_n, int | np.integer) or max_n < 1:
        raise ValueError(t("errors.stats.max_n"))

    limit = int(max_n) if population is None else min(int(max_n), population)
    # A hair of slack so that a risk equal to the limit on paper is not lost to rounding.
    tolerance = 1e-12
    for first in range(1, limit + 1, _LQAS_BLOCK):
        sizes = np.arange(first, min(first + _LQAS_BLOCK, limit + 1))
        d, a, b = _lqas_risks(sizes, upper, lower, population)
        # NaN cells (d > n) compare False and so never count as admissible.
        ok = (a <= alpha + tolerance) & (b <= beta + tolerance)
        rows = np.nonzero(ok.any(axis=1))[0]
        if rows.size == 0:
            continue
        row = rows[0]
        best = min(
            np.nonzero(ok[row])[0],
            key=lambda j: (max(a[row, j], b[row, j]), a[row, j] + b[row, j], -d[row, j]),
        )
        return LqasDesign(
            n=int(sizes[row]),
            d=int(d[row, best]),
            alpha=float(a[row, best]),
            beta=float(b[row, best]),
            upper=float(upper),
            lower=float(lower),
            population=population,
        )
    raise ValueError(t("errors.stats.no_plan", limit=limit, alpha=alpha, beta=beta))


def wilson_interval(errors: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for an error rate ``errors / n``.

    Spot-check samples are small and error counts are often 0 or close to it; the Wald
    interval then collapses to a zero-width interval at 0 and claims certainty it does not
    have. The Wilson interval inverts the score test instead, stays inside [0, 1] and keeps
    close to nominal coverage for small ``n``.

    Parameters
    ----------
    errors
        Number of re-checked households whose screening was wrong.
    n
        Number of re-checked households. ``n = 0`` means nothing is known: ``(0.0, 1.0)``.
    confidence
        Two-sided confidence level.

    Returns
    -------
    tuple of float
        Lower and upper bound of the error rate.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(5, 10)]
    [0.2366, 0.7634]
    """
    _check_open_unit(confidence, t("errors.stats.confidence"))
    if n < 0 or errors < 0 or errors > n:
        raise ValueError(t("errors.stats.errors_range"))
    if n == 0:
        return (0.0, 1.0)
    z = _z(confidence)
    z2 = z * z
    share = errors / n
    denominator = 1.0 + z2 / n
    centre = (share + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(share * (1.0 - share) / n + z2 / (4 * n * n))
    # At the boundaries the bound is exactly 0 or 1 on paper; pin it so that no 1e-17 leaks out.
    low = 0.0 if errors == 0 else max(0.0, centre - half)
    high = 1.0 if errors == n else min(1.0, centre + half)
    return (low, high)


def weighted_error_rate(
    errors: Sequence[int] | np.ndarray,
    inclusion_probability: Sequence[float] | np.ndarray,
) -> float:
    """District-wide error rate from a sample drawn with unequal probabilities (Hájek).

    A back-check oversamples flagged households, which are more often wrong; the plain share
    of errors in the sample would therefore overstate the district rate. Weighting each
    household by ``1 / π`` (the number of frame households it stands for) undoes the
    oversampling. Dividing by the estimated frame size ``Σ 1/π`` instead of the true one
    (Hájek ratio rather than pure Horvitz–Thompson) keeps the estimate in [0, 1] and removes
    the variance caused by a random realised sample size.

    Parameters
    ----------
    errors
        1 where the re-check found the screening wrong, 0 where it was confirmed.
    inclusion_probability
        Each sampled household's first-order inclusion probability ``π`` in (0, 1].

    Returns
    -------
    float
        ``Σ(e / π) / Σ(1 / π)``.
    """
    e = np.asarray(errors, dtype=float).ravel()
    pi = np.asarray(inclusion_probability, dtype=float).ravel()
    if e.size != pi.size:
        raise ValueError(t("errors.stats.lengths"))
    if e.size == 0:
        raise ValueError(t("errors.stats.empty"))
    if not np.isin(e, (0.0, 1.0)).all():
        raise ValueError(t("errors.stats.error_flags"))
    if not (np.isfinite(pi).all() and (pi > 0).all() and (pi <= 1).all()):
        raise ValueError(t("errors.stats.probabilities"))
    weights = 1.0 / pi
    return float(np.sum(e * weights) / np.sum(weights))
