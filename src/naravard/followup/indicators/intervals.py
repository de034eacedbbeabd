"""95 % confidence intervals of results, computed at read time from their numerator and denominator, so a
steering group comparing forty health centres does not read a small unit's random variation as a real
difference (Vården i siffror and SKR publish konfidensintervall the same way).

- shares: the Wilson score interval (Wilson 1927; Newcombe, Stat Med 1998;17:857, method 3), which stays
  inside 0-1 and keeps its coverage for small denominators and for 0 % and 100 %, where the normal
  approximation gives a zero-width interval;
- rates (events per patient): the exact Poisson interval of the event count (Garwood 1936), whose bounds are
  chi-square quantiles (SciPy), divided by the denominator;
- means of per-patient indices and days, and the quantile waits: none. They would need the spread of the
  patients' values, which the results do not hold.
"""

from __future__ import annotations

import math
from functools import lru_cache

from naravard.followup.indicators.base import Indicator

Z95 = 1.959964  # the standard normal's 97.5th percentile
ALPHA = 0.05


def has_interval(ind: Indicator) -> bool:
    """Whether results of ``ind`` get an interval: shares and rates, not means or quantiles."""
    return ind.quantile is None and ind.unit in ("share", "rate")


def interval(
    ind: Indicator, numerator: float | None, denominator: float | None
) -> tuple[float, float] | None:
    """The 95 % interval of a result of ``ind``; None where it is not defined (see the module docstring) or
    the cell has no numbers (suppressed)."""
    if not has_interval(ind) or numerator is None or denominator is None or denominator <= 0:
        return None
    if ind.unit == "share":
        return wilson(numerator, denominator)
    low, high = poisson(numerator)
    return low / denominator, high / denominator


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``k`` successes in ``n`` trials."""
    p = min(max(k / n, 0.0), 1.0)
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z2n / (4 * n))
    # at 0 % and 100 % one bound is exactly the observed share; rounding must not push it past it
    return (0.0 if p == 0 else max(centre - half, 0.0)), (1.0 if p == 1 else min(centre + half, 1.0))


@lru_cache(maxsize=8192)
def poisson(k: float, alpha: float = ALPHA) -> tuple[float, float]:
    """The exact (Garwood) interval of a Poisson mean observed as ``k`` events: the means under which
    ``k`` or more, and ``k`` or fewer, events each have probability ``alpha / 2`` (chi-square quantiles).
    Cached: a results query repeats the same small counts across periods and scopes, and each SciPy call
    costs tens of microseconds."""
    from scipy.stats import chi2  # imported when first needed: the app starts without it

    k = max(k, 0.0)
    low = 0.0 if k == 0 else float(chi2.ppf(alpha / 2, 2 * k)) / 2
    return low, float(chi2.ppf(1 - alpha / 2, 2 * k + 2)) / 2
