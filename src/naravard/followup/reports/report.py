"""Steering-group reports from a results dataset: the figures per indicator for one scope (``collect``), as a
PDF (``report_pdf``) or an Excel workbook (``report_xlsx``), for the CLI (a file) and the pages and API (bytes).

Swedish by default (``lang="en"`` for English). A suppressed cell (denominator below the small-cell
threshold) is shown as ``<N`` / "ej redovisat", distinct from "–" (not applicable, e.g. no numerator).
Every read goes through ``service.query_results`` with the caller's actor, so a report shows nothing the
pages would refuse (the doctor scope is for analysts and administrators)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from naravard.actor import Actor
from naravard.errors import Invalid
from naravard.followup.indicators import INDICATORS
from naravard.followup.indicators.base import BREAKDOWNS
from naravard.followup.indicators.periods import is_complete
from naravard.followup.indicators.strata import stratum_name
from naravard.followup.pages.formats import fmt_date, fmt_value
from naravard.followup.reports.compare import check_compare, compare_section
from naravard.followup.reports.names import scope_name
from naravard.followup.reports.pdf import pdf_bytes, svg_bars
from naravard.followup.reports.text import LABELS, LANGS, count, fmt_target, rule
from naravard.followup.reports.xlsx import xlsx_bytes
from naravard.followup.results.scopes import Names, load_names
from naravard.followup.results.storage import lake_last
from naravard.followup.results.targets import Target, load_targets, target_for
from naravard.followup.service import check_scope_access, period_bounds, query_results

SCOPED = ("region", "municipality", "unit", "doctor")
FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _meta(results_dir: Path) -> dict[str, Any]:
    try:
        meta: dict[str, Any] = json.loads((Path(results_dir) / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta


def _names(meta: dict[str, Any]) -> Names:
    """Unit names and municipalities from the lake the results were computed from, if it is there."""
    lake = meta.get("lake")
    if lake and Path(lake).is_dir():
        try:
            return load_names(Path(lake))
        except Exception:  # names are a nicety; the id is shown without them
            pass
    return Names()


def _known_ids(
    results_dir: Path, indicators: list[str], period: str, scope_type: str, actor: Actor | None
) -> tuple[str, dict[str, object]]:
    """A hint naming the scope ids the results have: an English template and its parameters."""
    rows = query_results(results_dir, indicators, period, scope_type, None, targets=[], actor=actor)
    ids = sorted({str(r["scope_id"]) for r in rows}, key=lambda s: (len(s), s))
    if not ids:
        return "the results have no %(scope_type)s rows per %(period)s", {}
    more = f", ... (+{len(ids) - 12})" if len(ids) > 12 else ""
    return "known %(scope_type)s ids: %(ids)s", {"ids": ", ".join(ids[:12]) + more}


def collect(
    results_dir: Path,
    indicators: list[str],
    period: str,
    scope_type: str,
    scope_id: str | None,
    *,
    period_from: str | None = None,
    period_to: str | None = None,
    stratum_type: str = "all",
    stratum: str | None = None,
    targets_file: Path | None = None,
    targets: list[Target] | None = None,
    lang: str = "sv",
    threshold: int | None = None,
    actor: Actor | None = None,
    compare: str | None = None,
    names: Names | None = None,
    last_day: dt.date | None = None,
) -> list[dict[str, Any]]:
    """One section per indicator; refuses an empty choice, a scope type without its id, and a choice that
    has no row at all (an unknown id, a period type the results were not computed for). A report is of one
    stratum (``all``, or one age band, sex or breakdown such as A3's ``profession:LK``); with an
    ``actor``, a scope the actor may not see is refused.
    With ``compare`` (a level below the scope, e.g. ``municipality`` in a region's report) each section also
    holds that level's scopes side by side in the report's last period (``names`` places units in areas).
    ``targets`` are those in effect (national, file and the region's own, ``target_service``); without
    them, the national ones and ``targets_file``'s. A period ending after ``last_day`` (the lake's last day)
    is marked ``partial``: its bar is pale and it is not judged against the target."""
    if lang not in LANGS:
        raise Invalid(
            "unknown language %(lang)r; choose %(langs)s", field="lang", params={"lang": lang, "langs": LANGS}
        )
    check_scope_access(actor, scope_type)
    names = names if names is not None else _names(_meta(results_dir))
    if compare is not None:
        check_compare(scope_type, compare, names)
    if not indicators:
        raise Invalid("no indicators given, e.g. --indicators C_FLK,C_COC", field="indicators")
    for code in indicators:
        if code not in INDICATORS:
            raise Invalid("unknown indicator %(code)r", field="indicators", params={"code": code})
    if stratum_type != "all" and stratum is None:
        raise Invalid(
            "a report is of one stratum: give a stratum of %(stratum_type)s",
            field="stratum",
            params={"stratum_type": stratum_type},
        )
    params: dict[str, object] = {"scope_type": scope_type, "scope_id": scope_id, "period": period}
    if scope_type in SCOPED and not scope_id:
        hint, extra = _known_ids(results_dir, indicators, period, scope_type, actor)
        raise Invalid(
            "scope %(scope_type)r needs an id, e.g. %(scope_type)s:<id> (one report per %(scope_type)s); "
            + hint,
            field="scope",
            params={**params, **extra},
        )
    L = LABELS[lang]
    supp = f"<{threshold}" if threshold is not None else L["suppressed"].lower()
    targets = targets if targets is not None else load_targets(targets_file)
    sections: list[dict[str, Any]] = []
    for code in indicators:
        rows = query_results(
            results_dir,
            code,
            period,
            scope_type,
            scope_id,
            stratum_type=stratum_type,
            stratum=stratum,
            period_from=period_from,
            period_to=period_to,
            targets=targets,
            actor=actor,
        )
        ind = INDICATORS[code]
        # one scope and stratum: one target, a relative one's effective value the same in every period
        t = target_for(targets, code, scope_type, scope_id or "all")
        target = next((r["target"] for r in rows if r["target"] is not None), None)
        if target is None and t is not None and t.baseline is None:
            target = t.value  # every row suppressed: the target is still the scope's own
        rule_text = rule(t.value, t.baseline, L, lang) if t is not None else ""
        for r in rows:
            r["partial"] = not is_complete(r["period"], last_day)
            r["shown"] = supp if r["suppressed"] else fmt_value(r["value"], ind, lang)
            r["num_shown"] = "" if r["suppressed"] else count(r["numerator"], lang)
            r["den_shown"] = supp if r["suppressed"] else count(r["denominator"], lang)
        sections.append(
            {
                "ind": ind,
                "name": ind.name(lang),
                "texts": ind.texts(lang),
                "rows": rows,
                "target": target,
                "svg": svg_bars(
                    rows,
                    target,
                    ind=ind,
                    lang=lang,
                    suppressed_mark=supp,
                    target_label=L["target"],
                    target_rule=rule_text,
                    partial_label=L["partial"],
                ),
                "target_shown": fmt_target(target, ind, lang, rule_text),
                "rule": rule_text,
                "supp": supp,
                "target_label": L["target"],
                "partial_label": L["partial"],
            }
        )
    _fill_periods(sections, period, L["missing"], lang)
    if not any(s["rows"] for s in sections):
        # the bounds as given, without words: the message is translated by the pages
        params["bounds"] = f" {period_from or ''}–{period_to or ''}" if period_from or period_to else ""
        if scope_type == "total":
            raise Invalid("no results in total per %(period)s%(bounds)s", field="scope", params=params)
        hint, extra = _known_ids(results_dir, indicators, period, scope_type, actor)
        raise Invalid(
            "no results for %(scope_type)s %(scope_id)s per %(period)s%(bounds)s; " + hint,
            field="scope",
            params={**params, **extra},
        )
    if compare is not None:
        last = max(r["period_start"] for s in sections for r in s["rows"] if not r.get("missing"))
        for s in sections:
            s["compare"] = compare_section(
                results_dir,
                s["ind"].code,
                period=period,
                label=_label(period, last),
                compare=compare,
                parent=(scope_type, scope_id or "all"),
                stratum_type=stratum_type,
                stratum=stratum,
                targets=targets,
                names=names,
                supp=supp,
                L=L,
                lang=lang,
                actor=actor,
            )
    return sections


def _next_period(period: str, start: dt.date) -> dt.date:
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    y, m = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + y, m + 1, 1)


def _label(period: str, start: dt.date) -> str:
    if period == "year":
        return str(start.year)
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _fill_periods(sections: list[dict[str, Any]], period: str, missing: str, lang: str) -> None:
    """Every period from the report's first to its last, in every section: a period an indicator has no row
    for (no case at all in the scope) is listed as ``missing`` rather than left out."""
    starts = [r["period_start"] for s in sections for r in s["rows"]]
    if not starts:
        return
    first, last = min(starts), max(starts)
    for s in sections:
        have = {r["period_start"]: r for r in s["rows"]}
        rows, d = [], first
        while d <= last:
            rows.append(
                have.get(d)
                or {
                    "period": _label(period, d),
                    "period_start": d,
                    "value": None,
                    "numerator": None,
                    "denominator": None,
                    "suppressed": False,
                    "target": None,
                    "meets_target": None,
                    "missing": True,
                    "shown": missing,
                    "num_shown": missing,
                    "den_shown": missing,
                }
            )
            d = _next_period(period, d)
        if len(rows) != len(s["rows"]):
            s["rows"] = rows
            s["svg"] = svg_bars(
                rows,
                s["target"],
                ind=s["ind"],
                lang=lang,
                suppressed_mark=s["supp"],
                target_label=s["target_label"],
                target_rule=s.get("rule", ""),
                partial_label=s.get("partial_label", ""),
            )


def _check_out(out: Path) -> Path:
    out = Path(out).expanduser()
    if out.is_dir():
        raise Invalid(f"{out}: is a folder; give a file name, e.g. {out / 'rapport.pdf'}", field="out")
    if not out.parent.resolve().is_dir():
        raise Invalid(f"{out.parent}: folder not found", field="out")
    return out


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Invalid("unknown format %(fmt)r; choose pdf or xlsx", field="format", params={"fmt": fmt})


def render_report(
    *,
    results_dir: Path,
    indicators: list[str],
    period: str,
    scope_type: str,
    scope_id: str | None,
    fmt: str,
    period_from: str | None = None,
    period_to: str | None = None,
    stratum_type: str = "all",
    stratum: str | None = None,
    targets_file: Path | None = None,
    targets: list[Target] | None = None,
    lang: str = "sv",
    actor: Actor | None = None,
    compare: str | None = None,
    names: Names | None = None,
) -> bytes:
    """The report as bytes of ``fmt`` (``pdf`` or ``xlsx``): what the pages and the API send."""
    _check_format(fmt)
    meta = _meta(results_dir)
    names = names if names is not None else _names(meta)
    threshold = meta.get("small_cell_threshold")
    threshold = int(threshold) if isinstance(threshold, int | float) else None
    sections = collect(
        results_dir,
        indicators,
        period,
        scope_type,
        scope_id,
        period_from=period_from,
        period_to=period_to,
        stratum_type=stratum_type,
        stratum=stratum,
        targets_file=targets_file,
        targets=targets,
        lang=lang,
        threshold=threshold,
        actor=actor,
        compare=compare,
        names=names,
        last_day=lake_last(meta),
    )
    L = LABELS[lang]
    supp = f"<{threshold}" if threshold is not None else L["suppressed"].lower()
    named = scope_name(names, scope_type, scope_id, lang)
    span = "".join(f" {L[w]} {v}" for w, v in (("from", period_from), ("to", period_to)) if v is not None)
    heading = f"{L['scope']}: {L[scope_type]} {named}".rstrip() + f" · {L['periods']}: {L[period]}{span}"
    if stratum is not None:
        shown = f"{stratum} {L['years']}" if stratum_type == "age_band" else L.get(stratum, stratum)
        if stratum_type in BREAKDOWNS:  # A3 by profession, mode or ownership: the code in words
            shown = stratum_name(stratum_type, stratum, lang).lower()
        heading += f" · {L[stratum_type]}: {shown}"
    legend = L["legend"].format(s=supp, n=threshold if threshold is not None else "?")
    note = _incomplete(sections, period, meta, L, lang)
    legend += f". {note}" if note else ""
    if fmt == "pdf":
        return pdf_bytes(sections, heading=heading, legend=legend, L=L, lang=lang)
    return xlsx_bytes(sections, heading=heading, legend=legend, L=L)


def _incomplete(
    sections: list[dict[str, Any]], period: str, meta: dict[str, Any], L: dict[str, str], lang: str
) -> str:
    """ "Ofullständig period: 2026-Q4 t.o.m. 2 dec 2026" when the report's last period ends after the lake's
    last day, as the pages say under their charts: a steering group would otherwise read a partial quarter's
    figures as a whole quarter's. "" otherwise, and when the run did not record the lake's last day."""
    last_day = lake_last(meta)
    starts = [r["period_start"] for s in sections for r in s["rows"]]
    if last_day is None or not starts:
        return ""
    label = _label(period, max(starts))
    if period_bounds(period, label)[1] <= last_day:
        return ""
    return L["incomplete"].format(period=label, day=fmt_date(last_day, lang))


def write_report(*, out: Path, fmt: str, **choices: Any) -> Path:
    """The report written to ``out`` (the CLI); ``choices`` are ``render_report``'s. A half-written report
    never carries the name asked for."""
    _check_format(fmt)
    out = _check_out(out)
    data = render_report(fmt=fmt, **choices)
    tmp = out.with_name(f".{out.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
