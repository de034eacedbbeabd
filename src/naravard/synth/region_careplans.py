"""The demo region's care plans (issue 15): Patientkontrakt and SIP at the demo hälsocentral, coordinated by
the demo nurse (ssk.gavle), in every state of the lifecycle, with patient-written goals, a timeline and
participants; a SIP shared with the municipality's home health care (hemsjukvard.gavle) under the patient's
consent; one proposed plan waiting longer than 14 days and a SIP without a main responsible party, so the
worklist has something to show.

Ids are uuid5 of fixed names (not the region's id stream), so adding this part moves no other ids."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from naravard.actor import Actor
from naravard.careplans import service as careplans_service
from naravard.synth.region_rows import RegionRows

NS = uuid.UUID("2b7e0f4c-8d61-4a57-9a0e-5c3f1d2e9b40")

Row = dict[str, Any]


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(NS, name)


def _stmt(key: str, text: str, author: str = "staff") -> Row:
    return {"id": str(_id(key)), "text": text, "author": author, "target_date": None}


def _content(
    key: str, *, hc: uuid.UUID, home: uuid.UUID | None, today: date, patient_goal: bool, **extra: Any
) -> Row:
    participants = [
        {
            "kind": "staff",
            "name": "Fast vårdkontakt",
            "unit_id": str(hc),
            "role": "sjuksköterska",
            "responsibility": "samordnar planen",
        }
    ]
    activities = [
        {
            "id": str(_id(f"{key}:a1")),
            "what": "Läkemedelsgenomgång",
            "unit_id": str(hc),
            "practitioner_id": None,
            "by_name": None,
            "frequency": "en gång",
            "start_date": str(today - timedelta(days=10)),
            "end_date": None,
            "status": "ongoing",
        },
    ]
    if home is not None:
        participants.append(
            {
                "kind": "staff",
                "name": "Distriktssköterska i hemsjukvården",
                "unit_id": str(home),
                "role": "distriktssköterska",
                "responsibility": "såromläggning i hemmet",
            }
        )
        activities.append(
            {
                "id": str(_id(f"{key}:a2")),
                "what": "Såromläggning i hemmet",
                "unit_id": str(home),
                "practitioner_id": None,
                "by_name": None,
                "frequency": "två gånger i veckan",
                "start_date": str(today - timedelta(days=5)),
                "end_date": None,
                "status": "ongoing",
            }
        )
    goals = [_stmt(f"{key}:g1", "Klara att duscha själv")]
    if patient_goal:
        goals.append(_stmt(f"{key}:g2", "Orka gå till affären och köpa tidningen", "patient"))
    content: Row = {
        "matters": [
            _stmt(f"{key}:m1", "Att få bo kvar hemma med min katt", "patient" if patient_goal else "staff")
        ],
        "goals": goals,
        "needs": [{"id": str(_id(f"{key}:n1")), "text": "Hjälp med läkemedel"}],
        "activities": activities,
        "timeline": [
            {
                "id": str(_id(f"{key}:t1")),
                "on": str(today + timedelta(days=9)),
                "what": "Återbesök hos fast vårdkontakt",
                "unit_id": str(hc),
            }
        ],
        "participants": participants,
        "sip": None,
        "agreement": None,
        "follow_up_date": str(today + timedelta(days=60)),
    }
    content.update(extra)
    return content


def _demo_units(rows: RegionRows) -> tuple[Row, uuid.UUID, uuid.UUID, uuid.UUID] | None:
    """The coordinator (ssk.gavle), their hälsocentral, the home health care of hemsjukvard.gavle and its
    municipality; None when the demo users are not there."""
    users = {u["username"]: u for u in rows.rows["users"]}
    unit_of = {m["user_id"]: m["unit_id"] for m in rows.rows["memberships"]}
    coordinator, municipal = users.get("ssk.gavle"), users.get("hemsjukvard.gavle")
    if coordinator is None or municipal is None:
        return None
    hc, home = unit_of[coordinator["id"]], unit_of[municipal["id"]]
    municipality = next(u["organization_id"] for u in rows.rows["care_units"] if u["id"] == home)
    return coordinator, hc, home, municipality


def _people(rows: RegionRows, hc: uuid.UUID) -> list[uuid.UUID]:
    """The demo patients first, then others listed at the hälsocentral without a protected identity."""
    users = {u["username"]: u for u in rows.rows["users"]}
    protected = {p["id"] for p in rows.rows["persons"] if p["protected_identity"]}
    patients = [users[n]["person_id"] for n in ("patient1", "patient2") if n in users]
    listed = [x["person_id"] for x in rows.rows["listings"] if x["unit_id"] == hc and x["end_date"] is None]
    others = [p for p in dict.fromkeys(listed) if p not in protected and p not in patients]
    return patients + others[: 8 - len(patients)]


def _blocked(rows: RegionRows) -> set[uuid.UUID]:
    return {b["person_id"] for b in rows.rows["blocks"] if b["lifted_at"] is None}


def _shared_person(rows: RegionRows, people: list[uuid.UUID], municipality: uuid.UUID) -> uuid.UUID | None:
    """The first of `people` consenting to the municipality and not blocked: the shared SIP's patient."""
    given = {
        (c["person_id"], c["organization_id"]) for c in rows.rows["consents"] if c["withdrawn_at"] is None
    }
    blocked = _blocked(rows)
    return next((p for p in people if (p, municipality) in given and p not in blocked), None)


def add_careplan_consent(rows: RegionRows) -> None:
    """When no patient of the demo hälsocentral has consented to the municipality, the first demo patient
    does (in writing, for the SIP), with a uuid5 id so no other id moves."""
    demo = _demo_units(rows)
    if demo is None:
        return
    _, hc, _, municipality = demo
    people = _people(rows, hc)
    if not people or _shared_person(rows, people, municipality) is not None:
        return
    blocked = _blocked(rows)
    person = next((p for p in people if p not in blocked), people[0])
    rows.rows["consents"].append(
        {
            "id": _id(f"consent:{person}"),
            "person_id": person,
            "organization_id": municipality,
            "given_at": rows.now - timedelta(days=30),
            "valid_until": None,
            "withdrawn_at": None,
            "recorded_by": "demo",
            "note": "Samtycke inför SIP",
            "method": "written",
            "given_by": "patient",
            "reviewed_at": rows.now - timedelta(days=27),
            "reviewed_by": "demo",
        }
    )


def careplan_rows(rows: RegionRows) -> dict[str, list[Row]]:
    """The plans and their versions, as the models take them."""
    out: dict[str, list[Row]] = {"care_plans": [], "care_plan_versions": []}
    demo = _demo_units(rows)
    if demo is None:
        return out
    coordinator, hc, home, municipality = demo
    people = _people(rows, hc)
    today, now = rows.today, rows.now

    def plan(
        n: int,
        person: uuid.UUID,
        kind: str,
        states: list[str],
        *,
        home_unit: uuid.UUID | None,
        patient_goal: bool,
        created_days_ago: int,
        sip: Row | None = None,
        closed_reason: str | None = None,
    ) -> None:
        key = f"plan{n}"
        plan_id = _id(key)
        created = now - timedelta(days=created_days_ago)
        step = timedelta(days=max(1, created_days_ago // max(1, len(states))))
        at: dict[str, datetime | None] = {"proposed_at": None, "agreed_at": None, "closed_at": None}
        content = _content(key, hc=hc, home=home_unit, today=today, patient_goal=patient_goal, sip=sip)
        for i, state in enumerate(states, start=1):
            when = created + step * (i - 1)
            if state == "proposed":
                at["proposed_at"] = when
            if state == "agreed":
                at["agreed_at"] = when
                content = {
                    **content,
                    "agreement": {
                        "method": "in_person" if n % 2 else "digital",
                        "on": str(when.date()),
                        "note": None,
                    },
                }
            if state == "closed":
                at["closed_at"] = when
            out["care_plan_versions"].append(
                {
                    "id": _id(f"{key}:v{i}"),
                    "plan_id": plan_id,
                    "version_no": i,
                    "state": state,
                    "content": json.dumps(content, sort_keys=True, ensure_ascii=False),
                    "saved_by": "ssk.gavle",
                    "saved_by_role": "clinician",
                    "note": "created" if i == 1 else f"{states[i - 2]} -> {state}",
                    "created_at": when,
                }
            )
        follow = (sip or {}).get("follow_up_date") or content["follow_up_date"]
        out["care_plans"].append(
            {
                "id": plan_id,
                "person_id": person,
                "kind": kind,
                "state": states[-1],
                "unit_id": hc,
                "coordinator_user_id": coordinator["id"],
                "coordinator_practitioner_id": coordinator["practitioner_id"],
                "current_version_no": len(states),
                "created_at": created,
                "updated_at": created + step * (len(states) - 1),
                **at,
                "closed_reason": closed_reason,
                "follow_up_date": date.fromisoformat(follow) if follow else None,
            }
        )

    if not people:
        return out
    # the SIP shared between the hälsocentral and the municipality's home health care, with consent
    shared = _shared_person(rows, people, municipality) or people[0]
    sip = {
        "called_by_unit_id": str(hc),
        "called_by_name": "Fast vårdkontakt",
        "called_on": str(today - timedelta(days=40)),
        "patient_consent": True,
        "patient_consent_on": str(today - timedelta(days=40)),
        "invitations": [{"unit_id": str(home), "invited_on": str(today - timedelta(days=40))}],
        "meetings": [
            {
                "id": str(_id("sip1:m1")),
                "on": str(today - timedelta(days=30)),
                "attendees": ["Patienten", "Fast vårdkontakt", "Distriktssköterska"],
                "patient_attended": True,
            }
        ],
        "needs_mapping": [
            {"need": "Såromläggning", "unit_id": str(home)},
            {"need": "Läkemedel", "unit_id": str(hc)},
        ],
        "main_responsible_unit_id": str(hc),
        "follow_up_date": str(today + timedelta(days=50)),
        "evaluation": None,
    }
    plan(
        1,
        shared,
        "sip",
        ["draft", "proposed", "agreed", "active"],
        home_unit=home,
        patient_goal=True,
        created_days_ago=45,
        sip=sip,
    )
    # The other plans, most needed first; a person holds at most one open plan of each kind (closed ones
    # do not count), so a small region gets the states that matter and leaves the rest out.
    open_kinds: dict[uuid.UUID, set[str]] = {shared: {"sip"}}
    rest = [p for p in people if p != shared] + [shared]
    late = {
        **sip,
        "main_responsible_unit_id": None,
        "invitations": [],
        "meetings": [],
        "needs_mapping": [],
        "follow_up_date": str(today - timedelta(days=3)),
        "called_on": str(today - timedelta(days=20)),
        "patient_consent_on": str(today - timedelta(days=20)),
    }
    agreed, active = ["draft", "proposed", "agreed"], ["draft", "proposed", "agreed", "active"]
    specs: list[tuple[str, list[str], bool, int, str | None, Row | None]] = [
        ("patientkontrakt", ["draft", "proposed"], False, 25, None, None),  # proposed > 14 days ago
        ("patientkontrakt", [*active, "revised"], True, 120, None, None),
        ("patientkontrakt", agreed, True, 20, None, None),
        ("patientkontrakt", ["draft"], False, 2, None, None),
        ("patientkontrakt", [*active, "closed"], False, 200, "Patienten har flyttat", None),
        ("sip", ["draft", "proposed"], False, 10, None, late),  # no main party, follow-up passed
        ("patientkontrakt", active, True, 90, None, None),
    ]
    for n, (kind, states, goal, days, reason, sip_part) in enumerate(specs, start=2):
        closing = states[-1] == "closed"
        person = next((p for p in rest if closing or kind not in open_kinds.get(p, set())), None)
        if person is None:
            continue
        if not closing:
            open_kinds.setdefault(person, set()).add(kind)
        plan(
            n,
            person,
            kind,
            states,
            home_unit=None,
            patient_goal=goal,
            created_days_ago=days,
            sip=sip_part,
            closed_reason=reason,
        )
    return out


def seed_careplans(session: Session, rows: RegionRows, actor: Actor) -> None:
    """After the users and the consents: the plans point at both."""
    careplans_service.seed_rows(session, actor=actor, **careplan_rows(rows))
