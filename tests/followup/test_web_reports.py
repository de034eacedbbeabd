"""The report download from the pages and the API (access, validation, the figures are the dashboard's), and
the stratum choice of the comparison page (it filters as the API does)."""

from __future__ import annotations

import html as htmllib
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from page_env import Env, doctor_id, flash, open_env

from naravard.config import Settings
from naravard.followup import service
from naravard.followup.indicators import INDICATORS

# --- report downloads ---------------------------------------------------------------------------------
from naravard.followup.pages.charts import figure_of
from naravard.followup.pages.formats import fmt_value
from naravard.followup.results.headline import headline
from naravard.followup.results.storage import lake_last


@pytest.fixture(scope="module")
def env(demo_settings: Settings) -> Iterator[Env]:
    with open_env(demo_settings) as e:
        yield e


def _links(page: str) -> dict[str, str]:
    box = page.split('id="report-links"')[1].split("</span>")[0]
    hrefs = [htmllib.unescape(h) for h in re.findall(r'href="([^"]+)"', box)]
    assert "Ladda ner PDF" in box and "Ladda ner Excel" in box
    return {h.split("?")[0].rsplit(".", 1)[1]: h for h in hrefs}


def _sheet(data: bytes, code: str) -> dict[str, Any]:
    """A report sheet as {period: value}."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))[code]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=4, values_only=True) if r[0] and str(r[0])[:2] == "20"}


def test_dashboard_report_downloads_match_the_dashboard(env: Env) -> None:
    params = {"indicator": ["C_FLK", "A3"], "period_type": "quarter", "scope": "municipality:2180"}
    page = env.client.get("/followup", headers=env.heads["analyst"], params=params).text
    links = _links(page)
    assert links["pdf"].startswith("/followup/report.pdf?indicator=C_FLK&indicator=A3&period_type=quarter")
    assert "scope=municipality%3A2180" in links["pdf"]

    pdf = env.client.get(links["pdf"], headers=env.heads["analyst"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    disp = pdf.headers["content-disposition"]
    # in the page's language (issue 19: the file was named in English on Swedish pages)
    assert re.fullmatch(
        r'attachment; filename="uppfoljning-C_FLK-A3-kommun-gavle-kvartal-\d{4}-\d\d-\d\d\.pdf"', disp
    )

    xlsx = env.client.get(links["xlsx"], headers=env.heads["analyst"])
    assert xlsx.status_code == 200 and xlsx.content[:4] == b"PK\x03\x04"
    assert xlsx.headers["content-disposition"].endswith('.xlsx"')
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["C_FLK", "A3"]
    # the workbook's figures are the dashboard's: the series it draws and the latest value it prints
    series = env.get(
        "analyst",
        "/api/followup/dashboard",
        indicators="C_FLK,A3",
        period_type="quarter",
        scope_type="municipality",
        scope_id="2180",
    ).json()
    for code in ("C_FLK", "A3"):
        sheet = _sheet(xlsx.content, code)
        shown = {p["period"]: p["value"] for p in series[code] if not p["suppressed"]}
        # Excel keeps 15 significant digits
        assert shown and {k: sheet[k] for k in shown} == pytest.approx(shown, rel=1e-13), code
    # the card's headline is the last complete period (issue 19: not the incomplete last quarter's)
    meta = json.loads((env.settings.effective_results_dir / "meta.json").read_text(encoding="utf-8"))
    last = headline(series["C_FLK"], "quarter", lake_last(meta)).point
    assert last is not None and last is not series["C_FLK"][-1]
    assert _sheet(xlsx.content, "C_FLK")[last["period"]] == pytest.approx(last["value"], rel=1e-13)
    assert fmt_value(last["value"], INDICATORS["C_FLK"], "sv") in page.split('id="card-C_FLK"')[1][:600]


def test_compare_report_is_of_the_area_period_and_stratum(env: Env) -> None:
    params = {"indicator": "C_FLK", "period_type": "year", "period": "2025", "stratum": "sex:F"}
    page = env.client.get("/followup/compare", headers=env.heads["analyst"], params=params).text
    links = _links(page)
    assert "period_to=2025" in links["xlsx"] and "stratum=sex%3AF" in links["xlsx"]
    assert "scope=region%3A21" in links["xlsx"]
    r = env.client.get(links["xlsx"], headers=env.heads["analyst"])
    assert r.status_code == 200, r.text
    want = env.get(
        "analyst",
        "/api/followup/results",
        indicator="C_FLK",
        scope_type="region",
        scope_id="21",
        stratum_type="sex",
        stratum="F",
        period_to="2025",
    ).json()
    assert want and _sheet(r.content, "C_FLK") == pytest.approx(
        {x["period"]: x["value"] for x in want}, rel=1e-13
    )


def test_api_report(env: Env) -> None:
    r = env.get(
        "analyst",
        "/api/followup/report",
        indicators="C_FLK,C_COC",
        format="xlsx",
        period_type="year",
        scope_type="unit",
        scope_id=next(
            x["scope_id"]
            for x in service.query_results(env.settings.effective_results_dir, "C_FLK", "year", "unit")
        ),
        lang="en",
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert re.search(
        r'filename="followup-C_FLK-C_COC-unit-[a-z0-9-]+-year-\d{4}-\d\d-\d\d\.xlsx"',
        r.headers["content-disposition"],
    )
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content))["C_COC"]
    assert [c.value for c in ws[3]][:2] == ["Period", "Value"]
    r = env.get("analyst", "/api/followup/report", indicators="C_FLK")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_report_access(env: Env) -> None:
    doctor = doctor_id(env)
    assert env.get("clinician", "/followup/report.pdf").status_code == 403
    r = env.get("nobody", "/followup/report.xlsx", indicator="A3")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Ffollowup%2Freport.xlsx")
    assert env.get("nobody", "/api/followup/report", indicators="A3").status_code == 401
    assert env.get("clinician", "/api/followup/report", indicators="A3").status_code == 403
    r = env.get("manager", "/api/followup/report", indicators="C_COC", scope_type="doctor", scope_id=doctor)
    assert r.status_code == 403 and r.json()["field"] == "scope_type"
    r = env.get("manager", "/api/followup/report", indicators="C_COC", scope_type="doctor")  # no id hint leak
    assert r.status_code == 403
    r = env.get("manager", "/followup/report.xlsx", indicator="C_COC", scope="unit:" + _unit(env))
    assert r.status_code == 200
    for who in ("analyst", "admin"):
        r = env.get(
            who, "/followup/report.xlsx", indicator="C_COC", period_type="year", scope=f"doctor:{doctor}"
        )
        assert r.status_code == 200, r.text


def _unit(env: Env) -> str:
    rows = service.query_results(env.settings.effective_results_dir, "C_COC", "year", "unit")
    return str(rows[0]["scope_id"])


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/followup/report", {"indicators": "C_FLK", "format": "docx"}, "format"),
        ("/api/followup/report", {"indicators": "NOPE"}, "indicators"),
        ("/api/followup/report", {"indicators": " , "}, "indicators"),
        ("/api/followup/report", {"indicators": "C_FLK", "period_type": "week"}, "period_type"),
        ("/api/followup/report", {"indicators": "C_FLK", "scope_type": "unit"}, "scope"),
        (
            "/api/followup/report",
            {"indicators": "C_FLK", "scope_type": "unit", "scope_id": "999999"},
            "scope",
        ),
        ("/api/followup/report", {"indicators": "C_FLK", "stratum_type": "sex"}, "stratum"),
        ("/api/followup/report", {"indicators": "C_FLK", "stratum_type": "sex", "stratum": "X"}, "stratum"),
        ("/api/followup/report", {"indicators": "C_FLK", "lang": "fi"}, "lang"),
        (
            "/api/followup/report",
            {"indicators": "C_FLK", "period_from": "2026", "period_to": "2024"},
            "period_to",
        ),
    ],
)
def test_api_report_bad_parameters_are_422(env: Env, path: str, params: dict[str, str], field: str) -> None:
    r = env.get("analyst", path, **params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == field and r.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params", "sv"),
    [
        ("/followup/report.docx", {}, "okänt format 'docx'"),
        ("/followup/report.pdf", {"indicator": "NOPE"}, "okänd indikator 'NOPE'"),
        ("/followup/report.pdf", {"period_type": "week"}, "okänd periodtyp 'week'"),
        ("/followup/report.pdf", {"scope": "galaxy:1"}, "okänd nivå 'galaxy'"),
        ("/followup/report.pdf", {"scope": "unit"}, "nivån 'unit' behöver ett id"),
        ("/followup/report.xlsx", {"stratum": "sex:X"}, "okänd grupp 'X' för sex"),
        ("/followup/report.xlsx", {"stratum": "eyes:blue"}, "okänd uppdelning 'eyes'"),
    ],
)
def test_page_report_bad_parameters_are_422_in_swedish(
    env: Env, path: str, params: dict[str, str], sv: str
) -> None:
    r = env.get("analyst", path, **params)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html") and sv in flash(r.text)


# --- the comparison's stratum --------------------------------------------------------------------------

# a row's scope id is read from its drill link: the page shows names, not internal ids (issue 19)
ROW = re.compile(
    r'<a class="fu-drill" href="[^"]*?(?:parent|scope)=[a-z]+%3A([^"&]+)[^"]*">[^<]*</a></td>\s*'
    r'<td class="fu-num">([^<]*)</td>\s*<td class="fu-num">([^<]*)</td>\s*<td class="fu-num">([^<]*)</td>'
)


def _rows(page: str, level: str) -> dict[str, tuple[str, str, str]]:
    section = page.split(f'id="compare-{level}"')[1].split("</section>")[0]
    return {m[0]: (m[1], m[2], m[3]) for m in ROW.findall(section)}


@pytest.mark.parametrize(("stratum_type", "stratum"), [("sex", "F"), ("age_band", "65-79")])
def test_compare_stratum_filters_like_the_api(env: Env, stratum_type: str, stratum: str) -> None:
    base = {"indicator": "C_FLK", "period_type": "year", "period": "2025"}
    everyone = env.get("analyst", "/followup/compare", **base)
    chosen = env.get("analyst", "/followup/compare", **base, stratum=f"{stratum_type}:{stratum}")
    assert chosen.status_code == 200, chosen.text
    assert re.search(rf'<option value="{stratum_type}:{stratum}" selected>', chosen.text)
    api = env.get(
        "analyst",
        "/api/followup/results",
        indicator="C_FLK",
        scope_type="municipality",
        stratum_type=stratum_type,
        stratum=stratum,
        period_from="2025",
        period_to="2025",
    ).json()
    want = {
        x["scope_id"]: ("–", "–", "–")
        if x["suppressed"]
        else (
            f"{x['numerator']:,.0f}".replace(",", "\u00a0"),
            f"{x['denominator']:,.0f}".replace(",", "\u00a0"),
            fmt_value(x["value"], INDICATORS["C_FLK"], "sv"),
        )
        for x in api
    }
    shown = _rows(chosen.text, "municipality")
    assert shown == want
    assert shown != _rows(everyone.text, "municipality")  # the choice changes the numbers
    # drilling down keeps the stratum
    assert "stratum=sex%3AF" in chosen.text or stratum_type != "sex"
    down = env.get(
        "analyst",
        "/followup/compare",
        **base,
        parent="municipality:2180",
        stratum=f"{stratum_type}:{stratum}",
    )
    units = {
        x["scope_id"]: x["value"]
        for x in env.get(
            "analyst",
            "/api/followup/results",
            indicator="C_FLK",
            scope_type="unit",
            stratum_type=stratum_type,
            stratum=stratum,
            period_from="2025",
            period_to="2025",
        ).json()
    }
    for uid, (_, _, value) in _rows(down.text, "unit").items():
        assert value == fmt_value(units[uid], INDICATORS["C_FLK"], "sv")


def test_compare_offers_and_filters_a3_by_profession(env: Env) -> None:
    """A3's breakdowns are offered in words (LK = Läkare) only for A3, and filter like the API; a breakdown
    kept from A3 when the form switches to another indicator falls back to everyone, said so."""
    base = {"indicator": "A3", "period_type": "year", "period": "2025"}
    page = env.get("analyst", "/followup/compare", **base).text
    for group, option in (
        ("Yrkesgrupp", '<option value="profession:LK">Läkare</option>'),
        ("Besöksform", '<option value="mode:phone">Telefon</option>'),
        ("Ägarform", '<option value="ownership:private">Privat regi</option>'),
    ):
        assert f'<optgroup label="{group}">' in page and option in page
    assert "Distriktssköterska" in page
    assert "Yrkesgrupp" not in env.get("analyst", "/followup/compare", indicator="C_FLK").text
    chosen = env.get("analyst", "/followup/compare", **base, stratum="profession:DSK")
    assert chosen.status_code == 200 and '<option value="profession:DSK" selected>' in chosen.text
    api = env.get(
        "analyst",
        "/api/followup/results",
        indicator="A3",
        scope_type="municipality",
        stratum_type="profession",
        stratum="DSK",
        period_from="2025",
        period_to="2025",
    ).json()
    want = {x["scope_id"]: x["value"] for x in api}
    shown = _rows(chosen.text, "municipality")
    assert shown and shown.keys() == want.keys()
    assert all(v == fmt_value(want[m], INDICATORS["A3"], "sv") for m, (_, _, v) in shown.items() if v != "–")
    assert shown != _rows(env.get("analyst", "/followup/compare", **base).text, "municipality")
    other = env.get("analyst", "/followup/compare", **{**base, "indicator": "C_FLK"}, stratum="profession:LK")
    assert other.status_code == 200
    assert "C_FLK redovisas inte per yrkesgrupp; visar alla." in other.text
    assert '<option value="" selected>Alla</option>' in other.text
    # an unknown profession is the service's 422, in the page's language
    bad = env.get("analyst", "/followup/compare", **base, stratum="profession:XX")
    assert bad.status_code == 422 and "okänd grupp 'XX' för profession" in flash(bad.text)


def test_dashboard_draws_a3_per_profession_and_the_others_whole(env: Env) -> None:
    r = env.get(
        "analyst", "/followup", indicator=["A3", "C_FLK"], period_type="year", stratum_type="profession"
    )
    assert r.status_code == 200, r.text
    assert '<option value="profession" selected>Yrkesgrupp</option>' in r.text
    a3, flk = figure_of(r.text, "chart-A3"), figure_of(r.text, "chart-C_FLK")
    assert "Läkare" in [trace.get("name") for trace in a3["data"]]
    assert flk["data"][0].get("name") == "Utfall"  # one line: the whole population


def test_compare_page_defines_the_indicator_in_the_page_language(env: Env) -> None:
    sv = env.get("analyst", "/followup/compare?indicator=C_FLK").text
    assert "Personer listade vid en vårdcentral (primärvårdsenhet) på periodens sista dag" in sv
    en = env.get("analyst", "/followup/compare?indicator=C_FLK", ui_lang="en").text
    assert "Persons listed at a primary-care unit on the last day of the period" in en


def test_compare_stratum_options_in_swedish(env: Env) -> None:
    page = env.get("analyst", "/followup/compare").text
    assert (
        "Befolkningsgrupp" in page and ">Åldersgrupp 80+ år</option>" in page and ">Kvinnor</option>" in page
    )
    assert '<option value="" selected>Alla</option>' in page


def test_pdf_without_weasyprint_is_a_clear_503(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without Pango (WeasyPrint cannot load it) or without WeasyPrint: the PDF is refused with
    what to install, in the page's language, and the Excel report still works."""
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name: str, *args: Any, **kw: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    params = {"indicator": "C_FLK", "period_type": "year", "scope": "total"}
    page = env.client.get("/followup/report.pdf", headers=env.heads["analyst"], params=params)
    assert page.status_code == 503
    assert "PDF-rapporter kräver WeasyPrint och Pango-biblioteken" in htmllib.unescape(page.text)
    api = env.get("analyst", "/api/followup/report", indicators="C_FLK")
    assert api.status_code == 503 and api.json()["title"] == "unavailable"
    assert "apt-get install libpango-1.0-0" in api.json()["detail"]
    xlsx = env.client.get("/followup/report.xlsx", headers=env.heads["analyst"], params=params)
    assert xlsx.status_code == 200 and xlsx.content[:4] == b"PK\x03\x04"
