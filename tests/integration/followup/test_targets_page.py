"""The targets page on both databases: every target with where it comes from, the form for analysts (with
CSRF and the version in a hidden field), a clear message when someone else changed a target meanwhile, and
the link from the dashboard. Also ``naravard followup report`` marking against the database's targets."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from naravard import migrate
from naravard.actor import Role
from naravard.db import make_engine, make_session_factory
from naravard.followup.cli import app as followup_app
from tests import factories as f
from tests.conftest import AUDIT_KEY
from tests.integration.followup.targets_env import Env, open_env, write_results


@pytest.fixture()
def env(session_factory: sessionmaker[Session], db: Session, tmp_path: Path) -> Iterator[Env]:
    with open_env(session_factory, db, tmp_path) as e:
        yield e


def _as(env: Env, who: str, lang: str = "sv") -> None:
    """Browse as ``who``: the session cookie, as after logging in, and the UI language."""
    env.client.cookies.clear()
    env.client.cookies.set("naravard_session", env.logins[who].token)
    env.client.cookies.set("lang", lang)


def _post(env: Env, who: str, path: str, **data: Any) -> Any:
    return env.client.post(path, data={"csrf_token": env.logins[who].csrf, **data}, follow_redirects=False)


def _hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert m, page[:3000]
    return html.unescape(m.group(1))


def _flash(page: str) -> str:
    m = re.search(r'<div class="flash error" role="alert">(.*?)</div>', page, re.S)
    assert m, page[:3000]
    return html.unescape(m.group(1))


def test_analyst_adds_edits_and_deletes_through_the_form(env: Env) -> None:
    _as(env, "analyst")
    page = env.client.get("/followup/targets")
    assert page.status_code == 200 and 'id="target-form"' in page.text
    assert "Nationellt" in page.text and "Nytt eget mål för regionen" in page.text
    assert _post(env, "analyst", "/followup/targets", indicator="C_FLK", value="0,6").status_code == 422
    no_csrf = env.client.post("/followup/targets", data={"indicator": "C_FLK", "value": "0.6", "source": "x"})
    assert no_csrf.status_code == 403
    made = _post(
        env, "analyst", "/followup/targets", indicator="C_FLK", scope_type="municipality", scope_id="2180",
        value="0,6", source="HSN 2026-03-12 § 4",
    )  # fmt: skip
    assert made.status_code == 303 and made.headers["location"] == "/followup/targets?done=created"
    listed = env.client.get("/followup/targets?done=created").text
    assert "Sparat." in listed and "Regionens eget" in listed and "HSN 2026-03-12 § 4" in listed
    assert "Kommun: Gävle" in listed and "60,0 %" in listed
    tid = re.search(r'href="/followup/targets\?edit=([0-9a-f-]+)#target-form"', listed)
    assert tid
    edit = env.client.get(f"/followup/targets?edit={tid.group(1)}").text
    assert (
        "Ändra regionens mål" in edit and _hidden(edit, "version") == "1" and _hidden(edit, "value") == "0,6"
    )
    url = f"/followup/targets/{tid.group(1)}"
    saved = _post(env, "analyst", url, version="1", value="0.62", source="HSN 2026-04-01 § 2")
    assert saved.status_code == 303

    # a second window still holds version 1: the change is refused, with what the other writer left
    stale = _post(env, "analyst", url, version="1", value="0.7", source="mitt förslag")
    assert stale.status_code == 409
    message = _flash(stale.text)
    assert "Någon annan har ändrat målet under tiden: nu 62,0 %" in message and "version 2" in message
    assert "Din ändring sparades inte" in message
    assert _hidden(stale.text, "version") == "2" and _hidden(stale.text, "value") == "0.7"  # what was typed
    assert _hidden(stale.text, "source") == "mitt förslag"
    refused = _post(env, "analyst", f"{url}/delete", version="1")
    assert refused.status_code == 409 and "Det togs inte bort" in _flash(refused.text)
    deleted = _post(env, "analyst", f"{url}/delete", version="2")
    assert deleted.status_code == 303 and "Borttaget." in env.client.get(deleted.headers["location"]).text
    gone = _post(env, "analyst", url, version="2", value="0.7", source="x", indicator="C_FLK")
    assert gone.status_code == 404 and "borttaget under tiden" in _flash(gone.text)
    assert [e.outcome for e in env.audit("followup:target:delete")] == ["allowed"]


def test_english_page_and_field_errors(env: Env) -> None:
    _as(env, "analyst", "en")
    r = _post(env, "analyst", "/followup/targets", indicator="C_FLK", value="55", source="Board decision")
    assert r.status_code == 422 and "C_FLK is a share" in _flash(r.text)
    assert _hidden(r.text, "source") == "Board decision"  # the form keeps what was typed
    r = _post(env, "analyst", "/followup/targets", indicator="C_FLK", value="lots", source="x")
    assert r.status_code == 422 and "'lots' is not a number" in _flash(r.text)
    assert "New target of the region's own" in html.unescape(r.text)


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_readers_see_the_list_without_the_form(env: Env, who: str) -> None:
    _as(env, who)
    page = env.client.get("/followup/targets")
    assert page.status_code == 200 and "Mål" in page.text and 'id="target-form"' not in page.text
    r = _post(env, who, "/followup/targets", indicator="C_FLK", value="0.6", source="x")
    assert r.status_code == 403
    _as(env, "clinician")
    assert env.client.get("/followup/targets").status_code == 403
    # a bad value does not get a refused user the page with the list
    r = _post(env, "clinician", "/followup/targets", indicator="C_FLK", value="lots", source="x")
    assert r.status_code == 403 and "Nationellt" not in r.text


def test_dashboard_links_to_the_targets(env: Env) -> None:
    _as(env, "manager")
    page = env.client.get("/followup", params={"indicator": "C_FLK", "period_type": "year"})
    assert page.status_code == 200 and 'href="/followup/targets" id="targets-link"' in page.text


def test_cli_report_marks_against_the_database_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = write_results(tmp_path / "results")
    args = [
        "report",
        "--results",
        str(results),
        "--indicators",
        "C_FLK",
        "--period",
        "year",
        "--format",
        "xlsx",
    ]
    monkeypatch.setenv("NARAVARD_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    r = CliRunner().invoke(followup_app, [*args, "--out", str(tmp_path / "a.xlsx")])
    assert r.exit_code == 0, r.output
    assert "no database at" in r.output and not (tmp_path / "none.db").exists()
    assert load_workbook(tmp_path / "a.xlsx")["C_FLK"]["C2"].value == 0.55

    url = f"sqlite:///{tmp_path / 'region.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine, audit_key=AUDIT_KEY)
    with factory() as db:
        from naravard.followup import target_service
        from naravard.followup.schemas import TargetIn

        actor = f.user(db, role=Role.ANALYST, at=f.unit(db, f.organization(db))).actor
        target_service.create_target(
            db, actor=actor, data=TargetIn(indicator="C_FLK", value=0.6, source="HSN 2026-03-12 § 4")
        )
        db.commit()
    engine.dispose()
    monkeypatch.setenv("NARAVARD_DATABASE_URL", url)
    r = CliRunner().invoke(followup_app, [*args, "--out", str(tmp_path / "b.xlsx")])
    assert r.exit_code == 0, r.output
    assert "1 of the region's own" in r.output
    assert load_workbook(tmp_path / "b.xlsx")["C_FLK"]["C2"].value == 0.6
