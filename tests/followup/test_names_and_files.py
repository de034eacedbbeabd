"""Issue 19: the pages name units, never by the lake's internal id after the name (two units of one name are
told apart by their municipality, else by their HSA-id), and a download's file name is in the page's
language."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from collections.abc import Iterator

import pytest
from page_env import Env, open_env

from naravard.config import Settings
from naravard.followup.reports.names import report_filename
from naravard.followup.results.scopes import Names, load_names
from naravard.web.i18n import translate

DAY = dt.date(2026, 12, 4)


def sv(text: str) -> str:
    return translate(text, "sv")


def test_namesakes_are_told_apart_by_municipality_then_hsa_id() -> None:
    names = Names(
        {"1": "Hälsocentralen", "2": "Hälsocentralen", "3": "Hälsocentralen", "4": "Ljusne hälsocentral"},
        {"1": "2180", "2": "2181", "3": "2181", "4": "2182"},
        {"SE2321000016-1ABC": "3"},
    )
    shown = {u: names.name("unit", u, sv) for u in ("1", "2", "3", "4", "9")}
    assert shown == {
        "1": "Hälsocentralen (Gävle)",  # the only one of the name in Gävle
        "2": "Hälsocentralen (enhet 2)",  # no HSA-id: the id only where nothing else tells them apart
        "3": "Hälsocentralen (SE2321000016-1ABC)",
        "4": "Ljusne hälsocentral",  # a name of its own: the name alone
        "9": "Enhet 9",  # a unit the lake does not name
    }


def test_file_names_in_the_pages_language() -> None:
    def name(*args: str | None, **kw: object) -> str:
        return report_filename(*args, today=DAY, **kw)  # type: ignore[arg-type]

    assert (
        name("total", None, "quarter", "pdf", "sv", indicators=["C_FLK"])
        == "uppfoljning-C_FLK-kvartal-2026-12-04.pdf"
    )
    assert (
        name("total", None, "quarter", "pdf", "en", indicators=["C_FLK"])
        == "followup-C_FLK-quarter-2026-12-04.pdf"
    )
    assert (
        name("municipality", "2180", "month", "xlsx", "sv", indicators=["C_FLK", "A3"])
        == "uppfoljning-C_FLK-A3-kommun-gavle-manad-2026-12-04.xlsx"
    )
    assert (
        name("region", "21", "year", "pdf", "sv", indicators=["C_FLK"], compare="municipality")
        == "jamforelse-kommuner-C_FLK-region-gavleborg-ar-2026-12-04.pdf"
    )
    assert (
        name("region", "21", "year", "pdf", "en", indicators=["A", "B", "C", "D"], compare="unit")
        == "comparison-units-4-indicators-region-gavleborg-year-2026-12-04.pdf"
    )
    units = Names({"1011": "Gävle Strand hälsocentral"}, {"1011": "2180"})
    assert (
        name("unit", "1011", "month", "pdf", "sv", indicators=["A3"], names=units)
        == "uppfoljning-A3-enhet-gavle-strand-halsocentral-manad-2026-12-04.pdf"
    )
    # a unit the lake does not name, and odd characters, stay ASCII and safe
    assert (
        name("unit", "x/1", "month", "pdf", "sv", indicators=['A3"'])
        == "uppfoljning-A3-enhet-x-1-manad-2026-12-04.pdf"
    )


@pytest.fixture(scope="module")
def env(demo_settings: Settings) -> Iterator[Env]:
    with open_env(demo_settings) as e:
        yield e


def test_no_unit_id_after_a_name_on_the_pages(env: Env) -> None:
    names = load_names(env.settings.effective_lake_dir)
    ids = set(names.units)
    pages = [
        env.get(
            "analyst", "/followup/compare", indicator="C_FLK", period_type="year", parent="municipality:2180"
        ),
        env.get("analyst", "/followup/compare", indicator="A3", period_type="year"),
        env.get("analyst", "/followup", scope="municipality:2180"),
    ]
    for r in pages:
        assert r.status_code == 200
        main = htmllib.unescape(r.text.split("<main")[1].split("</main>")[0])
        # the text, each cell, paragraph or option ending in "|": an id after a name is in the same element
        cells = re.sub(
            r"<script.*?</script>|</?(?:td|th|tr|p|li|option|div|br|h\d|nav)\b[^>]*>", " | ", main, flags=re.S
        )
        text = re.sub(r"<[^>]+>", " ", cells)
        for name in set(names.units.values()):
            for m in re.finditer(re.escape(name) + r"\s*\(?(\w+)", text):
                assert m.group(1) not in ids, (name, m.group(0))
    # the comparison's rows: the name, linked, and nothing after it in the cell
    rows = re.findall(r'<td><a class="fu-drill" href="[^"]*">([^<]*)</a>([^<]*)</td>', pages[0].text)
    assert rows and all(rest == "" for _, rest in rows)


def test_downloads_are_named_in_the_pages_language(env: Env) -> None:
    sv_ = env.get(
        "analyst", "/followup/report.xlsx", indicator="C_FLK", period_type="year", scope="region:21"
    )
    assert re.fullmatch(
        r'attachment; filename="uppfoljning-C_FLK-region-gavleborg-ar-\d{4}-\d\d-\d\d\.xlsx"',
        sv_.headers["content-disposition"],
    )
    en = env.get(
        "analyst", "/followup/report.xlsx", "en", indicator="C_FLK", period_type="year", scope="region:21"
    )
    assert re.fullmatch(
        r'attachment; filename="followup-C_FLK-region-gavleborg-year-\d{4}-\d\d-\d\d\.xlsx"',
        en.headers["content-disposition"],
    )
    cmp = env.get(
        "analyst",
        "/followup/report.xlsx",
        indicator="C_FLK",
        period_type="year",
        scope="region:21",
        compare="municipality",
    )
    assert 'filename="jamforelse-kommuner-C_FLK-region-gavleborg-ar-' in cmp.headers["content-disposition"]
