"""The follow-up pages open on the user's own unit: a unit manager's dashboard on their hälsocentral (found
in the lake by its HSA-id), else on the municipality that holds it, else on the whole; analysts and
administrators on the whole; an explicit scope always wins. The comparison opens on the unit's municipality
and marks the unit."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from naravard import migrate
from naravard.actor import Role
from naravard.app import create_app
from naravard.config import Settings
from naravard.db import make_engine, make_session_factory
from naravard.synth import reference as ref
from tests import factories as f

KEY = "k" * 40
ANDERSBERG = next(h for h in ref.HEALTH_CENTRES if h.name == "Andersbergs hälsocentral")
OWN = f"unit:{ANDERSBERG.unit_id}"  # the generated lake's id of chef.gavle's hälsocentral


@dataclass
class Env:
    client: TestClient
    heads: dict[str, dict[str, str]]

    def get(self, who: str, path: str, lang: str | None = None, **params: Any) -> httpx.Response:
        if lang:
            self.client.cookies.set("lang", lang)
        try:
            r = self.client.get(path, headers=self.heads[who], params=params)
        finally:
            self.client.cookies.clear()
        assert r.status_code == 200, r.text[:2000]
        return r


@pytest.fixture(scope="module")
def env(demo_settings: Settings) -> Iterator[Env]:
    """Users as the demo region makes them: chef.gavle, unit manager of Andersbergs hälsocentral (the demo
    database's HSA-id), and an analyst there; managers of a municipal home-care unit (not in the lake) and
    of a unit outside the county, and of the region's office (in Gävle, for the whole region)."""
    migrate.upgrade(demo_settings.database_url)
    factory = make_session_factory(make_engine(demo_settings.database_url), audit_key=KEY.encode())
    with factory() as db:
        region = f.organization(db, name="Region Gävleborg")
        hc = f.unit(db, region, name=ANDERSBERG.name, hsa_id=ANDERSBERG.hsa_id)
        home = f.unit(
            db, f.organization(db, kind="municipality"), name="Gävle hemsjukvård", kind="home_health_care"
        )
        away = f.unit(db, region, name="Stockholms hälsocentral", municipality_code="0180")
        office = f.unit(db, region, name="Hälso- och sjukvårdsförvaltningen", kind="administration")
        heads = {
            "chef": f.user(db, role=Role.UNIT_MANAGER, at=hc, username="chef.gavle").headers,
            "analyst": f.user(db, role=Role.ANALYST, at=hc).headers,
            "admin": f.user(db, role=Role.ADMINISTRATOR, at=None).headers,
            "home": f.user(db, role=Role.UNIT_MANAGER, at=home).headers,
            "away": f.user(db, role=Role.UNIT_MANAGER, at=away).headers,
            "office": f.user(db, role=Role.UNIT_MANAGER, at=office).headers,
        }
        db.commit()
    with TestClient(create_app(demo_settings), base_url="https://testserver") as c:
        yield Env(c, heads)


def _scope(page: str) -> str:
    """The scope the picker shows as chosen."""
    m = re.search(r'<select name="scope">.*?<option value="([^"]+)" selected>', page, re.S)
    assert m is not None, page[:2000]
    return m.group(1)


def _note(page: str) -> str | None:
    m = re.search(r'<p class="muted" role="status" id="own-scope">(.*?)</p>', page, re.S)
    return htmllib.unescape(m.group(1)) if m else None


def _links(page: str, path: str) -> list[dict[str, list[str]]]:
    hrefs = (htmllib.unescape(h) for h in re.findall(r'href="([^"]+)"', page))
    return [parse_qs(urlsplit(h).query) for h in hrefs if urlsplit(h).path == path]


def _parent(page: str) -> str:
    m = re.search(r'<input type="hidden" name="parent" value="([^"]+)">', page)
    assert m is not None, page[:2000]
    return m.group(1)


# --- dashboard ---------------------------------------------------------------------------------------------


def test_unit_manager_opens_on_his_own_health_centre(env: Env) -> None:
    page = env.get("chef", "/followup").text
    assert _scope(page) == OWN
    assert f"<h1>Uppföljning · {ANDERSBERG.name}</h1>" in page
    assert _note(page) is not None and f"Öppnad på din egen enhet, {ANDERSBERG.name}." in (_note(page) or "")
    # every link the page makes names its scope: reports, the drill-up and the comparison
    reports = _links(page, "/followup/report.pdf") + _links(page, "/followup/report.xlsx")
    assert reports and all(q["scope"] == [OWN] for q in reports)
    up = [q for q in _links(page, "/followup") if q.get("scope") == ["municipality:2180"]]
    assert up, "the drill-up to the municipality"
    assert {q["parent"][0] for q in _links(page, "/followup/compare")} == {"municipality:2180"}
    # the menu's link has no query (it opens on the user's own unit); the page's own links all name a scope
    assert all("scope" in q for q in _links(page, "/followup") if q)
    assert parse_qs(urlsplit(_total_href(page)).query)["scope"] == ["total"]


def test_the_note_speaks_english_too(env: Env) -> None:
    page = env.get("chef", "/followup", lang="en").text
    assert (
        _note(page)
        == f'Opened on your own unit, {ANDERSBERG.name}. <a href="{_total_href(page)}">Show the whole region</a>'
    )


def _total_href(page: str) -> str:
    m = re.search(r'id="own-scope">.*?<a href="([^"]+)">', page, re.S)
    assert m is not None
    return htmllib.unescape(m.group(1))


def test_an_explicit_scope_wins_total_too(env: Env) -> None:
    page = env.get("chef", "/followup", scope="total").text
    assert _scope(page) == "total" and _note(page) is None
    # the region's comparison, named: not left to the comparison's default (the manager's municipality)
    assert {q["parent"][0] for q in _links(page, "/followup/compare")} == {"region:21"}
    page = env.get("chef", "/followup", scope="municipality:2181").text
    assert _scope(page) == "municipality:2181" and _note(page) is None


def test_the_drill_up_reaches_the_region_and_the_whole(env: Env) -> None:
    page = env.get("chef", "/followup", scope="municipality:2180").text
    assert any(q.get("scope") == ["region:21"] for q in _links(page, "/followup"))
    page = env.get("chef", "/followup", scope="region:21").text
    assert any(q.get("scope") == ["total"] for q in _links(page, "/followup"))


@pytest.mark.parametrize("who", ["analyst", "admin"])
def test_analysts_and_administrators_open_on_the_whole(env: Env, who: str) -> None:
    page = env.get(who, "/followup").text
    assert _scope(page) == "total" and _note(page) is None


def test_a_unit_missing_from_the_lake_opens_on_its_municipality(env: Env) -> None:
    page = env.get("home", "/followup").text
    assert _scope(page) == "municipality:2180"
    assert "Öppnad på kommunen där din enhet Gävle hemsjukvård ligger" in (_note(page) or "")


@pytest.mark.parametrize("who", ["away", "office"])
def test_a_unit_outside_the_lakes_municipalities_or_a_regional_office_opens_on_the_whole(
    env: Env, who: str
) -> None:
    page = env.get(who, "/followup").text
    assert _scope(page) == "total" and _note(page) is None


# --- comparison --------------------------------------------------------------------------------------------


def test_comparison_opens_on_the_units_municipality_and_marks_the_unit(env: Env) -> None:
    page = env.get("chef", "/followup/compare").text
    assert _parent(page) == "municipality:2180"
    assert _note(page) == f"Öppnad på kommunen där din enhet {ANDERSBERG.name} ligger."
    rows = re.findall(r'<tr class="([^"]*)">\s*<td><a class="fu-drill" href="[^"]+">([^<]+)</a>', page)
    own = [name for cls, name in rows if "fu-own" in cls]
    assert own == [f"{ANDERSBERG.name} (din enhet)"]
    assert "Andersbergs h\\u00e4lsocentral (din enhet)" in page  # the bar's name in the chart's data too
    en = env.get("chef", "/followup/compare", lang="en").text
    assert f"{ANDERSBERG.name} (your unit)" in en and "Opened on the municipality of your unit" in en


def test_comparison_with_a_parent_keeps_it_and_still_marks_the_unit(env: Env) -> None:
    page = env.get("chef", "/followup/compare", parent="region:21").text
    assert _parent(page) == "region:21" and _note(page) is None
    assert f"{ANDERSBERG.name} (din enhet)" in page
    page = env.get("chef", "/followup/compare", parent="total").text
    assert _parent(page) == "total"


def test_analysts_comparison_opens_on_the_region_as_before(env: Env) -> None:
    page = env.get("analyst", "/followup/compare").text
    assert _parent(page) == "region:21" and _note(page) is None and "(din enhet)" not in page
    page = env.get("home", "/followup/compare").text
    assert _parent(page) == "municipality:2180" and "(din enhet)" not in page
