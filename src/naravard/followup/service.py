"""Read functions over a results dataset, for dashboards, the API and reports. Keyword-only, no engine:
results are a small Parquet file read with DuckDB and filters pushed down.

Access rule: per-doctor results (scope type ``doctor``) are personal data about employees and are for
analysts and administrators only. Unit managers see units, municipalities, regions and the total, which are
published openly in Sweden. ``query_results`` enforces it when given an actor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy.orm import Session

from naravard.actor import Actor, Role
from naravard.errors import Forbidden, Invalid, NotFound
from naravard.followup.engine.compute import AGE_BANDS
from naravard.followup.indicators import INDICATORS, PERIOD_TYPES
from naravard.followup.indicators.intervals import interval
from naravard.followup.indicators.periods import MONTHS, add_months, parse_label, period_type_of
from naravard.followup.indicators.strata import INDICATOR_BREAKDOWNS, offers
from naravard.followup.lake.validation import sql_str
from naravard.followup.results.storage import RESULT_COLUMNS, RESULTS_FILE, SCOPES, STRATA
from naravard.followup.results.targets import (
    Target,
    at,
    beyond_chance,
    effective,
    load_targets,
    meets,
    target_for,
)

DOCTOR_SCOPE_ROLES = frozenset({Role.ANALYST, Role.ADMINISTRATOR})

# a bound may be coarser than the period type (a year for months or quarters, a quarter for months) and,
# for quarters, a month
_BOUND_FORMATS = {
    "year": ("YYYY",),
    "quarter": ("YYYY", "YYYY-Qn", "YYYY-MM"),
    "month": ("YYYY", "YYYY-Qn", "YYYY-MM"),
}


def period_bounds(period_type: str, label: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period label of ``period_type`` (``2026-Q4`` -> 2026-10-01, 2026-12-31)."""
    parsed = parse_label(label)
    fmt = {"year": "YYYY", "quarter": "YYYY-Qn", "month": "YYYY-MM"}.get(period_type)
    if parsed is None or parsed[0] != fmt:
        raise Invalid(
            "%(label)r is not a %(period_type)s period",
            field="period",
            params={"label": label, "period_type": period_type},
        )
    start = parsed[1]
    return start, add_months(start, MONTHS[fmt]) - dt.timedelta(days=1)


def _bound(period_type: str, value: str, field: str) -> tuple[dt.date, dt.date]:
    """A period_from / period_to value as the first and last day it covers, checked against the formats
    ``period_type`` accepts."""
    allowed = _BOUND_FORMATS[period_type]
    parsed = parse_label(value.strip())
    if parsed is None or parsed[0] not in allowed:
        raise Invalid(
            "%(field)s %(value)r is not valid for period_type %(period_type)r; use %(formats)s",
            field=field,
            params={"field": field, "value": value, "period_type": period_type, "formats": allowed},
        )
    fmt, start = parsed
    return start, add_months(start, MONTHS[fmt]) - dt.timedelta(days=1)


def _period_start(period_type: str, day: dt.date) -> dt.date:
    """First day of the ``period_type`` period holding ``day``."""
    if period_type == "year":
        return dt.date(day.year, 1, 1)
    if period_type == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, day.month, 1)


def check_scope_access(actor: Actor | None, scope_type: str) -> None:
    """Refuse per-doctor results to anyone but analysts and administrators (see the module docstring)."""
    if actor is not None and scope_type == "doctor" and actor.role not in DOCTOR_SCOPE_ROLES:
        raise Forbidden(
            "per-doctor results are personal data about employees and are for analysts and administrators "
            "only; choose unit, municipality, region or total",
            field="scope_type",
        )


def _known_strata(file: Path, stratum_type: str) -> list[str]:
    """The strata of ``stratum_type`` the results hold (every age band, even one without results)."""
    if stratum_type == "age_band":
        return list(AGE_BANDS)
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT DISTINCT stratum FROM read_parquet({sql_str(file)}) WHERE stratum_type = $sty ORDER BY 1",
            {"sty": stratum_type},
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def known_strata(results_dir: Path, stratum_type: str) -> list[str]:
    """The strata of ``stratum_type`` in the results, for a page's choices (e.g. the professions of A3)."""
    if stratum_type not in STRATA or stratum_type == "all":
        raise Invalid("unknown stratum type %(value)r", field="stratum_type", params={"value": stratum_type})
    return _known_strata(_file(results_dir), stratum_type)


def check_stratum_type(codes: list[str], stratum_type: str) -> None:
    """Refuse a stratum type the results do not have: unknown, or a breakdown (profession, mode, ownership)
    of an indicator that does not offer it, rather than answering with no rows."""
    if stratum_type not in STRATA:
        raise Invalid("unknown stratum type %(value)r", field="stratum_type", params={"value": stratum_type})
    for c in codes:
        if not offers(c, stratum_type):
            with_it = sorted(k for k, v in INDICATOR_BREAKDOWNS.items() if stratum_type in v)
            raise Invalid(
                "%(code)s is not broken down by %(stratum_type)s; only %(codes)s",
                field="stratum_type",
                params={"code": c, "stratum_type": stratum_type, "codes": ", ".join(with_it)},
            )


def list_indicators() -> list[dict[str, Any]]:
    """Every indicator with its names, definition, numerator, denominator (in English, and in Swedish as
    ``*_sv``; the Swedish source as the pages cite it), source and stratum types."""
    return [
        {
            **{k: v for k, v in asdict(i).items() if k != "sv"},
            **{f"{k}_sv": v for k, v in asdict(i.sv).items()},
            "source_sv": i.cite("sv"),
            "stratum_types": [t for t in STRATA if offers(i.code, t)],
        }
        for i in INDICATORS.values()
    ]


def _file(results_dir: Path) -> Path:
    f = Path(results_dir) / RESULTS_FILE
    if not f.is_file():
        raise NotFound(
            "%(dir)s: no follow-up results; run 'naravard followup run' first", params={"dir": results_dir}
        )
    return f


def query_results(
    results_dir: Path,
    indicator: str | list[str],
    period_type: str = "year",
    scope_type: str = "total",
    scope_id: str | list[str] | None = None,
    *,
    stratum_type: str = "all",
    stratum: str | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    targets: list[Target] | None = None,
    targets_file: Path | None = None,
    actor: Actor | None = None,
) -> list[dict[str, Any]]:
    """Result rows, each with ``target`` and ``meets_target`` (None when no target or suppressed), the
    95 % interval ``ci_low`` / ``ci_high`` (None where not defined: see ``intervals``) and ``beyond_chance``
    (the interval is wholly on the value's side of the target; see ``targets.beyond_chance``). A relative
    target's row also says its rule, ``target_baseline`` and ``target_factor`` (else None), and its
    ``target`` is the effective value (``targets.effective``; None without a baseline value);
    ``change_since_baseline`` is its value's relative change since the baseline (0.05 = +5 %).

    ``period_from`` / ``period_to`` are period labels (``2025``, ``2025-Q2``, ``2025-04``); a bound may be
    coarser than the period type (a year for months) and is widened to the periods it overlaps. With an
    ``actor``, the doctor scope is refused to roles that may not see it (:func:`check_scope_access`)."""
    codes = [indicator] if isinstance(indicator, str) else list(indicator)
    for c in codes:
        if c not in INDICATORS:
            raise Invalid("unknown indicator %(code)r", field="indicator", params={"code": c})
    if period_type not in PERIOD_TYPES:
        raise Invalid("unknown period type %(value)r", field="period_type", params={"value": period_type})
    if scope_type not in SCOPES:
        raise Invalid("unknown scope type %(value)r", field="scope_type", params={"value": scope_type})
    check_stratum_type(codes, stratum_type)
    check_scope_access(actor, scope_type)
    if scope_type == "total" and scope_id is not None:
        raise Invalid("scope_type 'total' takes no scope_id", field="scope_id")
    if stratum is not None and stratum_type == "all":
        raise Invalid(
            "stratum needs a stratum_type: %(types)s",
            field="stratum",
            params={"types": ", ".join(t for t in STRATA if t != "all")},
        )
    file = _file(results_dir)
    if stratum is not None and stratum not in (known := _known_strata(file, stratum_type)):
        raise Invalid(
            "unknown %(stratum_type)s %(stratum)r; choose from %(known)s",
            field="stratum",
            params={"stratum_type": stratum_type, "stratum": stratum, "known": ", ".join(known)},
        )
    lo = _bound(period_type, period_from, "period_from") if period_from else None
    hi = _bound(period_type, period_to, "period_to") if period_to else None
    if lo and hi and lo[0] > hi[1]:
        raise Invalid(
            "period_from %(period_from)r is after period_to %(period_to)r",
            field="period_to",
            params={"period_from": period_from, "period_to": period_to},
        )
    where = [
        "indicator IN (SELECT unnest($codes))",
        "period_type = $pt",
        "scope_type = $st",
        "stratum_type = $sty",
    ]
    params: dict[str, Any] = {"codes": codes, "pt": period_type, "st": scope_type, "sty": stratum_type}
    if scope_id is not None:
        where.append("scope_id IN (SELECT unnest($ids))")
        params["ids"] = [scope_id] if isinstance(scope_id, str) else list(scope_id)
    if stratum is not None:
        where.append("stratum = $stratum")
        params["stratum"] = stratum
    # every period that overlaps the bounds: it starts on or before the last day of period_to, and at or
    # after the start of the period holding the first day of period_from
    if lo:
        where.append("period_start >= $pfrom")
        params["pfrom"] = _period_start(period_type, lo[0])
    if hi:
        where.append("period_start <= $pto")
        params["pto"] = hi[1]
    sql = (
        f"SELECT {', '.join(RESULT_COLUMNS)} FROM read_parquet({sql_str(file)}) "
        f"WHERE {' AND '.join(where)} ORDER BY indicator, period_start, scope_id, stratum"
    )
    con = duckdb.connect()
    try:
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    tg = targets if targets is not None else load_targets(targets_file)
    chosen = [target_for(tg, r["indicator"], r["scope_type"], r["scope_id"]) for r in rows]
    baselines = _baseline_values(file, scope_type, rows, chosen)
    for r, t in zip(rows, chosen, strict=True):
        base = baselines.get(_baseline_key(r, t)) if t is not None and t.baseline else None
        value = None if t is None else effective(t, base)
        # how far the row has come since the baseline, the figure a relative target is about (Mål 2: +20 %)
        r["change_since_baseline"] = r["value"] / base - 1 if base and r["value"] is not None else None
        judged = None if t is None or value is None else at(t, value)
        r["target"] = value
        r["target_baseline"] = t.baseline if t else None
        r["target_factor"] = t.value if t and t.baseline else None
        ind = INDICATORS[r["indicator"]]
        ci = interval(ind, r["numerator"], r["denominator"])
        r["meets_target"] = meets(judged, r["value"], ind.higher_is_better) if judged else None
        r["beyond_chance"] = beyond_chance(judged, r["value"], ci, ind.higher_is_better) if judged else None
        r["ci_low"], r["ci_high"] = ci or (None, None)
    return rows


def _baseline_key(r: dict[str, Any], t: Target) -> tuple[Any, ...]:
    """The baseline cell of row ``r`` under relative target ``t``: the same indicator, scope and stratum in
    the period ``t.baseline`` (its period type from the label's form: a year also for monthly rows)."""
    return (r["indicator"], t.baseline, r["scope_id"], r["stratum_type"], r["stratum"])


def _baseline_values(
    file: Path, scope_type: str, rows: list[dict[str, Any]], chosen: list[Target | None]
) -> dict[tuple[Any, ...], float]:
    """The values of the baseline cells the relative targets among ``chosen`` need (``_baseline_key``), in
    one query for every row, not one per row: the dashboard asks for hundreds of rows. A suppressed cell
    has no value to multiply, so it is left out and its rows get no target."""
    wanted = {_baseline_key(r, t) for r, t in zip(rows, chosen, strict=True) if t and t.baseline}
    if not wanted:
        return {}
    labels = sorted({k[1] for k in wanted})
    sql = (
        f"SELECT indicator, period_type, period, scope_id, stratum_type, stratum, value "
        f"FROM read_parquet({sql_str(file)}) WHERE scope_type = $st AND NOT suppressed AND value IS NOT NULL "
        "AND indicator IN (SELECT unnest($codes)) AND period IN (SELECT unnest($labels)) "
        "AND period_type IN (SELECT unnest($pts)) AND scope_id IN (SELECT unnest($ids)) "
        "AND stratum_type IN (SELECT unnest($stys))"
    )
    params = {
        "st": scope_type,
        "codes": sorted({k[0] for k in wanted}),
        "labels": labels,
        "pts": sorted({period_type_of(b) or "" for b in labels}),
        "ids": sorted({k[2] for k in wanted}),
        "stys": sorted({k[3] for k in wanted}),
    }
    con = duckdb.connect()
    try:
        found = con.execute(sql, params).fetchall()
    finally:
        con.close()
    # the query asks for every combination of the codes, labels and ids; keep the cells asked for, each
    # in the period type its label names
    return {
        (code, period, sid, sty, stratum): value
        for code, pt, period, sid, sty, stratum, value in found
        if pt == period_type_of(period) and (code, period, sid, sty, stratum) in wanted
    }


def dashboard_series(
    results_dir: Path,
    *,
    indicators: list[str],
    period_type: str = "month",
    scope_type: str = "total",
    scope_id: str | None = None,
    targets: list[Target] | None = None,
    targets_file: Path | None = None,
    stratum_type: str = "all",
    actor: Actor | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The dashboard's query: one time series per indicator for one scope (stratum 'all' unless
    ``stratum_type`` asks for age bands, sex or a breakdown such as A3's professions, then each point
    carries its ``stratum``)."""
    rows = query_results(
        results_dir,
        indicators,
        period_type,
        scope_type,
        scope_id,
        stratum_type=stratum_type,
        targets=targets,
        targets_file=targets_file,
        actor=actor,
    )
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in indicators}
    for r in rows:
        out[r["indicator"]].append(
            {
                k: r[k]
                for k in (
                    "period",
                    "stratum",
                    "value",
                    "numerator",
                    "denominator",
                    "suppressed",
                    "target",
                    "target_baseline",
                    "target_factor",
                    "change_since_baseline",
                    "meets_target",
                    "beyond_chance",
                    "ci_low",
                    "ci_high",
                )
            }
        )
    return out


def targets_for(
    session: Session, indicator_ids: list[str] | tuple[str, ...], *, targets_file: Path | None = None
) -> list[Target]:
    """The targets in effect for these indicators, in precedence order: national, the targets file's and the
    region's own (stored in the database); what other contexts pass to ``query_results(targets=...)`` so
    their figures are marked against the same targets as the follow-up's pages."""
    from naravard.followup import target_service  # imports this module; the region's targets live there

    wanted = set(indicator_ids)
    return [
        t
        for t in target_service.effective_targets(session, targets_file=targets_file)
        if t.indicator in wanted
    ]
