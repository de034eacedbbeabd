"""The side-by-side part of a report (``--compare``): the scopes one level below the report's scope in its
last period, with the results' own figures, best first, from the CLI, the API and the comparison page."""

from __future__ import annotations

import html as htmllib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import LINES_JS, run
from page_env import Env, open_env

from naravard.config import Settings
from naravard.errors import Invalid
from naravard.followup import service
from naravard.followup.indicators import INDICATORS
from naravard.followup.pages.formats import fmt_interval
from naravard.followup.reports.report import write_report
from naravard.followup.results.scopes import Names, load_names


@pytest.fixture(scope="module")
def results(generated_lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(generated_lake, tmp_path_factory.mktemp("res") / "r", periods=("quarter",), threshold=5)


def _block(ws: Any) -> tuple[str, list[tuple[Any, ...]]]:
    """The comparison block of a report sheet: its heading and its rows (name, value, num, den, supp, meets,
    target)."""
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith(("Jämförelse:", "Comparison:")))
    return str(rows[at][0]), [r[:7] for r in rows[at + 2 :] if r[0]]


def test_report_compares_the_municipalities_of_a_region(
    results: Path, generated_lake: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    names = load_names(generated_lake)
    out = write_report(
        results_dir=results,
        indicators=["C_FLK", "K_UKL"],
        period="quarter",
        scope_type="region",
        scope_id="21",
        fmt="xlsx",
        out=tmp_path / "r.xlsx",
        compare="municipality",
        names=names,
    )
    wb = load_workbook(out)
    for code in ("C_FLK", "K_UKL"):
        head, rows = _block(wb[code])
        want = {
            r["scope_id"]: r
            for r in service.query_results(results, code, "quarter", "municipality", period_from="2025-Q4")
        }
        assert head == "Jämförelse: kommuner, 2025-Q4"
        got = {names.name("municipality", str(k), str): r for k, r in want.items()}
        assert [r[0] for r in rows] and {r[0] for r in rows} == set(got)  # all ten, by name
        for r in rows:
            w = got[r[0]]
            assert r[4] == ("ja" if w["suppressed"] else "nej")
            assert r[1] == ("<5" if w["suppressed"] else pytest.approx(w["value"], rel=1e-13))
            assert r[6] == pytest.approx(w["target"]) if w["target"] is not None else r[6] is None
        shown = [r[1] for r in rows if r[4] == "nej"]
        # best first (a higher share is better; fewer days waiting for discharge are), suppressed last
        assert shown == sorted(shown, reverse=code == "C_FLK")
        assert [r[4] for r in rows] == sorted((r[4] for r in rows), key=lambda s: s == "ja")


def test_report_compares_units_within_their_municipality(
    results: Path, generated_lake: Path, tmp_path: Path, pdf_html: list[str]
) -> None:
    names = load_names(generated_lake)
    write_report(
        results_dir=results,
        indicators=["A3"],
        period="quarter",
        scope_type="municipality",
        scope_id="2180",
        fmt="pdf",
        out=tmp_path / "r.pdf",
        compare="unit",
        names=names,
    )
    page = pdf_html[0]
    assert "<h3>Jämförelse: enheter, 2025-Q4</h3>" in page
    block = page.split("<h3>Jämförelse")[1]
    listed = set(re.findall(r"<tr><td>([^<]+)</td>", block))
    units = service.query_results(results, "A3", "quarter", "unit", period_from="2025-Q4")
    want = {names.units[r["scope_id"]] for r in units if names.unit_municipality.get(r["scope_id"]) == "2180"}
    assert want and listed == {htmllib.escape(n, quote=False) for n in want}
    assert "<svg" in block


def test_report_compare_gives_the_intervals_in_excel(
    results: Path, generated_lake: Path, tmp_path: Path
) -> None:
    """A share's 95 % interval in two columns after the target (the columns before keep their places), as
    numbers in the value's format; none for mean days, nor for a suppressed cell."""
    from openpyxl import load_workbook

    names = load_names(generated_lake)
    out = write_report(
        results_dir=results,
        indicators=["C_FLK", "K_UKL"],
        period="quarter",
        scope_type="region",
        scope_id="21",
        fmt="xlsx",
        out=tmp_path / "r.xlsx",
        compare="municipality",
        names=names,
    )
    wb = load_workbook(out)
    api = {
        names.name("municipality", str(r["scope_id"]), str): r
        for r in service.query_results(results, "C_FLK", "quarter", "municipality", period_from="2025-Q4")
    }
    ws = wb["C_FLK"]
    cells = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(cells) if str(r[0] or "").startswith("Jämförelse:")) + 1
    assert cells[at][6:9] == ("Mål", "95 % KI nedre", "95 % KI övre")
    rows = [r for r in cells[at + 1 :] if r[0]]
    assert rows and len(rows) == len(api)
    for r in rows:
        want = api[r[0]]
        assert r[7:9] == (
            (None, None) if want["suppressed"] else pytest.approx((want["ci_low"], want["ci_high"]))
        )
    assert ws.cell(row=at + 2, column=8).number_format == "0.0%"
    days = list(wb["K_UKL"].iter_rows(values_only=True))
    k_at = next(i for i, r in enumerate(days) if str(r[0] or "").startswith("Jämförelse:")) + 1
    assert "95 % KI nedre" not in days[k_at]


def test_report_compare_gives_the_intervals_in_the_pdf(
    results: Path, generated_lake: Path, tmp_path: Path, pdf_html: list[str]
) -> None:
    names = load_names(generated_lake)
    write_report(
        results_dir=results,
        indicators=["A3", "K_UKL"],
        period="quarter",
        scope_type="municipality",
        scope_id="2180",
        fmt="pdf",
        out=tmp_path / "r.pdf",
        compare="unit",
        names=names,
        lang="en",
    )
    a3, ukl = pdf_html[0].split("<h3>Comparison")[1:3]
    assert "<th>Value</th><th>95 % CI</th><th>Numerator</th>" in a3 and "95 % CI: confidence interval" in a3
    shown = dict(
        re.findall(r'<tr><td>([^<]+)</td>\s*<td class="[^"]*">[^<]*</td>\s*<td class="ci">([^<]*)</td>', a3)
    )
    api = service.query_results(results, "A3", "quarter", "unit", period_from="2025-Q4")
    want = {
        htmllib.escape(names.units[r["scope_id"]], quote=False): (
            "" if r["suppressed"] else fmt_interval(r["ci_low"], r["ci_high"], INDICATORS["A3"], "en")
        )
        for r in api
        if names.unit_municipality.get(r["scope_id"]) == "2180"
    }
    assert shown and shown == want
    assert any(re.fullmatch(r"\d+\.\d–\d+\.\d %", v) for v in shown.values())
    assert "95 % CI" not in ukl and 'class="ci"' not in ukl


def test_report_compare_refuses_what_it_cannot_compare(results: Path, tmp_path: Path) -> None:
    args: dict[str, Any] = {
        "results_dir": results,
        "indicators": ["C_FLK"],
        "period": "quarter",
        "fmt": "xlsx",
        "out": tmp_path / "r.xlsx",
    }
    with pytest.raises(Invalid, match="cannot compare municipality within a unit report"):
        write_report(**args, scope_type="unit", scope_id="1", compare="municipality")
    with pytest.raises(Invalid, match="cannot compare region within a municipality report; choose unit"):
        write_report(**args, scope_type="municipality", scope_id="2180", compare="region")
    # the results name no lake here: which units are Gävle's is not known, so nothing is guessed
    with pytest.raises(Invalid, match="needs the lake the results were computed from"):
        write_report(**args, scope_type="municipality", scope_id="2180", compare="unit", names=Names())
    assert not (tmp_path / "r.xlsx").exists()


def test_cli_report_compare_bad_level_is_one_line(results: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from naravard.followup.cli import app

    base = ["report", "--results", str(results), "--indicators", "C_FLK", "--period", "quarter"]
    r = CliRunner().invoke(
        app, [*base, "--out", str(tmp_path / "r.xlsx"), "--format", "xlsx", "--compare", "x"]
    )
    assert r.exit_code == 1 and r.output.startswith("error: ") and "cannot compare x" in r.output
    r = CliRunner().invoke(
        app,
        [*base, "--out", str(tmp_path / "ok.xlsx"), "--format", "xlsx", "--compare", "municipality"],
    )
    assert r.exit_code == 0, r.output  # the whole lake's report compares every municipality


@pytest.fixture(scope="module")
def env(demo_settings: Settings) -> Iterator[Env]:
    with open_env(demo_settings) as e:
        yield e


def test_compare_page_report_holds_the_page_side_by_side(env: Env) -> None:
    from openpyxl import load_workbook

    params = {"indicator": "C_FLK", "period_type": "year", "period": "2025", "parent": "region:21"}
    page = env.client.get("/followup/compare", headers=env.heads["analyst"], params=params).text
    box = page.split('id="report-links"')[1].split("</span>")[0]
    xlsx = next(htmllib.unescape(h) for h in re.findall(r'href="([^"]+)"', box) if ".xlsx?" in h)
    assert "compare=municipality" in xlsx and "scope=region%3A21" in xlsx
    r = env.client.get(xlsx, headers=env.heads["analyst"])
    assert r.status_code == 200, r.text
    head, rows = _block(load_workbook(io.BytesIO(r.content))["C_FLK"])
    assert head == "Jämförelse: kommuner, 2025"
    # the page's municipality table lists the same names in the same order
    section = page.split('id="compare-municipality"')[1].split("</section>")[0]
    on_page = [htmllib.unescape(n) for n in re.findall(r'class="fu-drill" href="[^"]*">([^<]+)</a>', section)]
    assert on_page == [r[0] for r in rows]
    api = env.get(
        "analyst",
        "/api/followup/report",
        indicators="C_FLK",
        format="xlsx",
        period_type="year",
        scope_type="municipality",
        scope_id="2180",
        compare="unit",
    )
    assert api.status_code == 200, api.text
    assert _block(load_workbook(io.BytesIO(api.content))["C_FLK"])[1]
    bad = env.get("analyst", "/api/followup/report", indicators="C_FLK", compare="doctor")
    assert bad.status_code == 422 and "cannot compare doctor" in bad.text


def test_report_compare_says_when_a_miss_is_within_the_margin_of_error(
    results: Path, generated_lake: Path, tmp_path: Path, pdf_html: list[str]
) -> None:
    """Excel gives 'beyond the margin of error' as its own column after the interval; the PDF says in words
    whether each scope meets its target and, where the interval reaches the target, that the difference may
    be chance."""
    from openpyxl import load_workbook

    names = load_names(generated_lake)
    kw: dict[str, Any] = {
        "results_dir": results,
        "indicators": ["C_FLK"],
        "period": "quarter",
        "scope_type": "region",
        "scope_id": "21",
        "compare": "municipality",
        "names": names,
    }
    api = {
        names.name("municipality", str(r["scope_id"]), str): r
        for r in service.query_results(results, "C_FLK", "quarter", "municipality", period_from="2025-Q4")
    }
    judged = {n: r["beyond_chance"] for n, r in api.items() if not r["suppressed"]}
    assert set(judged.values()) <= {True, False} and judged  # C_FLK has a national target and an interval
    wb = load_workbook(write_report(fmt="xlsx", out=tmp_path / "r.xlsx", **kw))
    cells = list(wb["C_FLK"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(cells) if str(r[0] or "").startswith("Jämförelse:")) + 1
    assert cells[at][9] == "Utanför felmarginalen"
    for r in (r for r in cells[at + 1 :] if r[0]):
        want = api[r[0]]["beyond_chance"]
        assert r[9] == (None if want is None else "ja" if want else "nej"), r[0]

    write_report(fmt="pdf", out=tmp_path / "r.pdf", **kw)
    block = pdf_html[0].split("<h3>Jämförelse")[1]
    assert "<th>Mål</th><th>Når målet</th>" in block and "Inom felmarginalen: intervallet når målet" in block
    words = dict(
        re.findall(r"<tr><td>([^<]+)</td>(?:\s*<td[^>]*>[^<]*</td>)*?\s*<td[^>]*>([^<]*)</td></tr>", block)
    )
    for name, r in api.items():
        want = "" if r["meets_target"] is None else "ja" if r["meets_target"] else "nej"
        if r["beyond_chance"] is False:
            want += ", inom felmarginalen"
        assert words[htmllib.escape(name, quote=False)] == want, name


def test_report_figures_stay_on_one_line(
    results: Path, generated_lake: Path, tmp_path: Path, pdf_html: list[str], shared_chromium: Any
) -> None:
    """In the PDF's tables a figure and its unit never break ("55,0" over "%" in a narrow target column, as
    WeasyPrint printed it): the report's HTML laid out by Chromium at the width of an A4 page's text."""
    write_report(
        results_dir=results,
        indicators=["C_FLK"],
        period="quarter",
        scope_type="municipality",
        scope_id="2180",
        fmt="pdf",
        out=tmp_path / "r.pdf",
        compare="unit",
        names=load_names(generated_lake),
    )
    page = shared_chromium.new_page(viewport={"width": 680, "height": 1000})  # 180 mm at 96 dpi
    try:
        page.set_content(pdf_html[0])
        lines = page.eval_on_selector_all("td:not(:first-child):not(.words)", LINES_JS)
    finally:
        page.close()
    assert lines and all(n == 1 for _, n in lines), [x for x in lines if x[1] != 1][:5]
