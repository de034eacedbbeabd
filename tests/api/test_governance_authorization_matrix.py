"""The authorization matrix extended to the governance role and documents, on both databases: governance
officer, member of the body, analyst, unit manager, clinician (not a member), patient x {read a draft
directive, read a published (approved) directive, edit a directive, read the decision log}.

The officer edits; the body's member reads the body's documents, drafts too; analysts and unit managers read
what is published; everyone else is refused, and each refusal is an audit row with outcome denied."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import system_actor
from naravard.audit.models import AuditEvent
from naravard.governance import service
from naravard.governance.schemas import DecisionIn, DirectiveIn
from tests.api.governance_env import gov_env

CASES = ("read_draft", "read_published", "edit", "decision_log")
EXPECTED = {
    "officer": (200, 200, 200, 200),
    "member": (200, 200, 403, 200),
    "analyst": (403, 200, 403, 200),
    "manager": (403, 200, 403, 200),
    "clinician": (403, 403, 403, 403),
    "patient": (403, 403, 403, 403),
}


def test_governance_authorization_matrix(client: TestClient, db: Session) -> None:
    e = gov_env(db)
    sys = system_actor()

    def directive(title: str) -> uuid.UUID:
        data = DirectiveIn(body_id=e.body.id, title=title, owner="PO", external_ref="RS 2021/1")
        return service.create_directive(db, actor=sys, data=data).id

    draft, published = directive("Utkast"), directive("Fastställt")
    service.record_decision(
        db,
        actor=sys,
        data=DecisionIn(
            body_id=e.body.id,
            decided_on=dt.date(2021, 12, 1),
            text="Fastställs",
            kind="directive_approved",
            subject_id=published,
        ),
    )
    db.commit()
    got: dict[str, tuple[int, ...]] = {}
    for name in EXPECTED:
        caller = getattr(e, name)
        h = caller.headers
        statuses = []
        statuses.append(client.get(f"/api/governance/directives/{draft}", headers=h).status_code)
        statuses.append(client.get(f"/api/governance/directives/{published}", headers=h).status_code)
        version = service.get_directive(db, actor=sys, directive_id=draft).version
        db.rollback()
        body = {"body_id": str(e.body.id), "title": f"Ändrat av {name}", "owner": "PO"}
        r = client.put(
            f"/api/governance/directives/{draft}", json=body, headers={**h, "If-Match": f'W/"{version}"'}
        )
        statuses.append(r.status_code)
        statuses.append(client.get("/api/governance/decisions", headers=h).status_code)
        got[name] = tuple(statuses)
        denied = db.scalars(
            select(AuditEvent.outcome).where(
                AuditEvent.username == caller.user.username, AuditEvent.outcome == "denied"
            )
        ).all()
        assert len(denied) == statuses.count(403), name
        db.rollback()
    assert got == EXPECTED
