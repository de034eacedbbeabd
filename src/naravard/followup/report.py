"""Steering-group reports from a results dataset: a PDF (HTML/Jinja rendered by WeasyPrint, bar charts drawn
as inline SVG) or an Excel workbook (openpyxl, one sheet with the figures and a bar chart per indicator).

Swedish by default (``lang="en"`` for English). A suppressed cell (denominator below the small-cell
threshold) is shown as ``<N`` / "ej redovisat", distinct from "–" (not applicable, e.g. no numerator)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from naravard.errors import Invalid
from naravard.followup.indicators import INDICATORS
from naravard.followup.service import query_results
from naravard.followup.targets import Target, load_targets

BAR_W, BAR_H = 560, 160
LANGS = ("sv", "en")
SCOPED = ("region", "municipality", "unit", "doctor")

LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Uppföljning God och nära vård",
        "scope": "Nivå",
        "period": "Period",
        "periods": "perioder",
        "created": "skapad",
        "source_data": "syntetiska eller uttagna data",
        "legend": "{s}: ej redovisat (färre än {n} fall i nämnaren); –: ej tillämpligt; saknas: inga fall",
        "missing": "saknas",
        "value": "Värde",
        "numerator": "Täljare",
        "denominator": "Nämnare",
        "suppressed": "Ej redovisat",
        "meets": "Når målet",
        "target": "Mål",
        "source": "Källa",
        "definition": "Definition (engelska)",
        "yes": "ja",
        "no": "nej",
        "all": "Hela riket/regionen",
        "from": "från",
        "to": "till",
        "month": "månad",
        "quarter": "kvartal",
        "year": "år",
        "total": "totalt",
        "region": "region",
        "municipality": "kommun",
        "unit": "enhet",
        "doctor": "läkare",
        "Region": "Region",
        "Municipality": "Kommun",
        "Unit": "Enhet",
        "All": "Alla",
    },
    "en": {
        "title": "Follow-up of God och nära vård",
        "scope": "Scope",
        "period": "Period",
        "periods": "periods",
        "created": "created",
        "source_data": "synthetic or extracted data",
        "legend": "{s}: suppressed (fewer than {n} cases in the denominator); –: not applicable; no data: no cases",
        "missing": "no data",
        "value": "Value",
        "numerator": "Numerator",
        "denominator": "Denominator",
        "suppressed": "Suppressed",
        "meets": "Meets target",
        "target": "Target",
        "source": "Source",
        "definition": "Definition",
        "yes": "yes",
        "no": "no",
        "all": "All",
        "from": "from",
        "to": "to",
        "month": "month",
        "quarter": "quarter",
        "year": "year",
        "total": "total",
        "region": "region",
        "municipality": "municipality",
        "unit": "unit",
        "doctor": "doctor",
        "Region": "Region",
        "Municipality": "Municipality",
        "Unit": "Unit",
        "All": "All",
    },
}

# Excel number formats per indicator unit; counts are whole numbers
XLSX_FORMATS = {"share": "0.0%", "index": "0.00", "rate": "0.00", "days": "0.0"}
COUNT_FORMAT = "#,##0"


def svg_bars(
    rows: list[dict[str, Any]],
    target: float | None,
    *,
    unit: str = "share",
    suppressed_mark: str = "–",
    target_label: str = "",
) -> str:
    """A small bar chart as SVG markup: one bar per period, a scale (0 and the top), a dashed labelled line
    at the target, and ``suppressed_mark`` where a cell is suppressed ("–" where it has no value)."""
    vals = [r["value"] for r in rows if r["value"] is not None]
    top = max([*vals, target or 0.0, 1e-9]) * 1.1
    n = max(len(rows), 1)
    left = 40
    step = (BAR_W - left) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BAR_W}" height="{BAR_H + 30}" '
        f'viewBox="0 0 {BAR_W} {BAR_H + 30}" role="img">',
        f'<line x1="{left - 2}" x2="{left - 2}" y1="0" y2="{BAR_H}" stroke="#999"/>',
        f'<line x1="{left - 2}" x2="{BAR_W}" y1="{BAR_H}" y2="{BAR_H}" stroke="#999"/>',
        f'<text x="{left - 5}" y="9" font-size="8" text-anchor="end">{_esc(_fmt(top, unit))}</text>',
        f'<text x="{left - 5}" y="{BAR_H}" font-size="8" text-anchor="end">0</text>',
    ]
    for i, r in enumerate(rows):
        x = left + i * step + step * 0.15
        if r["value"] is None:
            mark = suppressed_mark if r.get("suppressed") else "" if r.get("missing") else "–"
            parts.append(f'<text x="{x:.1f}" y="{BAR_H - 4}" font-size="8" fill="#888">{_esc(mark)}</text>')
        else:
            h = BAR_H * r["value"] / top
            colour = "#b23b3b" if r.get("meets_target") is False else "#2f6f9f"
            parts.append(
                f'<rect x="{x:.1f}" y="{BAR_H - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
        if n <= 12 or i % max(1, -(-n // 8)) == 0:
            parts.append(f'<text x="{x:.1f}" y="{BAR_H + 14}" font-size="8">{_esc(str(r["period"]))}</text>')
    if target is not None:
        y = BAR_H - BAR_H * target / top
        parts.append(
            f'<line x1="{left - 2}" x2="{BAR_W}" y1="{y:.1f}" y2="{y:.1f}" stroke="#333" '
            f'stroke-dasharray="4 3"/>'
        )
        label = f"{target_label} {_fmt(target, unit)}".strip()
        parts.append(
            f'<text x="{BAR_W - 2}" y="{max(y - 3, 8):.1f}" font-size="8" text-anchor="end">{_esc(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return (
        f"{value * 100:.1f} %"
        if unit == "share"
        else f"{value:.2f}"
        if unit in ("index", "rate")
        else f"{value:.1f}"
    )


def _count(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}".replace(",", "\u00a0")


def _meta(results_dir: Path) -> dict[str, Any]:
    try:
        meta: dict[str, Any] = json.loads((Path(results_dir) / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta


def _scope_name(meta: dict[str, Any], scope_type: str, scope_id: str | None, lang: str) -> str:
    """The scope's display name (unit names from the lake the results were computed from, if it is there)."""
    from naravard.followup.scopes import Names, load_names

    L = LABELS[lang]
    names = Names()
    lake = meta.get("lake")
    if scope_type == "unit" and lake and Path(lake).is_dir():
        try:
            names = load_names(Path(lake))
        except Exception:  # names are a nicety; the id is shown without them
            names = Names()
    name = names.name(scope_type, scope_id, lambda k: L.get(k, k))
    if scope_type == "total" or scope_id is None:
        return ""
    if name in (scope_id, f"{L.get(scope_type.capitalize(), scope_type)} {scope_id}"):
        return scope_id  # no name known: the id alone, after the scope type
    return f"{name} ({scope_id})"


def _targets(path: Path | None) -> list[Target]:
    try:
        return load_targets(path)
    except Invalid:
        raise
    except OSError as exc:
        raise Invalid(f"{path}: cannot read targets ({exc.strerror or exc})", field="targets") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise Invalid(f"{path}: cannot read targets ({text})", field="targets") from exc


def _known_ids(results_dir: Path, indicators: list[str], period: str, scope_type: str) -> str:
    rows = query_results(results_dir, indicators, period, scope_type, None, targets=[])
    ids = sorted({str(r["scope_id"]) for r in rows}, key=lambda s: (len(s), s))
    if not ids:
        return f"the results have no {scope_type} rows per {period}"
    more = f", ... ({len(ids)} in all)" if len(ids) > 12 else ""
    return f"known {scope_type} ids: {', '.join(ids[:12])}{more}"


def collect(
    results_dir: Path,
    indicators: list[str],
    period: str,
    scope_type: str,
    scope_id: str | None,
    *,
    period_from: str | None = None,
    period_to: str | None = None,
    targets_file: Path | None = None,
    lang: str = "sv",
    threshold: int | None = None,
) -> list[dict[str, Any]]:
    """One section per indicator; refuses an empty choice, a scope type without its id, and a choice that
    has no row at all (an unknown id, a period type the results were not computed for)."""
    if lang not in LANGS:
        raise Invalid(f"unknown language {lang!r}; choose {' or '.join(LANGS)}", field="lang")
    if not indicators:
        raise Invalid("no indicators given, e.g. --indicators C_FLK,C_COC", field="indicators")
    for code in indicators:
        if code not in INDICATORS:
            raise Invalid(f"unknown indicator {code!r}", field="indicators")
    if scope_type in SCOPED and not scope_id:
        known = _known_ids(results_dir, indicators, period, scope_type)
        raise Invalid(
            f"scope {scope_type!r} needs an id, e.g. {scope_type}:<id> (one report per {scope_type}); {known}",
            field="scope",
        )
    L = LABELS[lang]
    supp = f"<{threshold}" if threshold is not None else L["suppressed"].lower()
    targets = _targets(targets_file)
    sections = []
    for code in indicators:
        rows = query_results(
            results_dir,
            code,
            period,
            scope_type,
            scope_id,
            period_from=period_from,
            period_to=period_to,
            targets=targets,
        )
        ind = INDICATORS[code]
        target = next((r["target"] for r in rows if r["target"] is not None), None)
        if target is None:  # every row suppressed: the target is still the scope's own
            from naravard.followup.targets import target_for

            t = target_for(targets, code, scope_type, scope_id or "all")
            target = t.value if t else None
        for r in rows:
            r["shown"] = supp if r["suppressed"] else _fmt(r["value"], ind.unit)
            r["num_shown"] = "" if r["suppressed"] else _count(r["numerator"])
            r["den_shown"] = supp if r["suppressed"] else _count(r["denominator"])
        sections.append(
            {
                "ind": ind,
                "name": ind.name_sv if lang == "sv" else ind.name_en,
                "rows": rows,
                "target": target,
                "svg": svg_bars(rows, target, unit=ind.unit, suppressed_mark=supp, target_label=L["target"]),
                "target_shown": _fmt(target, ind.unit) if target is not None else "–",
                "supp": supp,
                "target_label": L["target"],
            }
        )
    _fill_periods(sections, period, L["missing"])
    if not any(s["rows"] for s in sections):
        bounds = "".join(f" {w} {v}" for w, v in (("from", period_from), ("to", period_to)) if v is not None)
        where = "in total" if scope_type == "total" else f"for {scope_type} {scope_id}"
        hint = "" if scope_type == "total" else "; " + _known_ids(results_dir, indicators, period, scope_type)
        raise Invalid(f"no results {where} per {period}{bounds}{hint}", field="scope")
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


def _fill_periods(sections: list[dict[str, Any]], period: str, missing: str) -> None:
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
                unit=s["ind"].unit,
                suppressed_mark=s["supp"],
                target_label=s["target_label"],
            )


def _check_out(out: Path) -> Path:
    out = Path(out).expanduser()
    if out.is_dir():
        raise Invalid(f"{out}: is a folder; give a file name, e.g. {out / 'rapport.pdf'}", field="out")
    if not out.parent.resolve().is_dir():
        raise Invalid(f"{out.parent}: folder not found", field="out")
    return out


def write_report(
    *,
    results_dir: Path,
    indicators: list[str],
    period: str,
    scope_type: str,
    scope_id: str | None,
    fmt: str,
    out: Path,
    period_from: str | None = None,
    period_to: str | None = None,
    targets_file: Path | None = None,
    lang: str = "sv",
) -> Path:
    if fmt not in ("pdf", "xlsx"):
        raise Invalid(f"unknown format {fmt!r}; choose pdf or xlsx", field="format")
    out = _check_out(out)
    meta = _meta(results_dir)
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
        targets_file=targets_file,
        lang=lang,
        threshold=threshold,
    )
    L = LABELS[lang]
    supp = f"<{threshold}" if threshold is not None else L["suppressed"].lower()
    scope_name = _scope_name(meta, scope_type, scope_id, lang)
    span = "".join(f" {L[w]} {v}" for w, v in (("from", period_from), ("to", period_to)) if v is not None)
    heading = f"{L['scope']}: {L[scope_type]} {scope_name}".rstrip() + f" · {L['periods']}: {L[period]}{span}"
    legend = L["legend"].format(s=supp, n=threshold if threshold is not None else "?")
    tmp = out.with_name(f".{out.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        if fmt == "pdf":
            env = Environment(
                loader=PackageLoader("naravard.followup", "templates"), autoescape=select_autoescape()
            )
            html = env.get_template("followup/report.html").render(
                sections=sections,
                L=L,
                lang=lang,
                heading=heading,
                legend=legend,
                created=dt.date.today().isoformat(),
            )
            from weasyprint import HTML

            HTML(string=html).write_pdf(tmp)
        else:
            _xlsx(sections, tmp, heading, legend, L)
        tmp.replace(out)  # a half-written report never carries the name asked for
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _xlsx(sections: list[dict[str, Any]], out: Path, title: str, legend: str, L: dict[str, str]) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    wb.remove(wb.active)
    for s in sections:
        ind = s["ind"]
        ws = wb.create_sheet(ind.code[:31])
        ws.append([f"{ind.code} {ind.name_sv} / {ind.name_en}"])
        ws.append([title, L["target"], s["target"]])
        fmt = XLSX_FORMATS.get(ind.unit, "0.0")
        ws.cell(row=2, column=3).number_format = fmt
        ws.append([L["period"], L["value"], L["numerator"], L["denominator"], L["suppressed"], L["meets"]])
        for r in s["rows"]:
            ws.append(
                [
                    r["period"],
                    r["shown"] if r["suppressed"] or r.get("missing") else r["value"],
                    r["numerator"],
                    r["shown"] if r["suppressed"] else r["denominator"],
                    L["yes"] if r["suppressed"] else L["no"],
                    None if r["meets_target"] is None else L["yes"] if r["meets_target"] else L["no"],
                ]
            )
            row = ws.max_row
            ws.cell(row=row, column=2).number_format = fmt
            ws.cell(row=row, column=3).number_format = COUNT_FORMAT
            ws.cell(row=row, column=4).number_format = COUNT_FORMAT
        ws.append([])
        ws.append([legend])
        ws.column_dimensions["A"].width = 14
        if s["rows"]:
            chart = BarChart()
            chart.title = s["name"]
            last = 3 + len(s["rows"])
            chart.add_data(Reference(ws, min_col=2, min_row=3, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=last))
            chart.y_axis.number_format = fmt
            ws.add_chart(chart, "H3")
    wb.save(out)
