"""Relative targets ("+20 % against 2024", ÖK Mål 2) on both databases: created, read and changed through
``/api/followup/targets`` with ``baseline`` (versions and audit as for any target), checked (422 naming the
field), replacing a national absolute target, and shown with their rule on the targets page, the dashboard,
the comparison and the report."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from naravard import migrate
from naravard.followup.cli import app as followup_app
from tests.integration.followup.targets_env import ROWS, Env, open_env, write_results

URL = "/api/followup/targets"
MAL2 = {"indicator": "C_COC", "value": 1.2, "baseline": "2024", "source": "ÖK Mål 2: +20 % mot utgångsläget"}
# 2024, the baseline: C_COC 0.50 in total (x 1.2 = 0.60), 0.50 and 0.60 at the units; C_FLK 0.50 in total
YEARS = {
    "2024": [
        ("C_COC", "total", "all", 0.50),
        ("C_COC", "unit", "1011", 0.50),
        ("C_COC", "unit", "1012", 0.60),
        ("C_FLK", "total", "all", 0.50),
    ],
    "2025": [
        *ROWS,
        ("C_COC", "total", "all", 0.62),
        ("C_COC", "unit", "1011", 0.58),
        ("C_COC", "unit", "1012", 0.80),
    ],
}


@pytest.fixture()
def env(session_factory: sessionmaker[Session], db: Session, tmp_path: Path) -> Iterator[Env]:
    with open_env(session_factory, db, tmp_path) as e:
        write_results(tmp_path / "results", YEARS)
        yield e


def _create(env: Env, **body: Any) -> Any:
    return env.client.post(URL, json={**MAL2, **body}, headers=env.heads["analyst"])


def _put(env: Env, tid: str, **body: Any) -> Any:
    return env.client.put(f"{URL}/{tid}", json=body, headers=env.heads["analyst"])


def _total(env: Env, indicator: str = "C_COC", period: str = "2025") -> dict[str, Any]:
    r = env.client.get(
        "/api/followup/results",
        headers=env.heads["analyst"],
        params={"indicator": indicator, "period_type": "year", "period_from": period, "period_to": period},
    )
    assert r.status_code == 200, r.text
    (row,) = r.json()
    return dict(row)


def test_create_get_and_update_a_relative_target(env: Env) -> None:
    r = _create(env)
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["value"], made["baseline"], made["version"]) == (1.2, "2024", 1)
    tid = made["id"]
    assert env.client.get(f"{URL}/{tid}", headers=env.heads["manager"]).json()["baseline"] == "2024"
    row = _total(env)
    assert row["target"] == pytest.approx(0.60) and row["meets_target"] is True  # 0.62 against 0.50 x 1.2
    assert (row["target_baseline"], row["target_factor"]) == ("2024", 1.2)

    # a new factor without naming the baseline keeps it
    kept = _put(env, tid, value=1.3, source="HSN 2026-06-01 § 9", version=1)
    assert kept.status_code == 200, kept.text
    assert (kept.json()["value"], kept.json()["baseline"], kept.json()["version"]) == (1.3, "2024", 2)
    row = _total(env)
    assert row["target"] == pytest.approx(0.65) and row["meets_target"] is False
    # a new baseline: 2025's 0.62 x 1.1
    moved = _put(env, tid, value=1.1, source="HSN 2026-06-01 § 9", version=2, baseline="2025")
    assert moved.status_code == 200 and moved.json()["baseline"] == "2025"
    assert _total(env)["target"] == pytest.approx(0.682)
    # baseline null: an absolute target again, its value in the indicator's unit
    absolute = _put(env, tid, value=0.6, source="HSN 2026-09-01 § 3", version=3, baseline=None)
    assert absolute.status_code == 200 and absolute.json()["baseline"] is None
    row = _total(env)
    assert (row["target"], row["target_baseline"], row["target_factor"]) == (0.6, None, None)

    updates = env.audit("followup:target:update")
    assert [json.loads(e.detail or "{}")["after"]["baseline"] for e in updates] == ["2024", "2025", None]
    assert json.loads(updates[1].detail or "{}")["before"]["baseline"] == "2024"
    (create,) = env.audit("followup:target:create")
    assert json.loads(create.detail or "{}")["after"]["baseline"] == "2024"


@pytest.mark.parametrize(
    ("body", "field", "needle"),
    [
        ({"baseline": "2024-13"}, "baseline", "'2024-13' is not a period"),
        ({"baseline": "förra året"}, "baseline", "use YYYY, YYYY-Qn or YYYY-MM"),
        ({"value": 20}, "value", "at most 10"),  # +20 % written as per cent
        ({"value": 0}, "value", "above 0"),
        ({"value": 1.2, "baseline": None}, "value", "from 0 to 1"),  # an index of 1.2 without a baseline
    ],
)
def test_bad_relative_input_is_422_naming_the_field(
    env: Env, body: dict[str, Any], field: str, needle: str
) -> None:
    r = _create(env, **body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and needle in r.json()["detail"]
    assert env.audit("followup:target:create") == []


def test_a_change_is_checked_with_its_baseline(env: Env) -> None:
    tid = _create(env).json()["id"]
    r = _put(env, tid, value=1.2, source="x", version=1, baseline=None)  # 1.2 is no index
    assert r.status_code == 422 and r.json()["field"] == "value"
    r = _put(env, tid, value=1.2, source="x", version=1, baseline="2024-Q9")
    assert r.status_code == 422 and r.json()["field"] == "baseline"
    assert env.client.get(f"{URL}/{tid}", headers=env.heads["analyst"]).json()["version"] == 1


def test_a_relative_target_replaces_the_national_absolute_one(env: Env) -> None:
    assert _total(env, "C_FLK")["target"] == 0.55  # national
    assert _create(env, indicator="C_FLK").status_code == 201
    rows = env.client.get(URL, headers=env.heads["manager"]).json()
    flk = [
        (r["origin"], r["in_effect"], r["baseline"])
        for r in rows
        if r["indicator"] == "C_FLK" and r["scope_type"] is None
    ]
    assert flk == [("national", False, None), ("region", True, "2024")]
    row = _total(env, "C_FLK")
    assert row["target"] == pytest.approx(0.60) and row["meets_target"] is True  # 0.62 against 0.50 x 1.2
    series = env.client.get(
        "/api/followup/dashboard",
        headers=env.heads["manager"],
        params={"indicators": "C_FLK", "period_type": "year"},
    ).json()["C_FLK"]
    assert [(p["period"], p["target_baseline"], p["target_factor"]) for p in series] == [
        ("2024", "2024", 1.2),
        ("2025", "2024", 1.2),
    ]


# --- the pages and the report ------------------------------------------------------------------------------


def _as(env: Env, who: str, lang: str = "sv") -> None:
    env.client.cookies.clear()
    env.client.cookies.set("naravard_session", env.logins[who].token)
    env.client.cookies.set("lang", lang)


def _post(env: Env, path: str, **data: Any) -> Any:
    return env.client.post(
        path, data={"csrf_token": env.logins["analyst"].csrf, **data}, follow_redirects=False
    )


def _field(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert m, page[:3000]
    return html.unescape(m.group(1))


def test_targets_page_form_takes_a_baseline(env: Env) -> None:
    _as(env, "analyst")
    page = env.client.get("/followup/targets").text
    assert "Utgångsperiod" in page and "1,2 är +20 %" in page
    bad = _post(
        env, "/followup/targets", indicator="C_COC", value="1,2", baseline="2024-13", source="ÖK Mål 2"
    )
    assert bad.status_code == 422
    assert "utgångsperioden '2024-13' är ingen period" in html.unescape(bad.text)
    assert _field(bad.text, "baseline") == "2024-13"  # the form keeps what was typed
    made = _post(env, "/followup/targets", indicator="C_COC", value="1,2", baseline="2024", source="ÖK Mål 2")
    assert made.status_code == 303
    listed = env.client.get("/followup/targets").text
    assert "+20 % mot 2024" in listed
    _as(env, "analyst", "en")
    assert "+20 % vs 2024" in env.client.get("/followup/targets").text
    _as(env, "analyst")
    tid = re.search(r'href="/followup/targets\?edit=([0-9a-f-]+)#target-form"', listed)
    assert tid
    edit = env.client.get(f"/followup/targets?edit={tid.group(1)}").text
    assert _field(edit, "baseline") == "2024" and _field(edit, "value") == "1,2"
    # the form always states the baseline: emptied, the target is absolute
    saved = _post(env, f"/followup/targets/{tid.group(1)}", version="1", value="0,6", baseline="", source="x")
    assert saved.status_code == 303
    (own,) = [t for t in env.client.get(URL, headers=env.heads["analyst"]).json() if t["id"]]
    assert (own["value"], own["baseline"]) == (0.6, None)


def test_dashboard_comparison_and_report_show_the_rule(env: Env) -> None:
    assert _create(env).status_code == 201
    _as(env, "manager")
    dash = html.unescape(
        env.client.get(
            "/followup", params={"indicator": "C_COC", "period_type": "year", "scope": "total"}
        ).text
    )
    assert "Mål 0,60 (+20 % mot 2024) · +24 % sedan 2024" in dash  # the card: 0.62 against 0.50
    assert _total(env)["change_since_baseline"] == pytest.approx(0.24)
    assert '<td class="fu-num">0,60 (+20 % mot 2024)</td>' in dash  # the table
    _as(env, "manager", "en")
    dash = html.unescape(
        env.client.get(
            "/followup", params={"indicator": "C_COC", "period_type": "year", "scope": "total"}
        ).text
    )
    assert "Target 0.60 (+20 % vs 2024) · +24 % since 2024" in dash
    _as(env, "manager")
    compare = html.unescape(
        env.client.get(
            "/followup/compare",
            params={
                "indicator": "C_COC",
                "period_type": "year",
                "period": "2025",
                "parent": "municipality:2180",
            },
        ).text
    )
    # each unit against its own 2024: 0.50 x 1.2 and 0.60 x 1.2
    assert "0,60 (+20 % mot 2024)" in compare and "0,72 (+20 % mot 2024)" in compare
    # and how far each has come since: 0.58 against 0.50, 0.80 against 0.60
    assert '<th class="fu-num">Sedan 2024</th>' in compare
    assert re.search(r"0,60 \(\+20 % mot 2024\)</td>\s*<td class=\"fu-num\">\+16 %</td>", compare)
    assert re.search(r"0,72 \(\+20 % mot 2024\)</td>\s*<td class=\"fu-num\">\+33,3 %</td>", compare)
    r = env.client.get(
        "/api/followup/report",
        headers=env.heads["analyst"],
        params={"indicators": "C_COC", "format": "xlsx", "period_type": "year"},
    )
    assert r.status_code == 200, r.text
    ws = load_workbook(io.BytesIO(r.content))["C_COC"]
    assert ws["C2"].value == pytest.approx(0.60) and ws["D2"].value == "+20 % mot 2024"


def test_cli_report_on_a_database_before_0003_says_to_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A region that upgraded the code but not its database: the report marks against the national targets
    and says why, instead of failing on the missing column."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0002")
    monkeypatch.setenv("NARAVARD_DATABASE_URL", url)
    out = tmp_path / "a.xlsx"
    args = ["report", "--results", str(write_results(tmp_path / "results", YEARS)), "--indicators", "C_FLK"]
    r = CliRunner().invoke(followup_app, [*args, "--period", "year", "--format", "xlsx", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "run 'naravard db upgrade'" in r.output
    assert load_workbook(out)["C_FLK"]["C2"].value == 0.55
