"""Suppression holds against every exact relation the results publish (issue 21): on random small lakes of
cells (two regions whose municipality codes do not begin with the region's code, units, doctors, strata, a
breakdown, months, quarters and a year; event, snapshot and person families) and on the demo lake, no
suppressed cell can be recovered by subtracting published cells: not within a period, indicator and stratum
(strata of a cell, municipalities of a region, regions of the total, units and doctors against the total),
nor across the periods (a quarter and its months, a year and its quarters, a snapshot's quarter and its last
month) nor between a wait quantile and its share.

The check is written here from the relations themselves, not from ``results.relations``: every equation
``parent = sum of children`` (or ``a = b``) that the published cells form, taken as exact; an attacker peels
equations with one unknown term, puts the value found back and goes on. A stronger attacker, solving the
system of the equations that hold exactly in the true counts (linear algebra), still pins some cells: that
test is an expected failure, the known limit of complementary suppression by equations."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from naravard.followup.engine.compute import LONG_SCHEMA
from naravard.followup.indicators import FAMILIES
from naravard.followup.results.storage import RESULTS_FILE, write_results

Key = tuple[Any, ...]  # indicator, period_type, period_start, scope_type, scope_id, stratum_type, stratum
GRAIN = {i.code: f.grain for f in FAMILIES for i in f.indicators}
SHARE_OF = {i.code: f.indicators[0].code for f in FAMILIES for i in f.indicators if i.quantile is not None}
STRATUM_TYPES = ("age_band", "sex", "profession", "mode", "ownership")


def read(out: Path) -> dict[Key, tuple[bool, float | None]]:
    rows = (
        duckdb.connect()
        .execute(
            "SELECT indicator, period_type, period_start, scope_type, scope_id, stratum_type, stratum, "
            f"suppressed, denominator FROM '{out / RESULTS_FILE}'"
        )
        .fetchall()
    )
    return {r[:7]: (r[7], r[8]) for r in rows}


def equations(cells: set[Key], munreg: dict[str, set[str | None]]) -> Iterator[tuple[Key, list[Key]]]:
    """(parent, children) of every relation among the published cells (identities as one child)."""
    by_cell: dict[Key, list[Key]] = defaultdict(list)
    for k in cells:
        by_cell[k[:5]].append(k)
    for head, ks in by_cell.items():
        parent = (*head, "all", "all")
        if parent in cells:
            for t in STRATUM_TYPES:
                yield parent, [k for k in ks if k[5] == t]
    # scopes: within one indicator, period and stratum
    groups: dict[Key, dict[str, list[Key]]] = defaultdict(lambda: defaultdict(list))
    for k in cells:
        groups[(k[0], k[1], k[2], k[5], k[6])][k[3]].append(k)
    for by in groups.values():
        total = by.get("total", [])
        regions = by.get("region", [])
        muns = by.get("municipality", [])
        for r in regions:
            yield r, [m for m in muns if r[4] in munreg.get(m[4], set())]
        for whole in total:
            yield whole, regions + [m for m in muns if None in munreg.get(m[4], set())]
            yield whole, by.get("unit", [])
            yield whole, by.get("doctor", [])
    # periods
    series: dict[Key, dict[tuple[str, dt.date], Key]] = defaultdict(dict)
    for k in cells:
        series[(k[0], *k[3:])][(k[1], k[2])] = k
    for s, per in series.items():
        grain = GRAIN[s[0]]
        for (pt, start), k in per.items():
            if pt == "month" or grain == "person":
                continue
            span = 3 if pt == "quarter" else 12
            inside = [
                (p, d)
                for (p, d) in per
                if d >= start and (d.year - start.year) * 12 + d.month - start.month < span
            ]
            if grain == "event":
                child = "month" if pt == "quarter" else "quarter"
                yield k, [per[x] for x in inside if x[0] == child]
            else:  # snapshot: the period is its last month
                months = [x for x in inside if x[0] == "month"]
                if months:
                    yield k, [per[max(months, key=lambda x: x[1])]]
    # a quantile's count of waits is its share's denominator
    for k in cells:
        if k[0] in SHARE_OF and (s := (SHARE_OF[k[0]], *k[1:])) in cells:
            yield s, [k]


def leaks(
    got: dict[Key, tuple[bool, float | None]],
    truth: dict[Key, float],
    munreg: dict[str, set[str | None]],
    algebra: bool = False,
) -> list[str]:
    """What an attacker recovers: peeling equations with one unknown (every published relation taken as
    exact), and with ``algebra`` the cells the system of truly exact equations determines."""
    eqs = [(p, c) for p, c in equations(set(got), munreg) if c]
    found: list[str] = []
    known = {k for k, (sup, _) in got.items() if not sup}
    changed = True
    while changed:
        changed = False
        for p, c in eqs:
            unknown = [k for k in (p, *c) if k not in known]
            if len(unknown) == 1:
                found.append(f"{unknown[0]} from {p} = sum of {len(c)}")
                known.add(unknown[0])
                changed = True
    if algebra and not found:
        exact = [(p, c) for p, c in eqs if abs(truth[p] - sum(truth[k] for k in c)) < 1e-9]
        hidden = sorted({k for p, c in exact for k in (p, *c) if got[k][0]}, key=str)
        col = {k: i for i, k in enumerate(hidden)}
        rows = []
        for p, c in exact:
            v = np.zeros(len(hidden))
            for k, sign in ((p, 1.0), *((x, -1.0) for x in c)):
                if k in col:
                    v[col[k]] += sign
            if v.any():
                rows.append(v)
        if rows:
            # a hidden cell is determined when every solution of the homogeneous system is zero there
            _, sv, vt = np.linalg.svd(np.array(rows))
            rank = int((sv > 1e-9 * sv[0]).sum())
            null = vt[rank:]
            for k, j in col.items():
                if not null.size or np.abs(null[:, j]).max() < 1e-9:
                    found.append(f"{k} determined by the exact equations")
    return found


# --- random lakes of cells ---------------------------------------------------------------------------

MUNREG = {"0580": "01", "1440": "01", "7": "01", "2180": "02", "0114": "02"}  # codes that begin with nothing


def random_long(rng: random.Random) -> list[dict[str, Any]]:
    """Fine cells of an event family with breakdowns (A3), a snapshot (C_FLK) and a person family (C_UPC)
    in Jan-Apr 2025, quarters and the year derived as the engine derives them; small counts, so much is
    suppressed."""
    muns = rng.sample(sorted(MUNREG), rng.randint(2, 5))
    fine: list[dict[str, Any]] = []
    for code in ("A3", "C_FLK", "C_UPC"):
        for month in range(1, 5):
            for _ in range(rng.randint(3, 12)):
                mun = rng.choice(muns)
                src = rng.choice(("area", "area", "unit", "doctor"))
                den = float(rng.randint(1, 15))
                base = {
                    "indicator": code,
                    "period_type": "month",
                    "period_start": dt.date(2025, month, 1),
                    "src": src,
                    "region_code": MUNREG[mun] if src == "area" else None,
                    "municipality_code": mun if src == "area" else None,
                    "unit_id": rng.randint(1, 3) if src == "unit" else None,
                    "doctor_id": rng.randint(10, 13) if src == "doctor" else None,
                    "age_band": rng.choice(("0-19", "65-79", None)),
                    "sex": rng.choice("FM"),
                    "breakdown": None,
                    "breakdown_value": None,
                    "days": None,
                    "num": float(rng.randint(0, int(den))),
                    "den": den,
                }
                fine.append(base)
                if code == "A3" and rng.random() < 0.7:
                    fine.append(
                        {
                            **base,
                            "age_band": None,
                            "sex": None,
                            "breakdown": "profession",
                            "breakdown_value": rng.choice(("LK", "DSK", "SSK")),
                        }
                    )
    out = list(fine)
    for pt, trunc in (
        ("quarter", lambda d: d.replace(month=(d.month - 1) // 3 * 3 + 1)),
        ("year", lambda d: d.replace(month=1)),
    ):
        for r in fine:
            if r["indicator"] == "A3":  # event: the sum of its months
                out.append({**r, "period_type": pt, "period_start": trunc(r["period_start"])})
            elif r["indicator"] == "C_FLK":  # snapshot: the last month (March; April, the lake's last)
                m = r["period_start"].month
                if m == 4 or (pt == "quarter" and m == 3):
                    out.append({**r, "period_type": pt, "period_start": trunc(r["period_start"])})
            else:  # person: distinct persons, no relation to the months
                out.append(
                    {
                        **r,
                        "period_type": pt,
                        "period_start": trunc(r["period_start"]),
                        "den": r["den"] + rng.randint(0, 3),
                    }
                )
    return out


def run(cells: list[dict[str, Any]], out: Path, threshold: int) -> dict[Key, tuple[bool, float | None]]:
    return read(
        write_results(
            pa.Table.from_pylist(cells, schema=LONG_SCHEMA), out, threshold=threshold, memory_limit="1GB"
        )
    )


@pytest.mark.parametrize("seed", range(12))
def test_no_suppressed_cell_is_recoverable_on_random_lakes(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    cells = random_long(rng)
    got = run(cells, tmp_path / "res", threshold=5)
    truth = {k: float(d or 0) for k, (_, d) in run(cells, tmp_path / "truth", threshold=0).items()}
    assert set(got) == set(truth)
    assert any(s for s, _ in got.values()), "a lake with nothing suppressed proves nothing"
    munreg: dict[str, set[str | None]] = {m: {r} for m, r in MUNREG.items()}
    assert leaks(got, truth, munreg) == []
    # primary suppression as before: every cell under the threshold
    assert all(s for k, (s, _) in got.items() if truth[k] < 5)


@pytest.mark.xfail(
    strict=True,
    reason="known limit (issue 21): complementary suppression keeps every equation at 0 or 2+ hidden terms, "
    "which defeats subtraction; an attacker solving many exact equations at once (linear algebra) still pins "
    "some cells, e.g. a municipality's snapshot of one sex only across region, sex and age equations",
)
def test_no_suppressed_cell_is_determined_by_linear_algebra(tmp_path: Path) -> None:
    cells = random_long(random.Random(0))
    got = run(cells, tmp_path / "res", threshold=5)
    truth = {k: float(d or 0) for k, (_, d) in run(cells, tmp_path / "truth", threshold=0).items()}
    assert leaks(got, truth, {m: {r} for m, r in MUNREG.items()}, algebra=True) == []


def test_no_suppressed_cell_is_recoverable_on_the_demo_lake(demo_settings: Any) -> None:
    out = Path(demo_settings.effective_results_dir)
    got = read(out)
    lake = Path(demo_settings.effective_lake_dir)
    con = duckdb.connect()
    munreg: dict[str, set[str | None]] = defaultdict(set)
    for table in ("persons", "residences"):
        for m, r in con.execute(
            f"SELECT DISTINCT municipality_code, region_code FROM read_parquet('{lake}/{table}/**/*.parquet')"
        ).fetchall():
            munreg[m].add(r)
    assert sum(s for s, _ in got.values()) > 1000
    assert leaks(got, {}, munreg) == []
