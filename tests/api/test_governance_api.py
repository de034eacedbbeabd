"""Governance over HTTP on both databases: directives with versions and If-Match, the state machines' 409s,
prioritisation with weights, ranking and a decision that freezes the list, action plans tied to follow-up
indicators, the decision log and its export, deadlines, and every change audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard.audit.models import AuditEvent
from naravard.governance.models import GovVersion
from tests.api.governance_env import gov_env


def _directive(body_id: str, **kw: object) -> dict[str, object]:
    return {
        "body_id": body_id,
        "title": "Programdirektiv Nära vård",
        "purpose": "Syfte",
        "direction": "Inriktning",
        "yearly_goals": "Mål 2022",
        "owner": "Programområdesansvarig",
        "external_ref": "RS 2021/1234",
        "registration_due": "2021-10-31",
        "review_date": "2022-10-31",
        **kw,
    }


def test_directive_versions_conflicts_and_states(client: TestClient, db: Session) -> None:
    e = gov_env(db)
    h = e.officer.headers
    r = client.post("/api/governance/directives", json=_directive(str(e.body.id)), headers=h)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["state"] == "draft" and d["version"] == 1 and r.headers["ETag"] == 'W/"1"'
    # a missed registration date stands out
    assert "registration_due" in d["overdue"]
    # two officers on version 1: the first wins, the second gets 412, never an overwrite
    changed = _directive(str(e.body.id), purpose="Första")
    r1 = client.put(f"/api/governance/directives/{d['id']}", json=changed, headers={**h, "If-Match": 'W/"1"'})
    assert r1.status_code == 200 and r1.json()["version"] == 2
    other = _directive(str(e.body.id), purpose="Andra")
    r2 = client.put(
        f"/api/governance/directives/{d['id']}",
        json=other,
        headers={**e.officer2.headers, "If-Match": 'W/"1"'},
    )
    assert r2.status_code == 412 and "version 2" in r2.text
    assert client.put(f"/api/governance/directives/{d['id']}", json=other, headers=h).status_code == 412
    got = client.get(f"/api/governance/directives/{d['id']}", headers=h).json()
    assert got["purpose"] == "Första"
    versions = client.get(f"/api/governance/directives/{d['id']}/versions", headers=h).json()
    assert [v["version"] for v in versions] == [2, 1] and versions[1]["snapshot"]["purpose"] == "Syfte"
    # approval only by a decision; a refused move names both states
    r = client.post(
        f"/api/governance/directives/{d['id']}/state", json={"state": "replaced", "version": 2}, headers=h
    )
    assert r.status_code == 409 and "draft" in r.text and "replaced" in r.text
    r = client.post(
        "/api/governance/decisions",
        json={
            "body_id": str(e.body.id),
            "decided_on": "2021-12-15",
            "text": "Programdirektivet fastställs",
            "kind": "directive_approved",
            "subject_id": d["id"],
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    got = client.get(f"/api/governance/directives/{d['id']}", headers=h).json()
    assert got["state"] == "approved" and got["version"] == 3
    r = client.put(f"/api/governance/directives/{d['id']}", json=changed, headers={**h, "If-Match": 'W/"3"'})
    assert r.status_code == 409 and "approved" in r.text
    n = db.scalar(select(func.count()).select_from(GovVersion).where(GovVersion.entity == "directive"))
    assert n == 3
    actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("governance:%"))))
    assert {
        "governance:directive:create",
        "governance:directive:update",
        "governance:decision:create",
    } <= actions


def test_prioritisation_ranks_and_the_decision_freezes_the_list(client: TestClient, db: Session) -> None:
    e = gov_env(db)
    h = e.officer.headers
    bad = {"body_id": str(e.body.id), "title": "Plan", "first_year": 2024, "last_year": 2022}
    r = client.post("/api/governance/plans", json=bad, headers=h)
    assert r.status_code == 422 and "last_year" in r.text
    plan = client.post(
        "/api/governance/plans", json={**bad, "first_year": 2022, "last_year": 2024}, headers=h
    ).json()
    crit = {
        "criteria": [{"name": "Nytta", "weight": 60}, {"name": "Genomförbarhet", "weight": 50}],
        "version": 1,
    }
    r = client.put(f"/api/governance/plans/{plan['id']}/criteria", json=crit, headers=h)
    assert r.status_code == 422 and "weights" in r.text and "sum to 100" in r.text
    crit["criteria"][1]["weight"] = 40
    plan = client.put(f"/api/governance/plans/{plan['id']}/criteria", json=crit, headers=h).json()
    cid = {c["name"]: c["id"] for c in plan["criteria"]}
    ids = {}
    for title in ("Mobila team", "Fast vårdkontakt", "Patientkontrakt"):
        r = client.post(
            f"/api/governance/plans/{plan['id']}/projects", json={"title": title, "owner": "PO"}, headers=h
        )
        ids[title] = r.json()["id"]
    scores = {"Mobila team": (5, 2), "Fast vårdkontakt": (3, 5), "Patientkontrakt": (1, 1)}
    for title, (a, b) in scores.items():
        for name, s in (("Nytta", a), ("Genomförbarhet", b)):
            r = client.put(
                f"/api/governance/projects/{ids[title]}/scores",
                json={"criterion_id": cid[name], "score": s},
                headers=h,
            )
            assert r.status_code == 200, r.text
    r = client.put(
        f"/api/governance/projects/{ids['Patientkontrakt']}/scores",
        json={"criterion_id": cid["Nytta"], "score": 9},
        headers=h,
    )
    assert r.status_code == 422 and "score" in r.text
    plan = client.get(f"/api/governance/plans/{plan['id']}", headers=h).json()
    assert [r["title"] for r in plan["ranking"]] == ["Fast vårdkontakt", "Mobila team", "Patientkontrakt"]
    # analysts do not read an undecided plan
    assert client.get(f"/api/governance/plans/{plan['id']}", headers=e.analyst.headers).status_code == 403
    r = client.post(
        "/api/governance/decisions",
        json={
            "body_id": str(e.body.id),
            "decided_on": "2021-12-20",
            "text": "Prioriteringen beslutas",
            "kind": "priority_list",
            "subject_id": plan["id"],
        },
        headers=h,
    )
    assert r.status_code == 201
    # a later score changes the working ranking, not the decided list; the page shows what moved
    client.put(
        f"/api/governance/projects/{ids['Patientkontrakt']}/scores",
        json={"criterion_id": cid["Nytta"], "score": 5},
        headers=h,
    )
    client.put(
        f"/api/governance/projects/{ids['Patientkontrakt']}/scores",
        json={"criterion_id": cid["Genomförbarhet"], "score": 5},
        headers=h,
    )
    plan = client.get(f"/api/governance/plans/{plan['id']}", headers=e.analyst.headers).json()
    assert [r["title"] for r in plan["decided"]] == ["Fast vårdkontakt", "Mobila team", "Patientkontrakt"]
    assert plan["ranking"][0]["title"] == "Patientkontrakt"
    assert {c["title"] for c in plan["changes"]} == {"Patientkontrakt", "Fast vårdkontakt", "Mobila team"}
    assert all(p["status"] == "prioritised" for p in plan["projects"])
    r = client.post(
        f"/api/governance/projects/{ids['Mobila team']}/state",
        json={"state": "completed", "version": 99},
        headers=h,
    )
    assert r.status_code == 412
    version = next(p["version"] for p in plan["projects"] if p["title"] == "Mobila team")
    r = client.post(
        f"/api/governance/projects/{ids['Mobila team']}/state",
        json={"state": "completed", "version": version},
        headers=h,
    )
    assert r.status_code == 409 and "prioritised" in r.text and "completed" in r.text


def test_action_plan_with_indicators_decision_log_and_deadlines(client: TestClient, db: Session) -> None:
    e = gov_env(db)
    h = e.officer.headers
    ap = client.post(
        "/api/governance/action-plans",
        json={
            "body_id": str(e.other_body.id),
            "title": "Handlingsplan kontinuitet",
            "recipient": "Socialstyrelsen",
            "deadline": "2021-09-30",
            "focus": "Kontinuitet, fast vårdkontakt",
        },
        headers=h,
    ).json()
    url = f"/api/governance/action-plans/{ap['id']}/actions"
    r = client.post(
        url,
        json={"title": "Fast läkarkontakt", "owner": "PO", "due_date": "2021-09-01", "indicators": ["NOPE"]},
        headers=h,
    )
    assert r.status_code == 422 and "indicators" in r.text and "NOPE" in r.text
    r = client.post(
        url,
        json={
            "title": "Fast läkarkontakt",
            "owner": "PO",
            "due_date": "2021-09-01",
            "indicators": ["C_OWNDR", "C_UPC"],
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    action = r.json()
    r = client.patch(
        f"/api/governance/actions/{action['id']}", json={"version": 1, "status": "done"}, headers=h
    )
    assert r.status_code == 409 and "planned" in r.text and "done" in r.text
    r = client.patch(
        f"/api/governance/actions/{action['id']}",
        json={"version": 1, "status": "ongoing", "light": "red"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["light"] == "red"
    got = client.get(f"/api/governance/action-plans/{ap['id']}", headers=h).json()
    assert got["overdue"] is True
    assert [f["code"] for f in got["actions"][0]["figures"]] == ["C_OWNDR", "C_UPC"]
    # a draft action plan is not published
    assert (
        client.get(f"/api/governance/action-plans/{ap['id']}", headers=e.manager.headers).status_code == 403
    )
    deadlines = client.get("/api/governance/deadlines", headers=h).json()
    assert {d["kind"] for d in deadlines} >= {"action_plan", "action"} and all(
        d["overdue"] for d in deadlines
    )
    r = client.post(
        f"/api/governance/action-plans/{ap['id']}/state", json={"state": "sent", "version": 1}, headers=h
    )
    assert r.status_code == 409
    client.post(
        f"/api/governance/action-plans/{ap['id']}/state", json={"state": "ready", "version": 1}, headers=h
    )
    r = client.post(
        "/api/governance/decisions",
        json={
            "body_id": str(e.other_body.id),
            "decided_on": "2021-09-28",
            "text": "Handlingsplanen skickas till Socialstyrelsen",
            "kind": "action_plan_sent",
            "subject_id": ap["id"],
        },
        headers=h,
    )
    assert r.status_code == 201
    assert (
        client.get(f"/api/governance/action-plans/{ap['id']}", headers=e.manager.headers).json()["state"]
        == "sent"
    )
    log = client.get(
        "/api/governance/decisions", params={"q": "socialstyrelsen"}, headers=e.analyst.headers
    ).json()
    assert len(log) == 1 and log[0]["kind"] == "action_plan_sent"
    r = client.get(
        "/api/governance/decisions", params={"since": "2022-01-01", "until": "2021-01-01"}, headers=h
    )
    assert r.status_code == 422 and "until" in r.text
    csv = client.get("/api/governance/decisions.csv", headers=h)
    assert csv.status_code == 200 and "Handlingsplanen skickas" in csv.text
