"""The coordination API on both databases: versions (ETag / If-Match, 412), an illegal transition (409 naming
both states), a records system's admission and discharge messages (idempotent by the sender's message id)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.integration.coordination.helpers import world


def test_task_versions_and_transitions_over_http(client: TestClient, db: Session) -> None:
    w = world(db)
    db.commit()
    body = {
        "personnummer": w.patient.identifier,
        "to_unit_id": str(w.home_care.id),
        "what": "Insulin",
        "why": "Ny ordination",
        "due_date": (date.today() + timedelta(days=1)).isoformat(),
        "priority": "high",
    }
    created = client.post("/api/coordination/tasks", json=body, headers=w.hc_nurse.headers)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    url = f"/api/coordination/tasks/{created.json()['id']}/status"
    h = w.municipal.headers
    assert client.post(url, json={"to": "accepted"}, headers=h).status_code == 422  # no If-Match
    illegal = client.post(url, json={"to": "done"}, headers={**h, "If-Match": '"1"'})
    assert (
        illegal.status_code == 409
        and "new" in illegal.json()["detail"]
        and "done" in illegal.json()["detail"]
    )
    ok = client.post(url, json={"to": "accepted"}, headers={**h, "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"'
    assert client.post(url, json={"to": "done"}, headers={**h, "If-Match": '"1"'}).status_code == 412
    bad = client.post(url, json={"to": "finished"}, headers={**h, "If-Match": '"2"'})
    assert bad.status_code == 422


def test_admission_and_discharge_messages_are_idempotent(client: TestClient, db: Session) -> None:
    w = world(db)
    db.commit()
    h = w.nurse.headers
    message = {
        "personnummer": w.patient.identifier,
        "admitted_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
        "sender": "cosmic-gavle",
        "message_id": "A-1001",
    }
    first = client.post("/api/coordination/admissions", json=message, headers=h)
    assert first.status_code == 201, first.text
    again = client.post("/api/coordination/admissions", json=message, headers=h)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["version"] == 1
    discharge = {
        "sender": "cosmic-gavle",
        "admission_message_id": "A-1001",
        "ready_date": (date.today() - timedelta(days=1)).isoformat(),
        "discharge_date": date.today().isoformat(),
    }
    one = client.post("/api/coordination/discharge-messages", json=discharge, headers=h)
    assert one.status_code == 200 and one.json()["days_ready_to_discharge"] == 1
    two = client.post("/api/coordination/discharge-messages", json=discharge, headers=h)
    assert two.json()["version"] == one.json()["version"]
    other_date = {**discharge, "discharge_date": (date.today() - timedelta(days=1)).isoformat()}
    assert client.post("/api/coordination/discharge-messages", json=other_date, headers=h).status_code == 409
    figures = client.get("/api/coordination/figures", headers=w.municipal.headers).json()
    assert figures["median_days_ready_to_discharge"] == 1.0
