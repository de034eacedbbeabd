"""Issue 19 on the dashboard: the headline is the last complete period (region A3 read 100,0 % for three days
of December, with a green "Målet nås", while its history is ~80 %); the incomplete period is shown only marked
as such; a stale headline says how old it is; a month without data keeps its place on the chart and in the
table; the table fits its half-width card. Over hand-made results whose lake ends on 3 December 2026, and in
Chromium over them and over the demo region."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import LINES_JS
from page_env import KEY, Env, open_env

from naravard.app import create_app
from naravard.config import Settings
from naravard.followup.pages.charts import figure_of
from naravard.followup.results.storage import META_FILE, RESULT_COLUMNS, RESULTS_FILE
from tests.live import serve

CHROMIUM = "/usr/bin/chromium"
LAKE_LAST = dt.date(2026, 12, 3)
# A3 per month in 2026: about 80 % all year, no row for September (no waits counted), and December's three
# days 9 of 9 (100 %, the national target of 100 % "met"). C_FLK: nothing reported after August.
A3 = {f"2026-{m:02d}": (0.8 + (m % 3) / 100, 150.0) for m in range(1, 12) if m != 9} | {"2026-12": (1.0, 9.0)}
C_FLK = {f"2026-{m:02d}": (0.5, 200.0) for m in range(1, 9)} | {"2026-10": (None, 3.0)}


def _rows(code: str, cells: dict[str, tuple[float | None, float]]) -> list[dict[str, Any]]:
    return [
        {
            "indicator": code,
            "period_type": "month",
            "period": period,
            "period_start": dt.date(int(period[:4]), int(period[5:]), 1),
            "scope_type": "total",
            "scope_id": "all",
            "stratum_type": "all",
            "stratum": "all",
            "numerator": None if value is None else value * den,
            "denominator": None if value is None else den,
            "value": value,
            "suppressed": value is None,
        }
        for period, (value, den) in cells.items()
    ]


def write_results(root: Path) -> Path:
    """A results folder as ``naravard followup run`` writes it, its meta naming the lake's last day."""
    root.mkdir(parents=True)
    table = pa.Table.from_pylist(_rows("A3", A3) + _rows("C_FLK", C_FLK)).select(list(RESULT_COLUMNS))
    pq.write_table(table, root / RESULTS_FILE)
    meta = {"small_cell_threshold": 5, "lake_first": "2026-01-01", "lake_last": LAKE_LAST.isoformat()}
    (root / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("fu-headline")
    (root / "lake").mkdir()
    return Settings(
        environment="test",
        audit_hmac_key=KEY,
        database_url=f"sqlite:///{root}/x.db",
        data_dir=root,
        results_dir=write_results(root / "results"),
        lake_dir=root / "lake",
    )  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def env(settings: Settings) -> Iterator[Env]:
    with open_env(settings) as e:
        yield e


PARAMS = {"indicator": ["A3", "C_FLK"], "period_type": "month"}


def _card(page: str, code: str) -> str:
    return htmllib.unescape(page.split(f'id="card-{code}"')[1].split("</section>")[0])


def _head(page: str, code: str) -> str:
    """The card's headline paragraph as text."""
    head = _card(page, code).split('<p class="fu-head">')[1].split("</p>")[0]
    return " ".join(re.sub(r"<[^>]+>", " ", head).split())


def _plot(page: str, code: str) -> list[dict[str, Any]]:
    traces: list[dict[str, Any]] = figure_of(page, f"chart-{code}")["data"]
    return traces


def _table(page: str, code: str) -> list[list[str]]:
    body = page.split(f'id="table-{code}"')[1].split("</table>")[0].split("<tbody>")[1]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in body.split("</tr>") if "<t" in row]


def test_the_headline_is_the_last_complete_month_and_december_is_marked(env: Env) -> None:
    page = env.get("analyst", "/followup", **PARAMS).text
    head = _head(page, "A3")
    assert head.startswith("Senaste hela period (2026-11): 82,0 % · Mål 100,0 % · Målet nås inte"), head
    # December apart, marked as incomplete, not judged
    assert "Ofullständig period 2026-12 (t.o.m. 3 dec 2026): 100,0 %; bedöms inte mot målet" in head
    assert "Senaste (2026-12" not in page and "Målet nås ·" not in head
    card = _card(page, "A3")
    assert re.search(r'<strong class="fu-latest fu-miss">82,0 %</strong>', card)
    assert 'class="fu-latest fu-ok"' not in card  # no green headline
    assert "Ofullständig period: 2026-12 t.o.m. 3 dec 2026." in card
    # in the table, December says it is incomplete where the others say whether the target is met
    rows = {r[0]: r for r in _table(page, "A3")}
    assert (
        rows["2026-12"][1] == "100,0 %" and rows["2026-12"][-1] == "Ofullständig period (t.o.m. 3 dec 2026)"
    )
    assert rows["2026-11"][-1] == "Målet nås inte"
    assert '<tr class="fu-partial-row"><th scope="row">2026-12</th>' in page
    # in English too
    en = env.get("analyst", "/followup", "en", **PARAMS).text
    assert _head(en, "A3").startswith(
        "Latest complete period (2026-11): 82.0 % · Target 100.0 % · target not met"
    )
    assert "Incomplete period 2026-12 (to 3 Dec 2026): 100.0 %; not judged against the target" in _head(
        en, "A3"
    )


def test_the_chart_draws_the_incomplete_month_apart(env: Env) -> None:
    line, partial, target = _plot(env.get("analyst", "/followup", **PARAMS).text, "A3")
    assert line["x"][-1] == "2026-12" and line["y"][-1] is None  # not joined to the line
    assert (partial["name"], partial["x"], partial["y"]) == ("Ofullständig period", ["2026-12"], [1.0])
    assert partial["marker"]["symbol"] == "circle-open"
    assert target["name"] == "Mål"


def test_a_month_without_data_keeps_its_place(env: Env) -> None:
    page = env.get("analyst", "/followup", **PARAMS).text
    line = _plot(page, "A3")[0]
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    assert line["x"] == months and line["y"][8] is None  # September: a gap, not August joined to October
    rows = _table(page, "A3")
    assert [r[0] for r in rows] == months
    assert rows[8][:2] == ["2026-09", "saknas"] and all(c == "" for c in rows[8][2:])
    assert "saknas: inga fall under perioden, eller inga räknade ännu." in _card(page, "A3")


def test_a_stale_headline_says_how_old_it_is(env: Env) -> None:
    page = env.get("analyst", "/followup", **PARAMS).text
    head = _head(page, "C_FLK")
    assert head.startswith("Senaste hela period (2026-08): 50,0 %")
    assert (
        "senaste redovisade värde; senare perioder ej redovisade: 3 månader äldre än den senaste hela perioden "
        "(2026-11)" in head
    )
    # the axis runs to the lake's last month, so the months not reported are seen as such
    assert _plot(page, "C_FLK")[0]["x"][-1] == "2026-12"
    en = _head(env.get("analyst", "/followup", "en", **PARAMS).text, "C_FLK")
    assert "3 months older than the latest complete period (2026-11)" in en
    # A3's headline is of the latest complete month: not stale
    assert "senaste redovisade" not in _head(page, "A3")


# --- in Chromium ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(shared_chromium: Any) -> Any:
    return shared_chromium


def _page(browser: Any, base: str, token: str) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}, locale="sv-SE")
    context.add_cookies([{"name": "naravard_session", "value": token, "url": base}])
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.mark.browser
def test_in_chromium_the_incomplete_month_is_not_the_headline(chromium: Any, env: Env) -> None:
    with serve(create_app(env.settings)) as base:
        page = _page(chromium, base, _token(env))
        page.goto("/followup?indicator=A3&indicator=C_FLK&period_type=month")
        page.wait_for_selector("#chart-A3 .legendtext")
        head = page.locator("#card-A3 p.fu-head")
        assert head.inner_text().startswith("Senaste hela period (2026-11): 82,0 %")
        latest = head.locator("strong.fu-latest")
        assert latest.inner_text() == "82,0 %"
        # red (a miss), not the green of "target met"
        assert latest.evaluate("e => getComputedStyle(e).color") == "rgb(164, 38, 44)"
        partial = head.locator(".fu-partial-value")
        assert (
            partial.is_visible()
            and "Ofullständig period 2026-12 (t.o.m. 3 dec 2026): 100,0 %" in partial.inner_text()
        )
        # the chart's legend names the incomplete month's ring
        legend = page.eval_on_selector_all("#chart-A3 .legendtext", "els => els.map(e => e.textContent)")
        assert "Ofullständig period" in legend
        page.locator("#table-A3 summary").click()
        row = page.locator("#table-A3 tr.fu-partial-row")
        assert row.locator("th").inner_text() == "2026-12"
        assert row.locator("td.fu-words").inner_text() == "Ofullständig period (t.o.m. 3 dec 2026)"
        assert row.evaluate("e => getComputedStyle(e.querySelector('td')).fontStyle") == "italic"
        page.context.close()


@pytest.mark.browser
def test_in_chromium_the_tables_fit_their_half_width_cards(chromium: Any, demo_settings: Settings) -> None:
    """At 1280 px two cards stand side by side, and each table shows every column, "Når målet?" included,
    with no figure cut ("100,") or broken over two lines: the demo region's dashboard, every table open."""
    with open_env(demo_settings) as demo, serve(create_app(demo_settings)) as base:
        page = _page(chromium, base, _token(demo))
        page.goto("/followup?scope=total")
        page.wait_for_selector("#chart-A3 .xtick text")
        cards = page.eval_on_selector_all(
            "section.fu-chart", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert len(cards) == 4 and all(w < 640 for w in cards), cards  # half-width
        for summary in page.locator("details.fu-table summary").all():
            summary.click()
        fit = page.eval_on_selector_all(
            "details.fu-table",
            """els => els.map(d => {
                const wrap = d.querySelector('.table-wrap'), card = d.closest('section').getBoundingClientRect();
                const last = [...d.querySelectorAll('thead th')].pop().getBoundingClientRect();
                return [d.id, wrap.scrollWidth - wrap.clientWidth, card.right - last.right];
            })""",
        )
        assert len(fit) == 4
        for table, overflow, room in fit:
            assert overflow <= 0 and room > 0, (table, overflow, room)
        lines = page.eval_on_selector_all("details.fu-table td.fu-num", LINES_JS)
        assert lines and all(n == 1 for _, n in lines), [x for x in lines if x[1] != 1][:5]
        page.context.close()


def _token(env: Env) -> str:
    """The analyst's session token (``open_env`` gives it as a bearer header; the browser sends a cookie)."""
    return env.heads["analyst"]["Authorization"].removeprefix("Bearer ")


def test_the_reports_mark_the_incomplete_month_and_do_not_judge_it(env: Env, pdf_html: list[str]) -> None:
    from openpyxl import load_workbook

    params = {"indicator": "A3", "period_type": "month", "scope": "total"}
    xlsx = env.get("analyst", "/followup/report.xlsx", **params)
    assert xlsx.status_code == 200, xlsx.text
    rows = {
        r[0]: r for r in load_workbook(io.BytesIO(xlsx.content))["A3"].iter_rows(min_row=4, values_only=True)
    }
    assert rows["2026-12"][1] == 1.0 and rows["2026-12"][5] == "ofullständig period"
    assert rows["2026-11"][5] == "nej" and rows["2026-09"][1] == "saknas"
    pdf = env.get("analyst", "/followup/report.pdf", **params)
    assert pdf.status_code == 200 and pdf_html
    html = pdf_html[-1]
    assert '<td>2026-12 <span class="supp">(ofullständig period)</span></td>' in html
    assert re.search(r'<td>2026-12 [^\n]*</td>\s*<td class="supp">100,0 %</td>', html)  # not red: not judged
    assert "Ofullständig period: 2026-12 t.o.m. 3 dec 2026" in html
