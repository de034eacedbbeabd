"""The 95 % confidence intervals of results: the Wilson interval of shares and the exact Poisson interval of
rates against values worked out by hand or published, and the intervals the read functions attach (none for
means, quantiles and suppressed cells)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from naravard.followup import service
from naravard.followup.indicators import INDICATORS
from naravard.followup.indicators.intervals import Z95, has_interval, interval, poisson, wilson
from naravard.followup.results.storage import RESULT_COLUMNS, RESULTS_FILE
from naravard.followup.results.targets import Target, beyond_chance

Z2 = Z95 * Z95  # 3.841458...


# --- Wilson ---------------------------------------------------------------------------------------------


def test_wilson_at_zero_and_all_is_one_sided() -> None:
    # 0/n: the lower bound is 0 and the upper z^2 / (n + z^2) = 3.841459 / 13.841459 = 0.277533 for n = 10;
    # n/n mirrors it: 10 / 13.841459 = 0.722467
    assert wilson(0, 10) == (0.0, pytest.approx(Z2 / (10 + Z2), abs=1e-12))
    assert wilson(0, 10)[1] == pytest.approx(0.277533, abs=1e-6)
    assert wilson(10, 10) == (pytest.approx(10 / (10 + Z2), abs=1e-12), 1.0)
    assert wilson(10, 10)[0] == pytest.approx(0.722467, abs=1e-6)


def _by_counts(k: int, n: int) -> tuple[float, float]:
    """Wilson's interval in its other algebraic form, in counts: (k + z^2/2 -+ z sqrt(k (n - k) / n +
    z^2 / 4)) / (n + z^2)."""
    half = Z95 * math.sqrt(k * (n - k) / n + Z2 / 4)
    return (k + Z2 / 2 - half) / (n + Z2), (k + Z2 / 2 + half) / (n + Z2)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # 5/10: (5 + 1.920729 -+ 1.959964 * sqrt(2.5 + 0.960365)) / 13.841459 = (6.920729 -+ 3.646012) / 13.841459
        (5, 10, 0.236593, 0.763407),
        # 1/1000: (1 + 1.920729 -+ 1.959964 * sqrt(0.999 + 0.960365)) / 1003.841459
        (1, 1000, 0.000177, 0.005643),
    ],
)
def test_wilson_by_hand(k: int, n: int, low: float, high: float) -> None:
    got = wilson(k, n)
    assert got == pytest.approx(_by_counts(k, n), abs=1e-12)
    assert got == pytest.approx((low, high), abs=1e-6)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    # Newcombe, Statistics in Medicine 1998;17:857-872: its four examples, method 3 (score, no correction)
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_as_published(k: int, n: int, low: float, high: float) -> None:
    assert wilson(k, n) == pytest.approx((low, high), abs=5e-5)


@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_holds_the_share_within_0_and_1(kn: tuple[int, int]) -> None:
    k, n = kn
    low, high = wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


# --- Poisson --------------------------------------------------------------------------------------------


def _tails(k: int, mean: float) -> tuple[float, float]:
    """P(X >= k) and P(X <= k) for X ~ Poisson(mean), summed term by term."""
    pmf = [math.exp(i * math.log(mean) - mean - math.lgamma(i + 1)) for i in range(k + 1)]
    return 1 - sum(pmf[:k]), sum(pmf)


def test_poisson_of_no_events() -> None:
    # 0 events: P(X = 0) = exp(-U) = 0.025 gives U = -ln 0.025 = 3.688879; per 20 patients 0.184444
    low, high = interval(INDICATORS["K_MT_ED"], 0, 20) or (None, None)
    assert low == 0.0
    assert high == pytest.approx(-math.log(0.025) / 20, rel=1e-10)
    assert high == pytest.approx(0.184444, abs=1e-6)


def test_poisson_of_one_event() -> None:
    # 1 event: P(X >= 1) = 1 - exp(-L) = 0.025 gives L = -ln 0.975 = 0.025318; exp(-U) (1 + U) = 0.025
    low, high = poisson(1)
    assert low == pytest.approx(-math.log(0.975), rel=1e-10)
    assert math.exp(-high) * (1 + high) == pytest.approx(0.025, rel=1e-10)


def test_poisson_five_events_per_ten_patients() -> None:
    # Garwood's exact limits of 5 events, 1.6235 and 11.6683 (the chi-square quantiles 3.2470 / 2 with 10
    # degrees of freedom and 23.3367 / 2 with 12), per 10 patients
    low, high = interval(INDICATORS["K_MT_ED"], 5, 10) or (None, None)
    assert (low, high) == pytest.approx((0.16235, 1.16683), abs=1e-5)
    # and by the definition: 5 or more events under the lower mean, 5 or fewer under the upper, 2.5 % each
    assert _tails(5, low * 10)[0] == pytest.approx(0.025, rel=1e-9)
    assert _tails(5, high * 10)[1] == pytest.approx(0.025, rel=1e-9)


@pytest.mark.parametrize("k", [2, 10, 100, 1000])
def test_poisson_bounds_have_their_tails(k: int) -> None:
    low, high = poisson(k)
    assert low < k < high
    assert _tails(k, low)[0] == pytest.approx(0.025, rel=1e-8)
    assert _tails(k, high)[1] == pytest.approx(0.025, rel=1e-8)


def test_poisson_of_a_national_count_is_near_the_normal_one() -> None:
    # a million events: k -+ 1.96 sqrt(k) to within a few events
    low, high = poisson(1_000_000)
    assert low == pytest.approx(1_000_000 - Z95 * 1000, abs=3)
    assert high == pytest.approx(1_000_000 + Z95 * 1000, abs=3)


# --- which indicators -----------------------------------------------------------------------------------


def test_only_shares_and_rates_have_intervals() -> None:
    with_one = {c for c, i in INDICATORS.items() if has_interval(i)}
    assert {"C_FLK", "C_OWNDR", "A3", "K_READM30", "K_MT_ED", "K_MT_ADM"} <= with_one
    assert not with_one & {"C_UPC", "C_COC", "C_COC_ALL", "K_UKL", "A3_P50", "A3_P90", "A90V_P90"}
    assert all(INDICATORS[c].unit in ("share", "rate") for c in with_one)
    assert interval(INDICATORS["C_UPC"], 30.5, 40) is None
    assert interval(INDICATORS["K_UKL"], 120, 40) is None
    assert interval(INDICATORS["A3_P50"], None, 40) is None
    assert interval(INDICATORS["C_FLK"], None, None) is None  # suppressed


# --- the read functions ---------------------------------------------------------------------------------


def _results(root: Path) -> Path:
    """A results file written by hand: one year's total of a share, a rate, an index, mean days, a quantile
    and a suppressed share."""
    rows = [
        ("C_FLK", 5.0, 10.0, False),
        ("K_MT_ED", 5.0, 10.0, False),
        ("K_MT_ADM", 0.0, 20.0, False),
        ("C_UPC", 7.5, 10.0, False),
        ("K_UKL", 42.0, 10.0, False),
        ("A3_P50", None, 10.0, False),
        ("A3", None, None, True),
    ]
    cols: dict[str, list[object]] = {c: [] for c in RESULT_COLUMNS}
    for code, num, den, sup in rows:
        value = 2.0 if code == "A3_P50" else num / den if num is not None and den else None
        for c, v in zip(
            RESULT_COLUMNS,
            (code, "year", "2025", dt.date(2025, 1, 1), "total", "all", "all", "all", num, den, value, sup),
            strict=True,
        ):
            cols[c].append(v)
    root.mkdir()
    pq.write_table(pa.table(cols), root / RESULTS_FILE)
    return root


def test_query_results_attach_the_intervals(tmp_path: Path) -> None:
    res = _results(tmp_path / "r")
    codes = ["C_FLK", "K_MT_ED", "K_MT_ADM", "C_UPC", "K_UKL", "A3_P50", "A3"]
    rows = {r["indicator"]: r for r in service.query_results(res, codes, targets=[])}
    assert (rows["C_FLK"]["ci_low"], rows["C_FLK"]["ci_high"]) == pytest.approx(
        (0.236593, 0.763407), abs=1e-6
    )
    assert (rows["K_MT_ED"]["ci_low"], rows["K_MT_ED"]["ci_high"]) == pytest.approx(
        (0.16235, 1.16683), abs=1e-5
    )
    assert rows["K_MT_ADM"]["ci_low"] == 0.0
    assert rows["K_MT_ADM"]["ci_high"] == pytest.approx(0.184444, abs=1e-6)
    for code in ("C_UPC", "K_UKL", "A3_P50", "A3"):
        assert rows[code]["ci_low"] is None and rows[code]["ci_high"] is None, code
    series = service.dashboard_series(res, indicators=codes, period_type="year", targets=[])
    for code in codes:
        (point,) = series[code]
        assert (point["ci_low"], point["ci_high"]) == (rows[code]["ci_low"], rows[code]["ci_high"])


# --- a target missed or met beyond chance ------------------------------------------------------------------


def test_beyond_chance_when_the_interval_is_wholly_on_one_side() -> None:
    flk = Target("C_FLK", 0.55)
    # 20/40 = 50 %: Wilson (0.3519, 0.6481) reaches 55 %, a miss chance may explain
    assert beyond_chance(flk, 0.5, wilson(20, 40), True) is False
    # 500/1000 = 50 %: (0.4691, 0.5309) lies below 55 %
    assert beyond_chance(flk, 0.5, wilson(500, 1000), True) is True
    # 700/1000 = 70 %: (0.6707, 0.7276) lies above, met beyond chance
    assert beyond_chance(flk, 0.7, wilson(700, 1000), True) is True
    # lower is better: 5 emergency visits per 10 patients, (0.162, 1.167), reaches a target of 0.2; 500 per
    # 1,000, (0.457, 0.546), does not
    ed = Target("K_MT_ED", 0.2)
    mt = INDICATORS["K_MT_ED"]
    assert beyond_chance(ed, 0.5, interval(mt, 5, 10), False) is False
    assert beyond_chance(ed, 0.5, interval(mt, 500, 1000), False) is True
    # no value or no interval: nothing to judge
    assert beyond_chance(flk, None, None, True) is None
    assert beyond_chance(Target("C_UPC", 0.6), 0.5, None, True) is None


def test_query_results_judge_the_target_against_the_interval(tmp_path: Path) -> None:
    res = _results(tmp_path / "r")
    targets = [Target("C_FLK", 0.55), Target("K_MT_ADM", 0.5), Target("C_UPC", 0.9)]
    codes = ["C_FLK", "K_MT_ADM", "C_UPC", "K_MT_ED", "A3"]
    rows = {r["indicator"]: r for r in service.query_results(res, codes, targets=targets)}
    # 5/10 = 50 % misses 55 % within its interval (0.237, 0.763)
    assert rows["C_FLK"]["meets_target"] is False and rows["C_FLK"]["beyond_chance"] is False
    # 0 admissions per 20 patients: (0, 0.184) is wholly under 0.5, met beyond chance
    assert rows["K_MT_ADM"]["meets_target"] is True and rows["K_MT_ADM"]["beyond_chance"] is True
    # an index has no interval; no target, or a suppressed cell, has nothing to judge
    assert rows["C_UPC"]["meets_target"] is False and rows["C_UPC"]["beyond_chance"] is None
    assert rows["K_MT_ED"]["beyond_chance"] is None and rows["A3"]["beyond_chance"] is None
    series = service.dashboard_series(res, indicators=codes, period_type="year", targets=targets)
    assert {c: p[0]["beyond_chance"] for c, p in series.items()} == {
        c: rows[c]["beyond_chance"] for c in codes
    }
