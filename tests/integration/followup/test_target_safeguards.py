"""Issue 19's safeguards of the region's own targets, on both databases: a baseline period that has not ended
(in the future, or still running) is refused by the API and the targets page with a clear message in the
page's language; deleting a target on the page asks first, on a confirmation of its own, and only that
confirmation deletes."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from naravard.errors import Invalid
from naravard.followup.results.targets import checked, load_targets
from tests.integration.followup.targets_env import Env, open_env

URL = "/api/followup/targets"
TODAY = dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()
NEXT_YEAR, THIS_YEAR, LAST_YEAR = str(TODAY.year + 1), str(TODAY.year), str(TODAY.year - 1)


@pytest.fixture()
def env(session_factory: sessionmaker[Session], db: Session, tmp_path: Path) -> Iterator[Env]:
    with open_env(session_factory, db, tmp_path) as e:
        yield e


def _as(env: Env, who: str, lang: str = "sv") -> None:
    env.client.cookies.clear()
    env.client.cookies.set("naravard_session", env.logins[who].token)
    env.client.cookies.set("lang", lang)


def _post(env: Env, who: str, path: str, **data: Any) -> Any:
    return env.client.post(path, data={"csrf_token": env.logins[who].csrf, **data}, follow_redirects=False)


def _flash(page: str) -> str:
    m = re.search(r'<div class="flash error" role="alert">(.*?)</div>', page, re.S)
    assert m, page[:3000]
    return html.unescape(m.group(1))


def _create(env: Env, **body: Any) -> Any:
    data = {"indicator": "C_COC", "value": 1.2, "source": "ÖK Mål 2", **body}
    return env.client.post(URL, json=data, headers=env.heads["analyst"])


# --- a baseline in the future ---------------------------------------------------------------------------


def test_the_rule_a_baseline_must_have_ended() -> None:
    today = dt.date(2026, 12, 4)
    assert checked("C_COC", 1.2, baseline="2026-11", today=today).baseline == "2026-11"
    assert checked("C_COC", 1.2, baseline="2025", today=today).baseline == "2025"
    with pytest.raises(Invalid) as future:
        checked("C_COC", 1.2, baseline="2027-Q1", today=today)
    assert future.value.field == "baseline"
    assert (
        future.value.message
        == "baseline 2027-Q1 is in the future; choose a period that has ended, e.g. 2026-Q3"
    )
    for running, ends, example in (("2026", "2026-12-31", "2025"), ("2026-12", "2026-12-31", "2026-11")):
        with pytest.raises(
            Invalid, match=f"baseline {running} has not ended yet \\(it ends {ends}\\)"
        ) as exc:
            checked("C_COC", 1.2, baseline=running, today=today)
        assert exc.value.message.endswith(f"e.g. {example}")
    # the day after a period's last, it may be a baseline
    assert checked("C_COC", 1.2, baseline="2026-11", today=dt.date(2026, 12, 1)).baseline == "2026-11"
    with pytest.raises(Invalid, match="has not ended yet"):
        checked("C_COC", 1.2, baseline="2026-11", today=dt.date(2026, 11, 30))


def test_a_targets_file_is_read_as_it_is(tmp_path: Path) -> None:
    """The date rule is for targets being written; a file read on every request is not refused as time
    passes (its relative targets get a value once their baseline has one)."""
    f = tmp_path / "targets.json"
    f.write_text(f'[{{"indicator": "C_COC", "value": 1.2, "baseline": "{NEXT_YEAR}"}}]', encoding="utf-8")
    assert load_targets(f)[-1].baseline == NEXT_YEAR


def test_the_api_refuses_a_baseline_that_has_not_ended(env: Env) -> None:
    r = _create(env, baseline=NEXT_YEAR)
    assert r.status_code == 422 and r.json()["field"] == "baseline"
    assert (
        r.json()["detail"]
        == f"baseline {NEXT_YEAR} is in the future; choose a period that has ended, e.g. {LAST_YEAR}"
    )
    r = _create(env, baseline=THIS_YEAR)
    assert r.status_code == 422
    assert f"baseline {THIS_YEAR} has not ended yet (it ends {THIS_YEAR}-12-31)" in r.json()["detail"]
    made = _create(env, baseline=LAST_YEAR)
    assert made.status_code == 201, made.text
    moved = env.client.put(
        f"{URL}/{made.json()['id']}",
        json={"value": 1.2, "source": "x", "version": 1, "baseline": NEXT_YEAR},
        headers=env.heads["analyst"],
    )
    assert moved.status_code == 422 and moved.json()["field"] == "baseline"
    assert [t["baseline"] for t in env.client.get(URL, headers=env.heads["analyst"]).json() if t["id"]] == [
        LAST_YEAR
    ]


def test_the_page_refuses_it_in_the_pages_language(env: Env) -> None:
    _as(env, "analyst")
    r = _post(
        env, "analyst", "/followup/targets", indicator="C_COC", value="1,2", baseline=NEXT_YEAR, source="x"
    )
    assert r.status_code == 422
    assert (
        _flash(r.text)
        == f"utgångsperioden {NEXT_YEAR} ligger i framtiden; välj en period som är slut, t.ex. {LAST_YEAR}"
    )
    assert f'name="baseline" value="{NEXT_YEAR}"' in r.text  # the form keeps what was typed
    r = _post(
        env, "analyst", "/followup/targets", indicator="C_COC", value="1,2", baseline=THIS_YEAR, source="x"
    )
    assert r.status_code == 422
    assert f"utgångsperioden {THIS_YEAR} är inte slut än (den slutar {THIS_YEAR}-12-31)" in _flash(r.text)
    _as(env, "analyst", "en")
    r = _post(
        env, "analyst", "/followup/targets", indicator="C_COC", value="1.2", baseline=NEXT_YEAR, source="x"
    )
    assert r.status_code == 422 and f"baseline {NEXT_YEAR} is in the future" in _flash(r.text)
    assert env.client.get(URL, headers=env.heads["analyst"]).json()[-1]["origin"] != "region"  # nothing saved


# --- deleting asks first --------------------------------------------------------------------------------


def test_the_delete_button_asks_first(env: Env) -> None:
    made = env.client.post(
        URL,
        json={"indicator": "C_FLK", "value": 0.65, "source": "HSN 2026-03-12 § 4"},
        headers=env.heads["analyst"],
    ).json()
    local = env.client.post(
        URL,
        json={
            "indicator": "C_FLK",
            "value": 0.6,
            "source": "HSN § 5",
            "scope_type": "municipality",
            "scope_id": "2180",
        },
        headers=env.heads["analyst"],
    ).json()
    _as(env, "analyst")
    listed = env.client.get("/followup/targets").text
    # the list's button only opens the question: no form in the list posts a delete
    assert f'action="/followup/targets/{made["id"]}/delete"' not in listed
    assert re.search(
        rf'<form class="fu-delete" method="get" action="/followup/targets#confirm-delete">\s*'
        rf'<input type="hidden" name="delete" value="{made["id"]}">',
        listed,
    )
    ask = env.client.get("/followup/targets", params={"delete": made["id"]})
    assert ask.status_code == 200
    page = html.unescape(ask.text)
    form = page.split('id="confirm-delete"')[1].split("</form>")[0]
    assert (
        "Ta bort det här målet?" in form
        and "Andel listade med fast läkarkontakt" in form
        and "65,0 %" in form
    )
    # what applies once it is gone: the national target it replaced
    assert "Därefter gäller i stället: 55,0 % (Nationellt: ÖK 2021-2022 Mål 1" in form
    assert f'action="/followup/targets/{made["id"]}/delete"' in page
    assert 'name="version" value="1"' in form and 'name="confirm" value="1"' in form and "Ja, ta bort" in form
    assert 'href="/followup/targets">Avbryt</a>' in form
    # asking deleted nothing
    assert len([t for t in env.client.get(URL, headers=env.heads["analyst"]).json() if t["id"]]) == 2
    assert env.audit("followup:target:delete") == []
    # a scope's own target: nothing of the file's or the nation's at that scope takes over
    ask = html.unescape(env.client.get("/followup/targets", params={"delete": local["id"]}).text)
    assert "Därefter har nivån inget eget mål; ett mål för en bredare nivå kan gälla." in ask
    # the confirmation deletes
    yes = _post(env, "analyst", f"/followup/targets/{made['id']}/delete", version="1", confirm="1")
    assert yes.status_code == 303 and "Borttaget." in env.client.get(yes.headers["location"]).text
    assert [e.outcome for e in env.audit("followup:target:delete")] == ["allowed"]
    # asking about a target deleted meanwhile says so
    gone = env.client.get("/followup/targets", params={"delete": made["id"]})
    assert gone.status_code == 404 and "borttaget under tiden" in _flash(gone.text)
    # in English
    _as(env, "analyst", "en")
    en = html.unescape(env.client.get("/followup/targets", params={"delete": local["id"]}).text)
    assert "Delete this target?" in en and "Yes, delete" in en


def test_readers_are_not_asked(env: Env) -> None:
    made = _create(env, baseline=LAST_YEAR).json()
    _as(env, "manager")
    page = env.client.get("/followup/targets", params={"delete": made["id"]})
    assert (
        page.status_code == 200
        and 'id="confirm-delete"' not in page.text
        and 'class="fu-delete"' not in page.text
    )
