"""The demo region's coordination (issue 16): tasks between its hospital clinics, hälsocentraler and
municipalities' home health care in every state (new, accepted, declined with a reason, reassigned, done,
overdue), and discharge plans under lag (2017:612) in every state (notice sent, one sent late, utskrivningsklar,
utskrivningsklar for days, accepted by the municipality, discharged with a SIP due, SIP called, closed), with
their histories and the care relationships the notices and tasks give the receiving units.

Ids are uuid5 of fixed names (not the region's id stream), so adding this part moves no other ids."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from naravard.actor import Actor
from naravard.consent import service as consent_service
from naravard.coordination import service as coordination_service
from naravard.synth.region_rows import RegionRows

NS = uuid.UUID("0b7c1e44-55a1-4c53-8d8e-3f6a0c1d2e71")
RECORDED_BY = "demo"

# (state, days since admission, notice hours after admission, ready days before today, accepted, discharged
# days before today, needs continue, SIP days after discharge)
DISCHARGES: list[tuple[str, int, int, int | None, bool, int | None, bool, int | None]] = [
    ("notified", 0, 2, None, False, None, False, None),
    ("notified", 2, 30, None, False, None, False, None),  # the notice later than 24 hours
    ("ready", 4, 3, 0, False, None, False, None),
    ("ready", 9, 5, 5, False, None, False, None),  # utskrivningsklar for five days: payment liability
    ("accepted", 5, 1, None, True, None, False, None),
    ("accepted", 6, 4, 1, True, None, False, None),
    ("discharged", 8, 2, 3, True, 2, True, None),  # SIP due within three days
    ("discharged", 14, 6, 9, True, 7, True, None),  # SIP late
    ("sip_called", 12, 2, 6, True, 5, True, 2),
    ("closed", 10, 1, 5, True, 5, False, None),
    ("closed", 20, 3, 13, True, 12, False, None),
    ("closed", 25, 20, 18, True, 15, False, None),
]
# (status, days until due (negative: overdue), what, why, decline or reassign reason)
TASKS: list[tuple[str, int, str, str, str | None]] = [
    ("new", 3, "Läkemedelsgenomgång i hemmet", "Ny medicinering efter utskrivning", None),
    ("new", -2, "Såromläggning varannan dag", "Operationssår efter höftplastik", None),
    ("accepted", 5, "Blodtryckskontroller en gång i veckan", "Justerad behandling", None),
    (
        "declined",
        2,
        "Hjälp med dusch",
        "Nedsatt rörlighet",
        "Biståndsbedömd insats: gå via biståndshandläggare",
    ),
    ("reassigned", 4, "Uppföljning av nutrition", "Viktnedgång", "Dietist vid hälsocentralen tar detta"),
    ("done", -1, "Provtagning hemma", "Kontroll av blodvärden", None),
]


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(NS, name)


def _units(rows: RegionRows) -> dict[str, Any]:
    """The demo users' units: the hospital clinic of lakare.medicin.gavle, the hälsocentral of ssk.gavle and
    the home health care of hemsjukvard.gavle (else the first of each kind in Gävle)."""
    units = rows.rows["care_units"]
    by_id = {u["id"]: u for u in units}
    user_unit = {}
    users = {x["id"]: x["username"] for x in rows.rows["users"]}
    for m in rows.rows["memberships"]:
        if m["unit_id"] is not None and m["user_id"] in users:
            user_unit[users[m["user_id"]]] = by_id.get(m["unit_id"])

    def pick(username: str, kind: str) -> Any:
        return user_unit.get(username) or next(
            (u for u in units if u["kind"] == kind and u["municipality_code"] == "2180"), None
        )

    home = {u["municipality_code"]: u for u in units if u["kind"] == "home_health_care"}
    return {
        "hospital": pick("lakare.medicin.gavle", "hospital_clinic"),
        "hc": pick("ssk.gavle", "health_centre"),
        "home": home,
    }


def coordination_rows(rows: RegionRows) -> dict[str, list[dict[str, Any]]]:
    u = _units(rows)
    hospital, hc = u["hospital"], u["hc"]
    home = u["home"].get(hc["municipality_code"]) if hc is not None else None
    out: dict[str, list[dict[str, Any]]] = {
        "tasks": [],
        "task_events": [],
        "discharges": [],
        "discharge_events": [],
        "care_relationships": [],
    }
    if home is None or hospital is None:
        return out
    users = {x["username"]: x["id"] for x in rows.rows["users"]}
    listed = {
        lst["person_id"]
        for lst in rows.rows["listings"]
        if lst["unit_id"] == hc["id"] and lst.get("end_date") is None
    }
    persons = [
        p
        for p in rows.rows["persons"]
        if p["id"] in listed
        and not p["protected_identity"]
        and p["municipality_code"] == hc["municipality_code"]
    ]
    wanted = len(DISCHARGES) + len(TASKS)
    if len(persons) < wanted:
        return out
    persons = persons[:wanted]
    now: datetime = rows.now
    today: date = rows.today
    related: set[tuple[uuid.UUID, uuid.UUID]] = set()

    def relate(person_id: uuid.UUID, unit_id: uuid.UUID, reason: str) -> None:
        if (person_id, unit_id) in related:
            return
        related.add((person_id, unit_id))
        out["care_relationships"].append(
            {
                "id": _id(f"rel:{person_id}:{unit_id}"),
                "person_id": person_id,
                "unit_id": unit_id,
                "reason": reason,
                "started_at": now - timedelta(days=30),
                "ended_at": None,
                "recorded_by": RECORDED_BY,
                "created_at": now - timedelta(days=30),
            }
        )

    for n, (state, days_in, notice_h, ready_ago, accepted, out_ago, needs, sip_after) in enumerate(
        DISCHARGES
    ):
        person = persons[n]
        d_id = _id(f"discharge:{n}")
        admitted = now - timedelta(days=days_in, hours=3)
        ready = today - timedelta(days=ready_ago) if ready_ago is not None else None
        discharged = today - timedelta(days=out_ago) if out_ago is not None else None
        steps: list[tuple[str, str, datetime, str | None]] = [
            ("admit", "notified", admitted + timedelta(hours=notice_h), None)
        ]
        status = "notified"
        if accepted:
            status = "accepted"
            steps.append(
                (
                    "accept",
                    "accepted",
                    admitted + timedelta(hours=notice_h + 20),
                    "Hemsjukvård och trygghetslarm",
                )
            )
        if ready is not None:
            status = "ready" if not accepted or state == "ready" else status
            steps.append(("ready", "ready", datetime.combine(ready, now.timetz()), ready.isoformat()))
        if discharged is not None:
            status = "discharged" if needs else "closed"
            steps.append(
                ("discharge", status, datetime.combine(discharged, now.timetz()), discharged.isoformat())
            )
        sip = (
            discharged + timedelta(days=sip_after)
            if discharged is not None and sip_after is not None
            else None
        )
        if sip is not None:
            status = "sip_called"
            steps.append(
                ("sip", "sip_called", datetime.combine(min(sip, today), now.timetz()), sip.isoformat())
            )
        status = state if state in ("ready", "accepted") else status
        steps.sort(key=lambda s: s[2])
        out["discharges"].append(
            {
                "id": d_id,
                "person_id": person["id"],
                "hospital_unit_id": hospital["id"],
                "municipality_code": person["municipality_code"],
                "municipality_unit_id": home["id"],
                "health_centre_unit_id": hc["id"],
                "sender": "demo-journal",
                "sender_message_id": f"ADM-{n + 1:04d}",
                "admitted_at": admitted,
                "planned": n % 4 == 0,
                "notice_sent_at": admitted + timedelta(hours=notice_h),
                "planned_discharge_date": (admitted + timedelta(days=5)).date(),
                "ready_date": ready,
                "ready_at": datetime.combine(ready, now.timetz()) if ready else None,
                "accepted_at": admitted + timedelta(hours=notice_h + 20) if accepted else None,
                "municipality_provides": "Hemsjukvård och trygghetslarm" if accepted else None,
                "fast_vardkontakt": "Distriktssköterska vid hälsocentralen" if discharged else None,
                "fast_vardkontakt_at": admitted + timedelta(days=1) if discharged else None,
                "discharge_date": discharged,
                "discharged_at": datetime.combine(discharged, now.timetz()) if discharged else None,
                "needs_continue": needs if discharged else None,
                "sip_date": sip,
                "sip_careplan_id": None,
                "status": status,
                "created_at": admitted,
                "updated_at": steps[-1][2],
                "version": len(steps),
            }
        )
        previous: str | None = None
        for v, (step, to, at, detail) in enumerate(steps, start=1):
            out["discharge_events"].append(
                {
                    "id": _id(f"discharge:{n}:{v}"),
                    "discharge_id": d_id,
                    "version": v,
                    "step": step,
                    "from_status": previous,
                    "to_status": to,
                    "detail": detail,
                    "at": at,
                    "by_user_id": None,
                    "by_username": "demo-journal" if step in ("admit", "ready", "discharge") else RECORDED_BY,
                    "by_unit_id": None,
                }
            )
            previous = to
        relate(person["id"], hospital["id"], "coordination:admission")
        relate(person["id"], home["id"], "coordination:discharge_notice")

    sender = users.get("ssk.gavle")
    for n, (status, due_in, what, why, reason) in enumerate(TASKS):
        person = persons[len(DISCHARGES) + n]
        t_id = _id(f"task:{n}")
        created = now - timedelta(days=3)
        to_unit = hc["id"] if status == "reassigned" else home["id"]
        events: list[tuple[str, datetime, Any, str | None]] = [("new", created, home["id"], None)]
        if status in ("accepted", "done"):
            events.append(("accepted", created + timedelta(hours=5), home["id"], None))
        if status == "done":
            events.append(("done", created + timedelta(days=2), home["id"], None))
        if status == "declined":
            events.append(("declined", created + timedelta(hours=4), home["id"], reason))
        if status == "reassigned":
            events.append(("reassigned", created + timedelta(hours=6), hc["id"], reason))
        from_unit = hospital["id"] if status == "reassigned" else hc["id"]
        out["tasks"].append(
            {
                "id": t_id,
                "person_id": person["id"],
                "from_unit_id": from_unit,
                "from_user_id": None if status == "reassigned" else sender,
                "to_unit_id": to_unit,
                "to_practitioner_id": None,
                "what": what,
                "why": why,
                "due_date": today + timedelta(days=due_in),
                "priority": "high" if due_in < 0 else "normal",
                "careplan_id": None,
                "activity_id": None,
                "activity_text": None,
                "coordinator_user_id": None,
                "status": status,
                "status_reason": reason,
                "created_at": created,
                "updated_at": events[-1][1],
                "version": len(events),
            }
        )
        previous = None
        for v, (to, at, unit_id, note) in enumerate(events, start=1):
            out["task_events"].append(
                {
                    "id": _id(f"task:{n}:{v}"),
                    "task_id": t_id,
                    "version": v,
                    "from_status": previous,
                    "to_status": to,
                    "to_unit_id": unit_id,
                    "note": note,
                    "at": at,
                    "by_user_id": None,
                    "by_username": RECORDED_BY,
                    "by_unit_id": None,
                }
            )
            previous = to
        relate(person["id"], from_unit, "coordination:task")
        relate(person["id"], home["id"], "coordination:task")
        relate(person["id"], to_unit, "coordination:task")
    return out


def seed_coordination(session: Session, rows: RegionRows, actor: Actor) -> None:
    """After the users and the access facts: tasks and discharge plans, and the receivers' care relationships."""
    out = coordination_rows(rows)
    consent_service.seed_rows(session, actor=actor, care_relationships=out["care_relationships"])
    coordination_service.seed_rows(
        session,
        actor=actor,
        tasks=out["tasks"],
        task_events=out["task_events"],
        discharges=out["discharges"],
        discharge_events=out["discharge_events"],
    )
