"""The follow-up pages and API as a user meets them, case by case from a review of them: empty indicator,
period filters, stale periods on the comparison page, number formats by language, the query kept across the
language switch and login, the chart layout, contradictory filters, targets per scope from a setting, the doctor
scope for analysts only, per-point target colours, drill links, incomplete periods, gzip and strata."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from fastapi.testclient import TestClient
from helpers import LINES_JS
from starlette.requests import Request

from naravard import migrate
from naravard.actor import Role
from naravard.app import create_app
from naravard.config import Settings
from naravard.db import make_engine, make_session_factory
from naravard.followup import service
from naravard.followup.indicators import INDICATORS
from naravard.followup.pages.charts import MISS, figure_of
from naravard.followup.pages.formats import fmt_count, fmt_value
from naravard.followup.results.scopes import load_names
from naravard.web.errors import local_next
from tests import factories as f
from tests.live import serve

KEY = "k" * 40
TODAY = dt.date(2026, 11, 23)
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Env:
    client: TestClient
    analyst: dict[str, str]
    manager: dict[str, str]
    admin: dict[str, str]
    tokens: dict[str, str]
    settings: Settings


@pytest.fixture(scope="module")
def settings(demo_settings: Settings) -> Settings:
    # the demo records the lake's last day, as `naravard followup run` does: the pages mark later periods
    meta = json.loads((demo_settings.effective_results_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["lake_first"] < meta["lake_last"] <= TODAY.isoformat()
    return demo_settings


@pytest.fixture(scope="module")
def env(settings: Settings) -> Iterator[Env]:
    migrate.upgrade(settings.database_url)
    factory = make_session_factory(make_engine(settings.database_url), audit_key=KEY.encode())
    with factory() as db:
        hc = f.unit(db, f.organization(db))
        users = {r: f.user(db, role=r, at=hc) for r in (Role.ANALYST, Role.UNIT_MANAGER, Role.ADMINISTRATOR)}
        db.commit()
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        yield Env(
            c,
            users[Role.ANALYST].headers,
            users[Role.UNIT_MANAGER].headers,
            users[Role.ADMINISTRATOR].headers,
            {r.value: u.token for r, u in users.items()},
            settings,
        )


@pytest.fixture(autouse=True)
def _swedish_again(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that switches to English (a lang cookie kept by the shared client) leaves Swedish behind."""
    yield
    if "env" in request.fixturenames:
        request.getfixturevalue("env").client.cookies.clear()


def _en(env: Env, path: str, params: dict[str, Any]) -> str:
    env.client.cookies.set("lang", "en")
    try:
        return env.client.get(path, headers=env.analyst, params=params).text
    finally:
        env.client.cookies.clear()


def _results(env: Env, headers: dict[str, str] | None = None, **params: str) -> httpx.Response:
    return env.client.get("/api/followup/results", headers=headers or env.analyst, params=params)


def _periods(r: httpx.Response) -> list[str]:
    assert r.status_code == 200, r.text
    return sorted({x["period"] for x in r.json()})


# --- empty indicator --------------------------------------------------------------------------------------


def test_empty_indicator_falls_back_to_defaults(env: Env) -> None:
    r = env.client.get("/followup?indicator=", headers=env.analyst)
    assert r.status_code == 200, r.text
    assert 'id="chart-C_FLK"' in r.text and 'id="chart-K_READM30"' in r.text


# --- period filter ----------------------------------------------------------------------------------------


def test_period_filter_accepts_coarser_bounds(env: Env) -> None:
    months_2025 = [f"2025-{m:02d}" for m in range(1, 13)]
    r = _results(env, indicator="C_FLK", period_type="month", period_from="2025", period_to="2025")
    assert _periods(r) == months_2025
    assert _periods(_results(env, indicator="C_FLK", period_type="month", period_to="2025"))[-1] == "2025-12"
    r = _results(env, indicator="C_FLK", period_type="quarter", period_from="2025-04", period_to="2025-06")
    assert _periods(r) == ["2025-Q2"]
    r = _results(env, indicator="C_FLK", period_type="quarter", period_from="2025-05", period_to="2025")
    assert _periods(r) == ["2025-Q2", "2025-Q3", "2025-Q4"]  # a bound inside a quarter takes that quarter
    r = _results(env, indicator="C_FLK", period_type="month", period_from="2025-Q2", period_to="2025-Q2")
    assert _periods(r) == ["2025-04", "2025-05", "2025-06"]
    r = _results(env, indicator="C_FLK", period_type="year", period_from="2025", period_to="2026")
    assert _periods(r) == ["2025", "2026"]


def test_service_period_filter_keeps_its_signature(env: Env) -> None:
    rows = service.query_results(
        env.settings.effective_results_dir, "A3", "month", period_from="2025-01", period_to="2025-03"
    )
    assert [r["period"] for r in rows] == ["2025-01", "2025-02", "2025-03"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period_from": "garbage"}, "period_from"),
        ({"period_type": "year", "period_from": "2025-13"}, "period_from"),
        ({"period_type": "year", "period_to": "2025-06"}, "period_to"),  # finer than a year
        ({"period_type": "month", "period_from": "2025-1"}, "period_from"),
        ({"period_type": "quarter", "period_to": "2025-Q5"}, "period_to"),
        ({"period_from": "2026", "period_to": "2024"}, "period_to"),
        ({"period_type": "month", "period_from": "2025-03", "period_to": "2025-02"}, "period_to"),
    ],
)
def test_bad_period_bounds_are_422(env: Env, params: dict[str, str], field: str) -> None:
    r = _results(env, indicator="C_FLK", **params)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and r.json()["detail"]


# --- contradictory filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("results", {"indicator": "C_FLK", "stratum": "F"}, "stratum"),
        ("results", {"indicator": "C_FLK", "stratum_type": "sex", "stratum": "X"}, "stratum"),
        ("results", {"indicator": "C_FLK", "stratum_type": "age_band", "stratum": "65-70"}, "stratum"),
        ("results", {"indicator": "C_FLK", "scope_type": "total", "scope_id": "x"}, "scope_id"),
        ("dashboard", {"indicators": "C_FLK", "scope_type": "total", "scope_id": "x"}, "scope_id"),
        ("dashboard", {"indicators": "C_FLK", "scope_type": "unit", "scope_id": "1,2"}, "scope_id"),
    ],
)
def test_contradictory_filters_are_422(env: Env, path: str, params: dict[str, str], field: str) -> None:
    r = env.client.get(f"/api/followup/{path}", headers=env.analyst, params=params)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field


def test_known_strata_still_filter(env: Env) -> None:
    for sty, stratum in (("sex", "F"), ("age_band", "65-79")):
        r = _results(env, indicator="C_FLK", stratum_type=sty, stratum=stratum)
        assert r.status_code == 200 and r.json() and {x["stratum"] for x in r.json()} == {stratum}


# --- the doctor scope is for analysts and administrators ------------------------------------------------


def test_unit_manager_gets_403_for_doctor_scope(env: Env) -> None:
    r = _results(env, env.manager, indicator="C_COC", scope_type="doctor")
    assert r.status_code == 403 and r.json()["field"] == "scope_type"
    assert "analysts and administrators" in r.json()["detail"]
    r = env.client.get(
        "/api/followup/dashboard",
        headers=env.manager,
        params={"indicators": "C_COC", "scope_type": "doctor", "scope_id": "1"},
    )
    assert r.status_code == 403


def test_unit_manager_still_sees_units_and_areas(env: Env) -> None:
    for scope_type in ("unit", "municipality", "region", "total"):
        r = _results(env, env.manager, indicator="C_COC", scope_type=scope_type)
        assert r.status_code == 200 and r.json(), scope_type


@pytest.mark.parametrize("who", ["analyst", "admin"])
def test_analyst_and_admin_see_doctor_scope(env: Env, who: str) -> None:
    r = _results(env, getattr(env, who), indicator="C_COC", scope_type="doctor")
    assert r.status_code == 200 and r.json()


def test_pages_never_offer_doctor_scope_to_a_unit_manager(env: Env) -> None:
    r = env.client.get("/followup", headers=env.manager, params={"indicator": "C_COC"})
    assert r.status_code == 200
    assert "doctor:" not in r.text and "Enhet: " in r.text  # units offered, doctors not
    r = env.client.get("/followup", headers=env.manager, params={"indicator": "C_COC", "scope": "doctor:1"})
    assert r.status_code in (403, 422) and "doctor:1" not in r.text.split("<main")[1].split("flash")[0]
    r = env.client.get("/followup/compare", headers=env.manager, params={"indicator": "C_COC"})
    assert r.status_code == 200 and "doctor" not in r.text.split('id="compare-')[-1].split("</section>")[0]


# --- the comparison page falls back to the latest period --------------------------------------------------


def test_compare_stale_period_falls_back_to_latest(env: Env) -> None:
    r = env.client.get(
        "/followup/compare",
        headers=env.analyst,
        params={"indicator": "C_FLK", "period_type": "month", "period": "2026"},
    )
    assert r.status_code == 200
    html = r.text
    assert 'id="period-notice"' in html and "visar den senaste perioden, 2026-11" in html
    assert "Inga resultat för detta urval" not in html and 'id="bars-municipality"' in html
    # "Latest" stays selected, so the next change of period type sends no stale period
    assert re.search(r'<option value="">Senaste</option>', html)
    assert not re.search(
        r'<option value="[^"]+" selected>', html.split('name="period"')[1].split("</select>")[0]
    )
    assert 'name="period_type" data-clears="period"' in html  # site.js empties the period on a change


def test_compare_keeps_a_chosen_period(env: Env) -> None:
    html = env.client.get(
        "/followup/compare",
        headers=env.analyst,
        params={"indicator": "C_FLK", "period_type": "year", "period": "2025"},
    ).text
    assert '<option value="2025" selected>2025</option>' in html and "period-notice" not in html


# --- numbers by language -------------------------------------------------------------------------


def test_fmt_count_by_language_and_without_float_noise() -> None:
    assert fmt_count(721.9999999, "sv") == "722"
    assert fmt_count(1234.0, "sv") == "1\u00a0234" and fmt_count(1234.0, "en") == "1,234"
    assert fmt_count(631.6, "sv") == "631,6" and fmt_count(631.6, "en") == "631.6"
    assert fmt_count(12345.25, "sv") == "12\u00a0345,2" and fmt_count(12345.25, "en") == "12,345.2"
    assert fmt_count(None, "sv") == ""


def test_fmt_value_mean_days_and_quantiles() -> None:
    assert fmt_value(0.857, INDICATORS["K_UKL"], "sv") == "0,9 dagar"
    assert fmt_value(2.13, INDICATORS["K_UKL"], "en") == "2.1 days"
    assert fmt_value(3.0, INDICATORS["A3_P90"], "sv") == "3 dagar"
    assert fmt_value(0.4133, INDICATORS["C_FLK"], "sv") == "41,3 %"
    assert fmt_value(0.4133, INDICATORS["C_FLK"], "en") == "41.3 %"


def test_chart_separators_follow_the_language(env: Env) -> None:
    params = {"period_type": "quarter", "indicator": ["C_FLK", "C_COC"]}
    sv = env.client.get("/followup", headers=env.analyst, params=params).text
    en = _en(env, "/followup", params)
    assert figure_of(sv, "chart-C_FLK")["layout"]["separators"] == ", "
    assert figure_of(en, "chart-C_FLK")["layout"]["separators"] == ".,"


def test_chart_hovers_are_formatted_and_labelled(env: Env) -> None:
    html = env.client.get(
        "/followup", headers=env.analyst, params={"period_type": "quarter", "indicator": ["C_FLK", "C_COC"]}
    ).text
    assert "%{y:.1%}" in html and "%{y:.2f}" in html
    assert "T\\u00e4ljare \\u002f n\\u00e4mnare: %{customdata[0]} \\u002f %{customdata[1]}" in html
    assert "%{y}<" not in html


def test_mean_days_shown_with_one_decimal(env: Env) -> None:
    html = env.client.get(
        "/followup/compare", headers=env.analyst, params={"indicator": "K_UKL", "period_type": "year"}
    ).text
    values = re.findall(r'<td class="fu-num">(\d+,\d) dagar</td>', html)
    assert values, "K_UKL values should have one decimal and a unit"


def test_compare_numerators_use_swedish_format(env: Env) -> None:
    html = env.client.get(
        "/followup/compare",
        headers=env.analyst,
        params={"indicator": "C_UPC", "period_type": "year", "parent": "total"},
    ).text
    cells = re.findall(r'<td class="fu-num">([^<]*)</td>', html)
    assert cells and not any(re.fullmatch(r"\d+\.\d+", c) for c in cells)


# --- language switch and login keep the query -------------------------------------------------------------


def test_language_switch_keeps_the_query(env: Env) -> None:
    html = env.client.get(
        "/followup", headers=env.analyst, params={"period_type": "quarter", "scope": "municipality:2180"}
    ).text
    link = re.search(r'<a href="(/lang/en\?next=[^"]+)">EN</a>', html)
    assert link is not None
    r = env.client.get(link.group(1).replace("&amp;", "&"), follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/followup?period_type=quarter&scope=municipality%3A2180"


def test_login_redirect_keeps_the_query(env: Env) -> None:
    c = TestClient(env.client.app, base_url="https://testserver")
    r = c.get("/followup/compare?indicator=A3&period_type=quarter", follow_redirects=False)
    assert r.status_code == 303
    assert (
        r.headers["location"] == "/login?next=%2Ffollowup%2Fcompare%3Findicator%3DA3%26period_type%3Dquarter"
    )
    login = c.get(r.headers["location"]).text
    assert 'name="next" value="/followup/compare?indicator=A3&amp;period_type=quarter"' in login


def _request(path: str, query: bytes = b"") -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "query_string": query, "headers": []})


def test_next_is_always_a_local_path() -> None:
    assert local_next(_request("/a/b", b"x=1&y=2")) == "%2Fa%2Fb%3Fx%3D1%26y%3D2"
    for path in ("//evil.example/x", "///evil.example", "/\\evil.example"):
        target = unquote(local_next(_request(path)))
        assert target.startswith("/") and not target.startswith("//") and "\\" not in target, target


# --- targets per scope from a setting --------------------------------------------------------------------


def test_targets_file_setting_gives_targets_per_scope(env: Env, tmp_path: Path) -> None:
    unit = sorted({r["scope_id"] for r in _results(env, indicator="C_FLK", scope_type="unit").json()})[0]
    tf = tmp_path / "targets.json"
    tf.write_text(
        json.dumps(
            [
                {"indicator": "C_FLK", "value": 0.9, "scope_type": "unit", "scope_id": unit},
                {"indicator": "C_COC", "value": 0.5},
            ]
        ),
        encoding="utf-8",
    )
    s = env.settings.model_copy(update={"targets_file": tf})
    with TestClient(create_app(s), base_url="https://testserver") as c:
        rows = c.get(
            "/api/followup/results",
            headers=env.analyst,
            params={"indicator": "C_FLK", "scope_type": "unit"},
        ).json()
        assert {r["target"] for r in rows if r["scope_id"] == unit} == {0.9}
        assert {r["target"] for r in rows if r["scope_id"] != unit} == {0.55}
        series = c.get(
            "/api/followup/dashboard",
            headers=env.analyst,
            params={"indicators": "C_COC", "period_type": "year"},
        ).json()
        assert {p["target"] for p in series["C_COC"]} == {0.5}
        html = c.get(
            "/followup", headers=env.analyst, params={"indicator": "C_FLK", "scope": f"unit:{unit}"}
        ).text
        assert "Mål 90,0 %" in html
    missing = env.settings.model_copy(update={"targets_file": tmp_path / "nope.json"})
    with TestClient(create_app(missing), base_url="https://testserver") as c:
        r = c.get("/api/followup/results", headers=env.analyst, params={"indicator": "C_FLK"})
        assert r.status_code == 422 and "nope.json" in r.json()["detail"]


# --- target colours per point, drill links, the latest reported value --------------------------------


def test_trend_markers_coloured_by_target(env: Env) -> None:
    html = env.client.get(
        "/followup", headers=env.analyst, params={"indicator": "A3", "period_type": "quarter"}
    ).text
    marker = re.search(r'"marker":\{"color":\[([^\]]*)\]', unescape(html))  # the figure rides in data-figure
    assert marker is not None and f'"{MISS}"' in marker.group(1)


def test_drill_links_keep_period_type_and_parent(env: Env) -> None:
    html = env.client.get(
        "/followup/compare",
        headers=env.analyst,
        params={"indicator": "A3", "period_type": "quarter", "parent": "municipality:2180"},
    ).text
    assert "/followup?indicator=A3&amp;period_type=quarter&amp;scope=unit%3A" in html
    assert (
        "/followup?indicator=A3&amp;period_type=quarter&amp;scope=municipality%3A2180" in html
    )  # trend link
    names = load_names(env.settings.effective_lake_dir)
    unit = next(u for u, m in sorted(names.unit_municipality.items()) if m == "2180")
    html = env.client.get(
        "/followup",
        headers=env.analyst,
        params={"indicator": "A3", "period_type": "quarter", "scope": f"unit:{unit}"},
    ).text
    want = "/followup/compare?indicator=A3&amp;period_type=quarter&amp;parent=municipality%3A2180"
    assert html.count(want) >= 2  # the top link and the card's link


def test_latest_value_says_when_later_periods_are_not_reported(env: Env) -> None:
    rows = service.query_results(env.settings.effective_results_dir, "A3", "month", "unit")
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_unit.setdefault(r["scope_id"], []).append(r)
    unit = next(
        u
        for u, rs in sorted(by_unit.items())
        if rs[-1]["suppressed"] and any(not r["suppressed"] for r in rs)
    )
    html = env.client.get(
        "/followup", headers=env.analyst, params={"indicator": "A3", "scope": f"unit:{unit}"}
    ).text
    assert "senaste redovisade värde; senare perioder ej redovisade" in html
    html = env.client.get("/followup", headers=env.analyst, params={"indicator": "C_FLK"}).text
    assert "senaste redovisade värde" not in html


# --- incomplete periods, the suppression footnote ----------------------------------------------------


def test_incomplete_periods_are_marked(env: Env) -> None:
    html = env.client.get(
        "/followup/compare", headers=env.analyst, params={"indicator": "C_FLK", "period_type": "year"}
    ).text
    assert '<option value="2026">2026 (t.o.m. 22 nov 2026)</option>' in html
    assert '<option value="2025">2025</option>' in html
    assert "(t.o.m. 22 nov 2026)</span>" in html  # the section heading
    html = _en(env, "/followup", {"indicator": "C_FLK"})
    # the headline is the last complete month; the incomplete one is only shown marked (issue 19: it was
    # the headline, "Latest (2026-11, to 22 Nov 2026)")
    assert (
        "Latest complete period (2026-10):" in html and "Incomplete period: 2026-11 to 22 Nov 2026." in html
    )
    assert "Incomplete period 2026-11 (to 22 Nov 2026): " in html and "Latest (2026-11" not in html
    html = env.client.get(
        "/followup/compare",
        headers=env.analyst,
        params={"indicator": "C_FLK", "period_type": "year", "period": "2025"},
    ).text
    assert "fu-partial" not in html.split('id="compare-')[1]


def test_suppression_footnote_names_the_denominator(env: Env) -> None:
    html = env.client.get(
        "/followup/compare", headers=env.analyst, params={"indicator": "A3", "period_type": "month"}
    ).text
    assert "färre än 5 i nämnaren" in html and "personer i nämnaren" not in html


# --- compression -----------------------------------------------------------------------------------------


def test_responses_are_gzipped(env: Env) -> None:
    r = env.client.get("/followup/static/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert r.num_bytes_downloaded < len(r.content) / 2
    r = env.client.get("/followup", headers={**env.analyst, "Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"


# --- strata on the dashboard -----------------------------------------------------------------------------


def test_dashboard_draws_one_trace_per_stratum(env: Env) -> None:
    html = env.client.get(
        "/followup",
        headers=env.analyst,
        params={"indicator": "C_FLK", "period_type": "year", "stratum_type": "sex"},
    ).text
    assert '"name":"Kvinnor"' in unescape(html) and '"name":"M\\u00e4n"' in unescape(html)
    assert '<option value="sex" selected>Kön</option>' in html
    html = env.client.get(
        "/followup",
        headers=env.analyst,
        params={"indicator": "C_FLK", "period_type": "year", "stratum_type": "age_band"},
    ).text
    assert all(f'"name":"{b} \\u00e5r"' in unescape(html) for b in ("0-17", "18-64", "65-79", "80+"))
    r = env.client.get("/followup", headers=env.analyst, params={"stratum_type": "eyes"})
    assert r.status_code == 422


# --- in a browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(env: Env) -> Iterator[str]:
    with serve(create_app(env.settings)) as base:
        yield base


@pytest.fixture(scope="module")
def browser_page(env: Env, live: str, shared_chromium: Any) -> Iterator[Any]:
    context = shared_chromium.new_context(base_url=live, viewport={"width": 1400, "height": 900})
    context.add_cookies(
        [{"name": "naravard_session", "value": env.tokens["analyst"], "url": live}]  # type: ignore[list-item]
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


LAYOUT_JS = """(id) => {
  const root = document.getElementById(id);
  const svg = root.querySelector('svg.main-svg').getBoundingClientRect();
  const ticks = [...root.querySelectorAll('.xtick text')].map(e => e.getBoundingClientRect());
  const legend = root.querySelector('.legend').getBoundingClientRect();
  const plotTop = svg.top + root._fullLayout._size.t;
  return {svgBottom: svg.bottom, ticksBottom: Math.max(...ticks.map(t => t.bottom)),
          ticksTop: Math.min(...ticks.map(t => t.top)), legendBottom: legend.bottom, legendTop: legend.top,
          plotTop: plotTop, nTicks: ticks.length};
}"""


def test_month_trend_labels_fit_and_clear_the_legend(browser_page: Any) -> None:
    page = browser_page
    page.goto("/followup")
    page.wait_for_selector("#chart-C_FLK .xtick text")
    for code in ("C_FLK", "A3"):
        m = page.evaluate(LAYOUT_JS, f"chart-{code}")
        assert m["nTicks"] > 0
        assert m["ticksBottom"] <= m["svgBottom"] + 0.5, m  # not clipped
        assert m["legendBottom"] <= m["plotTop"] + 1, m  # the legend is above the plot, away from the ticks
        assert m["legendBottom"] < m["ticksTop"], m


def test_english_chart_ticks_use_a_decimal_point(browser_page: Any, live: str) -> None:
    page = browser_page
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live}])
    try:
        page.goto("/followup?indicator=C_COC&period_type=quarter")
        page.wait_for_selector("#chart-C_COC .ytick text")
        ticks = page.eval_on_selector_all("#chart-C_COC .ytick text", "els => els.map(e => e.textContent)")
        assert any("." in t for t in ticks) and not any("," in t for t in ticks), ticks
    finally:
        page.context.add_cookies([{"name": "lang", "value": "sv", "url": live}])
    page.goto("/followup?indicator=C_COC&period_type=quarter")
    page.wait_for_selector("#chart-C_COC .ytick text")
    ticks = page.eval_on_selector_all("#chart-C_COC .ytick text", "els => els.map(e => e.textContent)")
    assert any("," in t for t in ticks) and not any("." in t for t in ticks), ticks


def test_comparison_fits_a_phone(browser_page: Any) -> None:
    """At 390 px the page itself does not scroll sideways: selects shrink and wide tables scroll inside
    their own box."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    try:
        page.goto("/followup/compare?indicator=C_FLK&period_type=year")
        page.wait_for_selector(".fu-compare table")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})


def test_comparison_figures_stay_on_one_line(browser_page: Any) -> None:
    """A figure and its unit ("49,3 %") never break across lines, also in the bold rows of misses beyond the
    margin of error, where the wider type once pushed the '%' onto a line of its own."""
    page = browser_page
    page.set_viewport_size({"width": 900, "height": 800})
    try:
        page.goto("/followup/compare?indicator=C_FLK&period_type=year&parent=municipality:2180")
        page.wait_for_selector(".fu-compare table")
        lines = page.eval_on_selector_all(
            ".fu-compare td.fu-num",
            LINES_JS,
        )
        assert lines and all(n == 1 for _, n in lines), [x for x in lines if x[1] != 1][:5]
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})


def test_unknown_scope_is_404_and_the_picker_stays(env: Env) -> None:
    r = env.client.get("/followup", headers=env.analyst, params={"scope": "unit:99999"})
    assert r.status_code == 404
    assert "Inga resultat för Enhet 99999 (unit:99999)" in r.text
    assert 'value="municipality:' in r.text  # the scope picker is still there to choose from
    # a bad choice (422) keeps the picker too
    r = env.client.get("/followup", headers=env.analyst, params={"scope": "planet:3"})
    assert r.status_code == 422 and 'value="municipality:' in r.text


def test_scope_picker_offers_scopes_of_every_selected_indicator(env: Env) -> None:
    # A90V's units are the specialist units; the primary-care units come from C_FLK
    html = env.client.get("/followup", headers=env.analyst, params={"indicator": ["A90V", "C_FLK"]}).text
    from naravard.followup import service

    res = env.settings.effective_results_dir
    flk_units = {r["scope_id"] for r in service.query_results(res, "C_FLK", "year", "unit")}
    assert flk_units and all(f'value="unit:{u}"' in html for u in flk_units)
