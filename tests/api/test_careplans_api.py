"""Care plans over HTTP on both databases: create, versioned saves with If-Match (412 with the current plan),
the lifecycle (409 naming both states), bad input (422 naming field and rule, nothing written), the patient's
own goal and agreement, the diff, the shared SIP, the patient's "who read my data", and `activity_ref`."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard.careplans import service
from naravard.careplans.models import CarePlan, CarePlanVersion
from tests.integration.careplans.helpers import PlanEnv, content, plan_env, sip_section


def _create(client: TestClient, e: PlanEnv, **body: Any) -> tuple[dict[str, Any], str]:
    payload = {"person_id": str(e.patient.id), "kind": "patientkontrakt", "content": content(e), **body}
    r = client.post("/api/careplans", json=payload, headers=e.coordinator.headers)
    assert r.status_code == 201, r.text
    return r.json(), r.headers["ETag"]


def _counts(db: Session) -> tuple[int, int]:
    return (
        db.scalar(select(func.count()).select_from(CarePlan)) or 0,
        db.scalar(select(func.count()).select_from(CarePlanVersion)) or 0,
    )


def test_versions_if_match_lifecycle_and_diff(client: TestClient, db: Session) -> None:
    e = plan_env(db)
    db.commit()
    plan, etag = _create(client, e)
    assert plan["state"] == "draft" and plan["version_no"] == 1 and etag == f'"{plan["id"]}-1"'
    url = f"/api/careplans/{plan['id']}"
    h = e.coordinator.headers
    edited = content(e, needs=[{"text": "Hjälp med läkemedel"}, {"text": "Trygghet på natten"}])
    assert client.put(url, json={"content": edited}, headers=h).status_code == 422  # If-Match is required
    r = client.put(url, json={"content": edited}, headers={**h, "If-Match": etag})
    assert r.status_code == 200 and r.json()["version_no"] == 2, r.text
    stale = client.put(url, json={"content": content(e)}, headers={**h, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["current"]["version_no"] == 2 and stale.headers["ETag"] == r.headers["ETag"]
    assert "Trygghet på natten" in stale.text
    # the lifecycle: active before agreed is refused naming both states
    bad = client.post(
        f"{url}/transitions", json={"to": "active"}, headers={**h, "If-Match": r.headers["ETag"]}
    )
    assert bad.status_code == 409 and "draft" in bad.text and "active" in bad.text
    r = client.post(
        f"{url}/transitions", json={"to": "proposed"}, headers={**h, "If-Match": r.headers["ETag"]}
    )
    assert r.status_code == 200 and r.json()["state"] == "proposed"
    # the patient writes a goal of their own and agrees
    ph = e.patient_user.headers
    mine = client.get("/api/careplans/mine", headers=ph).json()
    assert [m["id"] for m in mine] == [plan["id"]]
    r = client.post(
        f"{url}/patient/statements",
        json={"section": "goals", "text": "Dansa på barnbarnets bröllop"},
        headers={**ph, "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    goal = r.json()["content"]["goals"][-1]
    assert goal["author"] == "patient" and goal["text"] == "Dansa på barnbarnets bröllop"
    r = client.post(f"{url}/patient/agree", headers={**ph, "If-Match": r.headers["ETag"]})
    assert r.status_code == 200 and r.json()["state"] == "agreed"
    assert r.json()["content"]["agreement"]["method"] == "digital"
    # staff may not write in the patient's name
    forged = content(e, goals=[{"text": "Påhittat", "author": "patient"}])
    r2 = client.put(url, json={"content": forged}, headers={**h, "If-Match": r.headers["ETag"]})
    assert r2.status_code == 422 and "goals[0].author" in r2.text
    versions = client.get(f"{url}/versions", headers=h).json()
    assert [v["version_no"] for v in versions] == [5, 4, 3, 2, 1]
    d = client.get(f"{url}/diff", params={"a": 1, "b": 4}, headers=h).json()
    kinds = {(c["section"], c["change"]) for c in d["changes"]}
    assert ("needs", "added") in kinds and ("goals", "added") in kinds
    # close needs a reason
    r3 = client.post(
        f"{url}/transitions", json={"to": "closed"}, headers={**h, "If-Match": r.headers["ETag"]}
    )
    assert r3.status_code == 422 and "reason" in r3.text
    r3 = client.post(
        f"{url}/transitions",
        json={"to": "closed", "reason": "Flyttat"},
        headers={**h, "If-Match": r.headers["ETag"]},
    )
    assert r3.status_code == 200 and r3.json()["closed_reason"] == "Flyttat"


def test_bad_input_names_field_and_rule_and_writes_nothing(client: TestClient, db: Session) -> None:
    e = plan_env(db, consent=False)
    db.commit()
    before = _counts(db)
    h = e.coordinator.headers
    base = {"person_id": str(e.patient.id), "kind": "patientkontrakt"}
    today = date.today()
    wrong_dates = content(
        e,
        with_municipality=False,
        activities=[
            {
                "what": "X",
                "unit_id": str(e.hc.id),
                "start_date": str(today),
                "end_date": str(today - timedelta(days=1)),
            }
        ],
    )
    r = client.post("/api/careplans", json={**base, "content": wrong_dates}, headers=h)
    assert r.status_code == 422 and "end_date" in r.text
    r = client.post(
        "/api/careplans", json={**base, "content": content(e)}, headers=h
    )  # municipality: no consent
    assert r.status_code == 422 and "participants[1].unit_id" in r.text and "consent_required" in r.text
    r = client.post(
        "/api/careplans",
        json={**base, "kind": "sip", "content": content(e, with_municipality=False)},
        headers=h,
    )
    assert r.status_code == 422 and "sip.patient_consent" in r.text
    r = client.post("/api/careplans", json={**base, "content": {"goals": [{"text": ""}]}}, headers=h)
    assert r.status_code == 422
    r = client.post(
        "/api/careplans", json={**base, "content": {"activities": [{"what": "Ingen utförare"}]}}, headers=h
    )
    assert r.status_code == 422 and "activities[0].unit_id" in r.text
    assert _counts(db) == before


def test_shared_sip_who_read_my_data_and_withdrawal(client: TestClient, db: Session) -> None:
    e = plan_env(db)
    db.commit()
    body = content(e, sip=sip_section(e))
    plan, etag = _create(client, e, kind="sip", content=body)
    url = f"/api/careplans/{plan['id']}"
    r = client.get(url, headers=e.municipal.headers)
    assert r.status_code == 200 and r.json()["kind"] == "sip"
    # the invited municipal unit was told through the outbox, without the patient's name
    from naravard.notifications.models import Notification

    told = db.scalars(select(Notification).where(Notification.to_unit_id == e.home_care.id)).all()
    assert [n.link for n in told] == [f"/planer/{plan['id']}"]
    assert e.patient.family_name not in told[0].subject + told[0].body
    # the municipal user cannot write (consent gives reading only)
    assert (
        client.put(url, json={"content": body}, headers={**e.municipal.headers, "If-Match": etag}).status_code
        == 403
    )
    log = client.get(f"/api/patients/{e.patient.id}/access-log", headers=e.patient_user.headers)
    assert log.status_code == 200
    reads = [x for x in log.json() if x["action"] == "careplans:plan:read"]
    assert [x["who"] for x in reads] == [e.municipal.user.username]
    assert reads[0]["organization"] == "Testby kommun" and reads[0]["why"].startswith("Your consent")
    # the patient withdraws the consent: access stops at once
    consents = client.get(f"/api/patients/{e.patient.id}/consents", headers=e.patient_user.headers).json()
    cid = next(c["id"] for c in consents if c["organization_id"] == str(e.municipality.id))
    w = client.post(f"/api/patients/{e.patient.id}/consents/{cid}/withdraw", headers=e.patient_user.headers)
    assert w.status_code in (200, 204), w.text
    assert client.get(url, headers=e.municipal.headers).status_code == 403


def test_activity_ref_is_access_checked(db: Session) -> None:
    e = plan_env(db)
    from naravard.careplans.schemas import CreatePlan

    plan = service.create_plan(
        db,
        actor=e.coordinator.actor,
        request=CreatePlan.model_validate({"person_id": e.patient.id, "content": content(e)}),
    )
    activity = plan.content.activities[1]
    ref = service.activity_ref(db, actor=e.coordinator.actor, activity_id=activity.id)
    assert (
        ref.plan_id == plan.id and ref.person_id == e.patient.id and ref.responsible_unit_id == e.home_care.id
    )
    assert ref.coordinator_user_id == e.coordinator.user.id and ref.text == activity.what
    import pytest

    from naravard.errors import Forbidden, NotFound

    with pytest.raises(NotFound):
        service.activity_ref(db, actor=e.coordinator.actor, activity_id=uuid.uuid4())
    other = __import__("tests.factories", fromlist=["user"]).user(
        db, role=e.coordinator.actor.role, at=e.other_hc
    )
    with pytest.raises(Forbidden):
        service.activity_ref(db, actor=other.actor, activity_id=activity.id)
