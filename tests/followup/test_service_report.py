"""Results are read with filters and targets; reports come out as PDF and Excel."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import run

from naravard.errors import Invalid, NotFound
from naravard.followup import service
from naravard.followup.reports.report import write_report


@pytest.fixture(scope="module")
def results(generated_lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(generated_lake, tmp_path_factory.mktemp("res") / "r", periods=("month", "year"), threshold=5)


def test_list_indicators_is_documented() -> None:
    inds = service.list_indicators()
    assert len(inds) >= 25
    assert all(i["name_sv"] and i["name_en"] and i["definition"] and i["source"] for i in inds)
    doc = (Path(__file__).parents[2] / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert all(f"`{i['code']}`" in doc for i in inds)


def test_every_indicator_is_defined_in_swedish_too() -> None:
    """The pages and reports are Swedish by default, so each definition, numerator and denominator has its
    Swedish text: written (not the English copied), a numerator exactly where the English has one."""
    inds = service.list_indicators()
    for i in inds:
        assert i["definition_sv"] and i["denominator_sv"], i["code"]
        assert bool(i["numerator_sv"]) == bool(i["numerator"]), i["code"]
        for field in ("definition", "numerator", "denominator", "source"):
            sv = f" {i[field + '_sv']} "
            # a source that cites only names reads the same in both languages
            assert not i[field] or sv.strip() != i[field] or field == "source", (i["code"], field)
            english = (" the ", " of ", " with ", " and ", " per such ", " target ", " share ", " rules")
            assert not any(w in sv for w in english), (i["code"], sv)
    a3 = next(i for i in inds if i["code"] == "A3")
    assert a3["definition_sv"].startswith("Väntetider från kontakt till medicinsk bedömning")
    assert "per yrkesgrupp, besöksform och ägarform" in a3["definition_sv"]
    flk = next(i for i in inds if i["code"] == "C_FLK")
    assert flk["source_sv"] == "ÖK God och nära vård 2021–2022 Mål 1 (målnivå 55 %); HSL 7 kap. 3 a §"


def test_indicator_page_is_generated_from_the_registry() -> None:
    """docs/indicators.md lists exactly what the code defines; rewrite it with
    ``python -m naravard.followup.pages.docs docs/indicators.md``."""
    from naravard.followup.pages.docs import indicators_markdown

    doc = (Path(__file__).parents[2] / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert indicators_markdown() in doc


def test_query_and_dashboard(results: Path) -> None:
    rows = service.query_results(results, "C_FLK", "year", "municipality")
    assert {r["scope_id"] for r in rows} >= {"2180", "2181"}
    assert all(r["target"] == 0.55 for r in rows)
    s = service.dashboard_series(results, indicators=["C_FLK", "A3"], period_type="month")
    assert len(s["C_FLK"]) == 24 and len(s["A3"]) == 24
    with pytest.raises(Invalid):
        service.query_results(results, "NOPE")
    with pytest.raises(NotFound):
        service.query_results(results.parent / "missing", "C_FLK")


def test_reports(results: Path, tmp_path: Path) -> None:
    for fmt in ("pdf", "xlsx"):
        out = write_report(
            results_dir=results,
            indicators=["C_FLK", "C_COC", "A3_P90"],
            period="month",
            scope_type="municipality",
            scope_id="2180",
            fmt=fmt,
            out=tmp_path / f"r.{fmt}",
        )
        head = out.read_bytes()[:4]
        assert head == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")


# --- review of the report (tests/review/cli.md 7, 11, 13, 14) -------------------------------------------------


def _report(results: Path, out: Path, **kw: Any) -> Path:
    args: dict[str, Any] = {
        "results_dir": results,
        "indicators": ["C_FLK"],
        "period": "month",
        "scope_type": "total",
        "scope_id": None,
        "fmt": "xlsx",
        "out": out,
    }
    return write_report(**{**args, **kw})


def test_report_needs_a_scope_id_and_some_rows(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    with pytest.raises(Invalid, match=r"scope 'municipality' needs an id.*known municipality ids: 2101, "):
        _report(results, out, scope_type="municipality", fmt="pdf")
    with pytest.raises(Invalid, match=r"no results for unit 999999 per month; known unit ids: "):
        _report(results, out, scope_type="unit", scope_id="999999", fmt="pdf")
    with pytest.raises(Invalid, match=r"no results in total per quarter"):  # the run had month and year only
        _report(results, out, period="quarter", fmt="pdf")
    with pytest.raises(Invalid, match="no indicators given"):
        _report(results, out, indicators=[])
    with pytest.raises(Invalid, match="folder not found"):
        _report(results, tmp_path / "no" / "r.xlsx")
    with pytest.raises(Invalid, match="is a folder"):
        _report(results, tmp_path)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == []


def test_report_is_swedish_with_formats_suppression_bounds_and_targets(results: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = service.query_results(results, "A0", "month", "municipality")
    mun = next(r["scope_id"] for r in rows if r["suppressed"])
    targets = tmp_path / "targets.json"
    targets.write_text(json.dumps([{"indicator": "A0", "value": 0.8, "scope_type": "municipality"}]))
    out = _report(
        results,
        tmp_path / "r.xlsx",
        indicators=["A0", "C_FLK"],
        scope_type="municipality",
        scope_id=mun,
        period_from="2024-07",
        period_to="2025",
        targets_file=targets,
    )
    ws = load_workbook(out)["A0"]
    assert [c.value for c in ws[3]] == ["Period", "Värde", "Täljare", "Nämnare", "Ej redovisat", "Når målet"]
    assert ws["C2"].value == 0.8  # the targets file's, not the national 1.0
    body = list(ws.iter_rows(min_row=4, max_row=ws.max_row))
    periods = [r[0].value for r in body if r[0].value and str(r[0].value)[:2] == "20"]
    assert periods[0] == "2024-07" and periods[-1] == "2025-12"
    supp = [r for r in body if r[4].value == "ja"]
    assert supp and all(r[1].value == "<5" and r[3].value == "<5" for r in supp)
    shown = next(r for r in body if r[4].value == "nej")
    assert shown[1].number_format == "0.0%" and shown[3].number_format == "#,##0"
    assert any("ej redovisat (färre än 5 fall" in str(r[0].value) for r in body)
    assert any(
        str(r[0].value).startswith("Definition: Väntetider från kontaktförsök till kontakt") for r in body
    )
    assert any(
        str(r[0].value) == "Täljare: väntetider om högst 0 dagar; nämnare: räknade väntetider." for r in body
    )
    en = load_workbook(_report(results, tmp_path / "en.xlsx", lang="en"))["C_FLK"]
    assert [c.value for c in en[3]][:4] == ["Period", "Value", "Numerator", "Denominator"]
    assert any(
        str(r[0].value).startswith("Definition: Persons listed at a primary-care unit") for r in en.rows
    )


def test_report_pdf_text_is_swedish(results: Path, tmp_path: Path, pdf_html: list[str]) -> None:
    _report(
        results, tmp_path / "r.pdf", indicators=["A0"], scope_type="municipality", scope_id="2180", fmt="pdf"
    )
    html = pdf_html[0]
    assert '<html lang="sv">' in html and "<th>Täljare</th>" in html and "Nivå: kommun" in html
    assert "ej redovisat (färre än 5 fall i nämnaren)" in html and "Mål 100,0 %" in html
    # figures as the Swedish pages write them: a decimal comma, never a point, in values, targets and scales
    shown = re.findall(r"<td class=\"[^\"]*\">([^<]*)</td>", html)
    assert any(re.fullmatch(r"\d+,\d %", v) for v in shown), shown
    assert not re.search(r"\d\.\d+ %", html)
    # the other language's name says what it is rather than opening the Swedish paragraph in English
    assert '<p class="def">Engelskt namn: ' in html
    assert "Definition: Väntetider från kontaktförsök till kontakt i kalenderdagar" in html
    assert "Täljare: väntetider om högst 0 dagar; nämnare: räknade väntetider." in html
    assert "Källa: HSL 9 kap. 1 §; SFS 2018:553; vantetider.se (SKR), mätregler." in html
    assert "domain.md" not in html and "measurement" not in html


def test_report_lists_periods_without_rows() -> None:
    import datetime as dt

    from naravard.followup.indicators import INDICATORS
    from naravard.followup.reports.report import _fill_periods

    def row(m: int) -> dict[str, Any]:
        return {"period": f"2025-{m:02d}", "period_start": dt.date(2025, m, 1), "value": 0.5}

    sections: list[dict[str, Any]] = [
        {
            "ind": INDICATORS["C_COC"],
            "rows": [row(3), row(5)],
            "target": None,
            "supp": "<5",
            "target_label": "Mål",
        },
        {"ind": INDICATORS["C_FLK"], "rows": [row(2)], "target": 0.55, "supp": "<5", "target_label": "Mål"},
    ]
    _fill_periods(sections, "month", "saknas", "sv")
    assert [r["period"] for r in sections[0]["rows"]] == ["2025-02", "2025-03", "2025-04", "2025-05"]
    assert sections[0]["rows"][2]["shown"] == "saknas" and sections[0]["rows"][2]["missing"]
    assert len(sections[1]["rows"]) == 4 and "Mål 55,0 %" in sections[1]["svg"]


def test_report_says_when_its_last_period_is_incomplete(
    results: Path, tmp_path: Path, pdf_html: list[str]
) -> None:
    """As the pages do under their charts: a month that ends after the lake's last day is named with that
    day, in the report's language, in the PDF and in Excel; a complete last month gets no such line."""
    import datetime as dt
    import shutil

    from openpyxl import load_workbook

    res = tmp_path / "res"
    shutil.copytree(results, res)
    meta = json.loads((res / "meta.json").read_text())
    last = max(r["period_start"] for r in service.query_results(res, "C_FLK", "month", "total"))
    label = f"{last.year}-{last.month:02d}"

    meta["lake_last"] = (last + dt.timedelta(days=9)).isoformat()  # the 10th of the last month
    (res / "meta.json").write_text(json.dumps(meta))
    _report(res, tmp_path / "r.pdf", fmt="pdf")
    assert f"Ofullständig period: {label} t.o.m. 10 " in pdf_html[-1]
    _report(res, tmp_path / "r.pdf", fmt="pdf", lang="en")
    assert f"Incomplete period: {label} to 10 " in pdf_html[-1]
    book = load_workbook(_report(res, tmp_path / "r.xlsx"))
    cells = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert any(f"Ofullständig period: {label} t.o.m. 10 " in c for c in cells), cells[:8]

    next_month = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    meta["lake_last"] = (next_month - dt.timedelta(days=1)).isoformat()  # the month's last day: complete
    (res / "meta.json").write_text(json.dumps(meta))
    _report(res, tmp_path / "r.pdf", fmt="pdf")
    assert "Ofullständig period" not in pdf_html[-1]
