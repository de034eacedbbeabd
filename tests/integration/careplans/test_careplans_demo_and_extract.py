"""The demo region has plans in every state, among them a SIP shared between the hälsocentral and the
municipality's home health care under the patient's consent; `followup extract` writes the lake's
`contracts` and `sip_meetings` from the platform's plans (P_GOALS, P_AGREED, P_SIP count what users did)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.accounts.models import Membership, User
from naravard.actor import DEFAULT_PURPOSE, Actor, CareDomain, Purpose, Role, system_actor
from naravard.careplans import service
from naravard.careplans.models import CarePlan
from naravard.careplans.schemas import CreatePlan
from naravard.followup.lake.extract import extract, pseudonym
from naravard.organizations.models import CareUnit
from naravard.synth.region import create_demo_region
from tests.integration.careplans.helpers import content, plan_env, sip_section

KEY = b"pseudonym-key-for-tests-0123456789"


def _actor(db: Session, username: str) -> Actor:
    user = db.scalars(select(User).where(User.username == username)).one()
    m = db.scalars(select(Membership).where(Membership.user_id == user.id)).one()
    unit = db.get(CareUnit, m.unit_id)
    assert unit is not None
    role = Role(m.role)
    return Actor(
        user_id=user.id,
        username=user.username,
        role=role,
        unit_id=unit.id,
        organization_id=unit.organization_id,
        purpose=DEFAULT_PURPOSE[role],
        care_domain=CareDomain.HEALTH,
    )


def test_demo_region_has_plans_in_every_state_and_a_shared_sip(db: Session) -> None:
    create_demo_region(
        db, persons=60, seed=1, demo_password_hash="x", today=date(2026, 11, 2), actor=system_actor("demo")
    )
    plans = list(db.scalars(select(CarePlan)))
    assert {p.state for p in plans} == {"draft", "proposed", "agreed", "active", "revised", "closed"}
    nurse, municipal = _actor(db, "ssk.gavle"), _actor(db, "hemsjukvard.gavle")
    sips = [p for p in plans if p.kind == "sip"]
    shared = [p for p in sips if p.state == "active"]
    assert len(shared) == 1
    read = service.get_plan(db, actor=municipal, plan_id=shared[0].id)
    assert read.content.sip is not None and read.content.sip.patient_consent
    items = service.worklist(db, actor=nurse)
    attention = {a for i in items for a in i.attention}
    assert {"proposed_not_agreed", "sip_without_main_party", "follow_up_passed"} <= attention
    figures = service.figures(db, actor=nurse)
    assert figures.plans == len(plans) - 1 and figures.sip_patient_attended_share is not None


def test_extract_writes_contracts_and_sip_meetings(db: Session, tmp_path: Path) -> None:
    e = plan_env(db)
    body = content(e, sip=sip_section(e))
    body["goals"].append({"text": "Eget mål"})
    plan = service.create_plan(
        db,
        actor=e.coordinator.actor,
        request=CreatePlan.model_validate({"person_id": e.patient.id, "kind": "sip", "content": body}),
    )
    extract(
        db,
        actor=system_actor("x").with_purpose(Purpose.FOLLOWUP),
        out_dir=tmp_path / "lake",
        key=KEY,
        note=None,
    )
    contracts = pq.read_table(tmp_path / "lake" / "contracts").to_pylist()
    meetings = pq.read_table(tmp_path / "lake" / "sip_meetings").to_pylist()
    mine = [c for c in contracts if c["contract_id"] == pseudonym(KEY, plan.id)]
    assert len(mine) == 1
    assert mine[0]["person_id"] == pseudonym(KEY, e.patient.id) and mine[0]["unit_id"] == pseudonym(
        KEY, e.hc.id
    )
    assert mine[0]["total_goals"] == 2 and mine[0]["patient_goals"] == 0 and mine[0]["agreed_date"] is None
    assert [m["patient_attended"] for m in meetings if m["person_id"] == pseudonym(KEY, e.patient.id)] == [
        True
    ]
