"""``/api/followup/targets`` on both databases: the region's own targets created, changed and deleted with
versions (a stale version is a 409), written by analysts only (403 and a refusal row for others), checked
(422 naming the field), audit-logged, and applied by the results, the dashboard series and the report."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from tests.integration.followup.targets_env import Env, open_env

URL = "/api/followup/targets"
FLK = {"indicator": "C_FLK", "value": 0.65, "source": "HSN 2026-03-12 § 4"}


@pytest.fixture()
def env(session_factory: sessionmaker[Session], db: Session, tmp_path: Path) -> Iterator[Env]:
    with open_env(session_factory, db, tmp_path) as e:
        yield e


def _create(env: Env, who: str = "analyst", **body: Any) -> Any:
    return env.client.post(URL, json={**FLK, **body}, headers=env.heads[who])


def _results(env: Env, **params: str) -> dict[tuple[str, str], dict[str, Any]]:
    r = env.client.get(
        "/api/followup/results",
        headers=env.heads["analyst"],
        params={"indicator": "C_FLK", "period_type": "year", **params},
    )
    assert r.status_code == 200, r.text
    return {(x["scope_type"], x["scope_id"]): x for x in r.json()}


def test_create_change_delete_with_versions_and_audit(env: Env) -> None:
    r = _create(env, scope_type="municipality", scope_id="2180")
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["origin"] == "region" and made["version"] == 1 and made["in_effect"]
    assert made["changed_by"] == env.logins["analyst"].user.username
    assert (made["scope_type"], made["scope_id"], made["value"]) == ("municipality", "2180", 0.65)
    tid = made["id"]
    assert env.client.get(f"{URL}/{tid}", headers=env.heads["manager"]).json()["version"] == 1

    changed = env.client.put(
        f"{URL}/{tid}",
        json={"value": 0.7, "source": "HSN 2026-06-01 § 9", "version": 1},
        headers=env.heads["analyst"],
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2 and changed.json()["value"] == 0.7

    # someone working from version 1 is refused, and nothing is overwritten
    stale = env.client.put(
        f"{URL}/{tid}", json={"value": 0.5, "source": "old", "version": 1}, headers=env.heads["analyst"]
    )
    assert stale.status_code == 409
    problem = stale.json()
    assert (
        problem["field"] == "version"
        and "changed by" in problem["detail"]
        and "version 2" in problem["detail"]
    )
    assert env.client.get(f"{URL}/{tid}", headers=env.heads["analyst"]).json()["value"] == 0.7
    assert (
        env.client.delete(f"{URL}/{tid}", params={"version": 1}, headers=env.heads["analyst"]).status_code
        == 409
    )

    gone = env.client.delete(f"{URL}/{tid}", params={"version": 2}, headers=env.heads["analyst"])
    assert gone.status_code == 204
    assert env.client.get(f"{URL}/{tid}", headers=env.heads["analyst"]).status_code == 404
    assert (
        env.client.put(
            f"{URL}/{tid}", json={"value": 0.5, "source": "x", "version": 2}, headers=env.heads["analyst"]
        ).status_code
        == 404
    )

    (create,) = env.audit("followup:target:create")
    (update,) = env.audit("followup:target:update")
    (delete,) = env.audit("followup:target:delete")
    assert {create.outcome, update.outcome, delete.outcome} == {"allowed"}
    assert {create.username, update.username, delete.username} == {env.logins["analyst"].user.username}
    assert update.request_id == changed.headers["X-Request-Id"]
    detail = json.loads(update.detail or "{}")
    assert detail["before"]["value"] == 0.65 and detail["after"]["value"] == 0.7
    assert detail["key"] == ["C_FLK", "municipality", "2180"]
    assert json.loads(delete.detail or "{}")["before"]["version"] == 2


def test_one_target_per_indicator_and_scope(env: Env) -> None:
    assert _create(env).status_code == 201
    again = _create(env, value=0.8)
    assert again.status_code == 409 and again.json()["field"] == "indicator"
    assert _create(env, scope_type="unit").status_code == 201  # another scope is another target


def test_list_shows_every_source_and_what_applies(env: Env) -> None:
    assert _create(env).status_code == 201
    rows = env.client.get(URL, headers=env.heads["manager"]).json()
    flk = [
        (r["origin"], r["in_effect"]) for r in rows if r["indicator"] == "C_FLK" and r["scope_type"] is None
    ]
    assert flk == [("national", False), ("region", True)]
    assert all(r["id"] is None for r in rows if r["origin"] == "national")
    assert env.client.get(URL, headers=env.heads["clinician"]).status_code == 403


def test_doctor_targets_are_for_roles_that_see_doctors(env: Env) -> None:
    assert _create(env, indicator="C_COC", value=0.5, scope_type="doctor", scope_id="77").status_code == 201
    seen = {
        (r["scope_type"], r["scope_id"]) for r in env.client.get(URL, headers=env.heads["analyst"]).json()
    }
    assert ("doctor", "77") in seen
    hidden = {
        (r["scope_type"], r["scope_id"]) for r in env.client.get(URL, headers=env.heads["manager"]).json()
    }
    assert ("doctor", "77") not in hidden


@pytest.mark.parametrize("who", ["manager", "admin", "clinician"])
def test_only_analysts_write_and_refusals_are_logged(env: Env, who: str) -> None:
    made = _create(env).json()
    r = _create(env, who=who, scope_type="unit")
    assert r.status_code == 403 and "analysts" in r.json()["detail"]
    put = env.client.put(
        f"{URL}/{made['id']}", json={"value": 0.1, "source": "x", "version": 1}, headers=env.heads[who]
    )
    assert put.status_code == 403
    delete = env.client.delete(f"{URL}/{made['id']}", params={"version": 1}, headers=env.heads[who])
    assert delete.status_code == 403
    for action in ("create", "update", "delete"):
        refused = [e for e in env.audit(f"followup:target:{action}") if e.outcome == "denied"]
        assert len(refused) == 1 and refused[0].username == env.logins[who].user.username
        assert refused[0].reason == "role_not_permitted"
    assert env.client.get(f"{URL}/{made['id']}", headers=env.heads["analyst"]).json()["version"] == 1


@pytest.mark.parametrize(
    ("body", "field", "needle"),
    [
        ({"indicator": "NOPE"}, "indicator", "unknown indicator"),
        ({"value": 65}, "value", "from 0 to 1"),
        ({"indicator": "C_COC", "value": 1.2}, "value", "from 0 to 1"),
        ({"indicator": "A3_P90", "value": -2}, "value", "0 or more"),
        ({"scope_type": "county"}, "scope_type", "unknown scope type"),
        ({"scope_id": "2180"}, "scope_id", "needs a scope_type"),
        ({"scope_type": "total", "scope_id": "all"}, "scope_id", "takes no scope_id"),
        ({"scope_type": "unit", "scope_id": "x y"}, "scope_id", "not a scope id"),
        ({"source": "  "}, "source", "source is required"),
        ({"source": "x" * 301}, "source", "at most 300"),
    ],
)
def test_bad_input_is_422_naming_the_field(env: Env, body: dict[str, Any], field: str, needle: str) -> None:
    r = _create(env, **body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and needle in r.json()["detail"]
    assert env.audit("followup:target:create") == []


def test_malformed_bodies_are_422_naming_the_field(env: Env) -> None:
    r = env.client.post(URL, json={"indicator": "C_FLK", "source": "x"}, headers=env.heads["analyst"])
    assert r.status_code == 422 and "value" in r.json()["detail"]
    r = _create(env, value="many")
    assert r.status_code == 422 and "value" in r.json()["detail"]
    r = _create(env, colour="red")
    assert r.status_code == 422 and "colour" in r.json()["detail"]
    tid = _create(env).json()["id"]
    r = env.client.put(f"{URL}/{tid}", json={"value": 0.7, "source": "x"}, headers=env.heads["analyst"])
    assert r.status_code == 422 and "version" in r.json()["detail"]
    r = env.client.put(
        f"{URL}/{tid}", json={"value": 7, "source": "x", "version": 1}, headers=env.heads["analyst"]
    )
    assert r.status_code == 422 and r.json()["field"] == "value"
    r = env.client.delete(f"{URL}/{tid}", headers=env.heads["analyst"])
    assert r.status_code == 422 and "version" in r.json()["detail"]


def test_results_and_dashboard_use_the_database_target(env: Env) -> None:
    before = _results(env, scope_type="total")[("total", "all")]
    assert (before["target"], before["meets_target"]) == (0.55, True)  # national, 0.62 meets 0.55
    assert _create(env).status_code == 201  # the region's 0.65 for every scope
    after = _results(env, scope_type="total")[("total", "all")]
    assert (after["target"], after["meets_target"]) == (0.65, False)
    units = _results(env, scope_type="unit")
    assert units[("unit", "1011")]["meets_target"] and not units[("unit", "1012")]["meets_target"]
    series = env.client.get(
        "/api/followup/dashboard",
        headers=env.heads["manager"],
        params={"indicators": "C_FLK", "period_type": "year"},
    ).json()
    assert [(p["target"], p["meets_target"]) for p in series["C_FLK"]] == [(0.65, False)]
    # a unit's own target is more specific than the region's any-scope one
    assert _create(env, value=0.7, scope_type="unit", scope_id="1011").status_code == 201
    units = _results(env, scope_type="unit")
    assert units[("unit", "1011")]["target"] == 0.7 and units[("unit", "1012")]["target"] == 0.65


def test_database_replaces_the_file_at_equal_specificity(
    session_factory: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    tf = tmp_path / "targets.json"
    tf.write_text(
        json.dumps(
            [
                {"indicator": "C_FLK", "value": 0.6},
                {"indicator": "C_FLK", "value": 0.9, "scope_type": "unit", "scope_id": "1011"},
            ]
        ),
        encoding="utf-8",
    )
    with open_env(session_factory, db, tmp_path, targets_file=tf) as env:
        assert _results(env, scope_type="total")[("total", "all")]["target"] == 0.6  # the file's
        assert _create(env, value=0.64).status_code == 201
        units = _results(env, scope_type="unit")
        assert _results(env, scope_type="total")[("total", "all")]["target"] == 0.64  # the region's
        assert units[("unit", "1011")]["target"] == 0.9  # the file's one unit is more specific
        assert units[("unit", "1012")]["target"] == 0.64
        rows = env.client.get(URL, headers=env.heads["analyst"]).json()
        any_scope = [
            (r["origin"], r["value"], r["in_effect"])
            for r in rows
            if r["indicator"] == "C_FLK" and r["scope_type"] is None
        ]
        assert any_scope == [("national", 0.55, False), ("file", 0.6, False), ("region", 0.64, True)]


def test_report_uses_the_database_target(env: Env) -> None:
    assert _create(env, value=0.6).status_code == 201
    r = env.client.get(
        "/api/followup/report",
        headers=env.heads["analyst"],
        params={"indicators": "C_FLK", "format": "xlsx", "period_type": "year"},
    )
    assert r.status_code == 200, r.text
    ws = load_workbook(io.BytesIO(r.content))["C_FLK"]
    assert ws["C2"].value == 0.6  # the region's, not the national 0.55
