"""Coordination on both databases: tasks between units (state machine, versions, notifications, history) and
discharge planning under lag (2017:612) (steps, deadlines, figures, idempotent admissions, CSV import,
the follow-up's admissions)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard import migrate
from naravard.actor import Role, system_actor
from naravard.audit.models import AuditEvent
from naravard.coordination import service
from naravard.coordination.models import Discharge, Task, TaskEvent
from naravard.coordination.schemas import AdmissionIn, DischargeMessageIn, DischargeStepIn, TaskChange, TaskIn
from naravard.db import make_engine, make_session_factory
from naravard.errors import Conflict, Forbidden, Invalid, PreconditionFailed
from naravard.notifications import service as notifications_service
from tests import factories
from tests.conftest import AUDIT_KEY, require_postgres, temporary_pg_database
from tests.integration.coordination.helpers import World, world


def _task(db: Session, w: World, **kw: object) -> uuid.UUID:
    data = TaskIn(
        person_id=w.patient.id,
        to_unit_id=w.home_care.id,
        what="Läkemedelsgenomgång i hemmet",
        why="Ny medicinering efter utskrivning",
        due_date=date.today() + timedelta(days=3),
        **kw,  # type: ignore[arg-type]
    )
    return service.create_task(db, actor=w.hc_nurse.actor, data=data).id


def test_a_task_goes_new_accepted_done_with_history_and_notifications(db: Session) -> None:
    w = world(db)
    task_id = _task(db, w)
    inbox = notifications_service.inbox(db, actor=w.municipal.actor)
    assert [n.link for n in inbox] == [f"/samordning/uppdrag/{task_id}"]
    assert w.patient.family_name not in inbox[0].subject + inbox[0].body
    # the receiving unit now has the care relationship the policy needs, and sees the task
    worklist = service.worklist(db, actor=w.municipal.actor)
    assert [(i.kind, i.waits_for_us) for i in worklist.items] == [("task_in", True)]
    assert service.waiting_count(db, actor=w.municipal.actor) == 1
    out = service.change_task(
        db, actor=w.municipal.actor, task_id=task_id, change=TaskChange(to="accepted"), base_version=1
    )
    assert (out.status, out.version) == ("accepted", 2)
    out = service.change_task(
        db, actor=w.municipal.actor, task_id=task_id, change=TaskChange(to="done"), base_version=2
    )
    assert out.status == "done"
    seen = service.get_task(db, actor=w.hc_nurse.actor, task_id=task_id)
    assert [(e.from_status, e.to_status, e.by_username) for e in seen.events] == [
        (None, "new", w.hc_nurse.user.username),
        ("new", "accepted", w.municipal.user.username),
        ("accepted", "done", w.municipal.user.username),
    ]
    # the sender is told it is done
    assert any(
        n.subject == "A task you sent is done"
        for n in notifications_service.inbox(db, actor=w.hc_nurse.actor)
    )


def test_an_illegal_transition_is_409_naming_both_states_and_an_old_version_412(db: Session) -> None:
    w = world(db)
    task_id = _task(db, w)
    with pytest.raises(Conflict) as exc:
        service.change_task(
            db, actor=w.municipal.actor, task_id=task_id, change=TaskChange(to="done"), base_version=1
        )
    assert exc.value.status_code == 409 and "new" in exc.value.message and "done" in exc.value.message
    service.change_task(
        db, actor=w.municipal.actor, task_id=task_id, change=TaskChange(to="accepted"), base_version=1
    )
    with pytest.raises(PreconditionFailed):
        service.change_task(
            db, actor=w.municipal.actor, task_id=task_id, change=TaskChange(to="done"), base_version=1
        )


def test_a_declined_task_needs_a_reason_and_the_sender_sees_it(db: Session) -> None:
    w = world(db)
    task_id = _task(db, w)
    with pytest.raises(Invalid):
        service.change_task(
            db, actor=w.municipal.actor, task_id=task_id, change=TaskChange(to="declined"), base_version=1
        )
    service.change_task(
        db,
        actor=w.municipal.actor,
        task_id=task_id,
        change=TaskChange(to="declined", reason="Patienten har inte insatser från oss"),
        base_version=1,
    )
    seen = service.get_task(db, actor=w.hc_nurse.actor, task_id=task_id)
    assert (seen.status, seen.status_reason) == ("declined", "Patienten har inte insatser från oss")


def test_a_reassigned_task_moves_to_its_new_unit(db: Session) -> None:
    w = world(db)
    task_id = _task(db, w)
    service.change_task(
        db,
        actor=w.municipal.actor,
        task_id=task_id,
        change=TaskChange(to="reassigned", to_unit_id=w.hospital.id, reason="Sjukhusets ansvar"),
        base_version=1,
    )
    assert service.get_task(db, actor=w.nurse.actor, task_id=task_id).to_unit_id == w.hospital.id
    out = service.change_task(
        db, actor=w.nurse.actor, task_id=task_id, change=TaskChange(to="accepted"), base_version=2
    )
    assert out.status == "accepted"
    # the unit it left no longer changes it
    with pytest.raises(Forbidden):
        service.change_task(
            db, actor=w.municipal.actor, task_id=task_id, change=TaskChange(to="done"), base_version=3
        )


def test_a_unit_that_is_no_party_is_refused_and_audited(db: Session) -> None:
    w = world(db)
    task_id = _task(db, w)
    with pytest.raises(Forbidden):
        service.get_task(db, actor=w.other_municipal.actor, task_id=task_id)


def test_overdue_tasks_stand_out(db: Session) -> None:
    w = world(db)
    task_id = _task(db, w)
    db.get(Task, task_id).due_date = date.today() - timedelta(days=1)  # type: ignore[union-attr]
    db.flush()
    items = service.worklist(db, actor=w.municipal.actor).items
    assert items[0].late and items[0].late_reasons == ["task_overdue"]
    assert service.unit_figures(db, unit_id=w.home_care.id).tasks_overdue == 1


def _admit(db: Session, w: World, *, hours_ago: int = 2, message_id: str | None = None) -> uuid.UUID:
    out, created = service.admit(
        db,
        actor=w.nurse.actor,
        data=AdmissionIn(
            person_id=w.patient.id,
            admitted_at=datetime.now(UTC) - timedelta(hours=hours_ago),
            planned_discharge_date=date.today() + timedelta(days=2),
            sender="cosmic",
            message_id=message_id or uuid.uuid4().hex,
        ),
    )
    assert created
    return out.id


def _step(db: Session, actor: factories.LoggedIn, d_id: uuid.UUID, step: str, **kw: object) -> object:
    version = db.get(Discharge, d_id).version  # type: ignore[union-attr]
    return service.record_step(
        db,
        actor=actor.actor,
        discharge_id=d_id,
        step=DischargeStepIn(step=step, **kw),
        base_version=version,  # type: ignore[arg-type]
    )


def test_discharge_planning_from_admission_to_sip(db: Session) -> None:
    w = world(db)
    d_id = _admit(db, w, hours_ago=2)
    db.get(Discharge, d_id).admitted_at -= timedelta(days=2)  # type: ignore[union-attr]
    db.get(Discharge, d_id).notice_sent_at -= timedelta(days=2)  # type: ignore[union-attr]
    d = db.get(Discharge, d_id)
    assert d is not None and (d.municipality_unit_id, d.health_centre_unit_id) == (w.home_care.id, w.hc.id)
    # the notice reaches the municipality and the hälsocentral
    for receiver in (w.municipal, w.hc_nurse):
        assert [n.kind for n in notifications_service.inbox(db, actor=receiver.actor)] == [
            "coordination.discharge_notice"
        ]
    assert service.waiting_count(db, actor=w.municipal.actor) == 1
    ready = date.today() - timedelta(days=1)
    _step(db, w.nurse, d_id, "ready", on=ready)
    _step(db, w.municipal, d_id, "accept", text="Hemsjukvård två gånger dagligen")
    _step(db, w.hc_nurse, d_id, "fast_vardkontakt", text="Distriktssköterska Anna Berg")
    _step(db, w.nurse, d_id, "discharge", on=date.today(), needs_continue=True)
    out = service.get_discharge(db, actor=w.municipal.actor, discharge_id=d_id)
    assert (out.status, out.days_ready_to_discharge, out.late) == ("discharged", 1, [])
    _step(db, w.hc_nurse, d_id, "sip", on=date.today() + timedelta(days=2))
    out = service.get_discharge(db, actor=w.hc_nurse.actor, discharge_id=d_id)
    assert out.status == "sip_called"
    assert [e.step for e in out.events] == [
        "admit",
        "ready",
        "accept",
        "fast_vardkontakt",
        "discharge",
        "sip",
    ]
    figures = service.unit_figures(db, unit_id=w.home_care.id)
    assert (figures.discharges, figures.median_days_ready_to_discharge, figures.share_notices_within_24h) == (
        1,
        1.0,
        1.0,
    )


def test_steps_are_the_right_partys_and_in_order(db: Session) -> None:
    w = world(db)
    d_id = _admit(db, w)
    with pytest.raises(Conflict):  # the municipality does not discharge
        _step(db, w.municipal, d_id, "discharge", on=date.today())
    _step(db, w.nurse, d_id, "discharge", on=date.today())
    with pytest.raises(Conflict) as exc:  # closed (no continued needs): no acceptance after discharge
        _step(db, w.municipal, d_id, "accept", text="Hemtjänst")
    assert "closed" in exc.value.message and "accepted" in exc.value.message
    with pytest.raises(Forbidden):  # another municipality never sees the notice
        service.get_discharge(db, actor=w.other_municipal.actor, discharge_id=d_id)


def test_missed_deadlines_stand_out(db: Session) -> None:
    w = world(db)
    d_id = _admit(db, w, hours_ago=30)
    d = db.get(Discharge, d_id)
    assert d is not None
    d.notice_sent_at = d.admitted_at + timedelta(hours=30)
    db.flush()
    _step(db, w.nurse, d_id, "ready", on=date.today() - timedelta(days=1))
    d.ready_date = date.today() - timedelta(days=5)
    db.flush()
    out = service.get_discharge(db, actor=w.nurse.actor, discharge_id=d_id)
    assert out.late == ["notice_24h", "ready_not_discharged"]
    assert service.unit_figures(db, unit_id=w.hospital.id).share_notices_within_24h == 0.0


def test_a_municipality_sees_its_residents_notices_only(db: Session) -> None:
    w = world(db)
    _admit(db, w)
    assert len(service.worklist(db, actor=w.municipal.actor).items) == 1
    assert service.worklist(db, actor=w.other_municipal.actor).items == []
    assert service.worklist(db, actor=w.social_worker.actor).items == []


def test_a_repeated_admission_message_changes_nothing(db: Session) -> None:
    w = world(db)
    first = _admit(db, w, message_id="msg-1")
    out, created = service.admit(
        db,
        actor=w.nurse.actor,
        data=AdmissionIn(
            person_id=w.patient.id, admitted_at=datetime.now(UTC), sender="cosmic", message_id="msg-1"
        ),
    )
    assert (out.id, created) == (first, False)
    assert (
        db.scalar(select(func.count()).select_from(Discharge).where(Discharge.sender_message_id == "msg-1"))
        == 1
    )
    # the discharge message, twice: once
    msg = DischargeMessageIn(
        sender="cosmic", admission_message_id="msg-1", discharge_date=date.today(), ready_date=date.today()
    )
    assert service.discharge_message(db, actor=w.nurse.actor, data=msg)[1] is True
    assert service.discharge_message(db, actor=w.nurse.actor, data=msg)[1] is False
    assert (
        db.scalar(select(func.count()).select_from(Discharge).where(Discharge.sender_message_id == "msg-1"))
        == 1
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def committed_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own: the threads commit, and committed audit rows can never be deleted, so they
    must not land in the suite's shared database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'coordination.db'}"
        migrate.upgrade(url)
        yield url
        return
    require_postgres()
    with temporary_pg_database("naravard_coordination") as url:
        migrate.upgrade(url)
        yield url


def test_the_same_admission_twice_at_once_gives_one(committed_url: str) -> None:
    """Two requests with one message id in two threads, each in its own committed transaction."""
    engine = make_engine(committed_url)
    factory = make_session_factory(engine, audit_key=AUDIT_KEY)
    with factory() as setup:
        w = world(setup)
        setup.commit()
        nurse, patient_id = w.nurse.actor, w.patient.id
    message_id = f"race-{uuid.uuid4().hex}"
    barrier = threading.Barrier(2)
    results: list[tuple[uuid.UUID, bool]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            with factory() as session:
                barrier.wait(timeout=10)
                out, created = service.admit(
                    session,
                    actor=nurse,
                    data=AdmissionIn(
                        person_id=patient_id,
                        admitted_at=datetime.now(UTC),
                        sender="cosmic",
                        message_id=message_id,
                    ),
                )
                session.commit()
                results.append((out.id, created))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len({r[0] for r in results}) == 1 and sorted(r[1] for r in results) == [False, True]
    with factory() as check:
        assert (
            check.scalar(
                select(func.count()).select_from(Discharge).where(Discharge.sender_message_id == message_id)
            )
            == 1
        )


def _csv_rows(w: World, **over: str) -> list[dict[str, str]]:
    row = {
        "sender": "cosmic",
        "message_id": uuid.uuid4().hex,
        "personnummer": w.patient.identifier,
        "hospital_unit_hsa_id": w.hospital.hsa_id,
        "admitted_at": (datetime.now(UTC) - timedelta(days=4)).isoformat(),
        "planned_discharge_date": "",
        "utskrivningsklar_date": (date.today() - timedelta(days=2)).isoformat(),
        "discharge_date": date.today().isoformat(),
        "needs_continue": "nej",
        "planned": "nej",
    }
    row.update(over)
    return [row]


def test_csv_import_with_a_bad_row_imports_nothing(db: Session) -> None:
    w = world(db)
    rows = _csv_rows(w) + _csv_rows(w, discharge_date="igår") + _csv_rows(w, personnummer="191212121212")
    report = service.import_admissions(db, actor=system_actor("t"), rows=rows)
    assert report.imported == 0
    assert {(p.line, p.column) for p in report.problems} == {(3, "discharge_date"), (4, "personnummer")}
    assert (
        db.scalar(select(func.count()).select_from(Discharge).where(Discharge.person_id == w.patient.id)) == 0
    )


def test_csv_import_is_idempotent_and_feeds_the_follow_up(db: Session) -> None:
    w = world(db)
    rows = _csv_rows(w)
    assert service.import_admissions(db, actor=system_actor("t"), rows=rows).imported == 1
    again = service.import_admissions(db, actor=system_actor("t"), rows=rows)
    assert (again.imported, again.unchanged) == (0, 1)
    d = db.scalars(select(Discharge).where(Discharge.person_id == w.patient.id)).one()
    assert (d.status, d.ready_date, d.discharge_date) == (
        "closed",
        date.today() - timedelta(days=2),
        date.today(),
    )
    exported = [
        r
        for r in service.export_admissions(
            db, actor=system_actor("extract"), pseudonym=lambda u: u.int % 1000003
        )
        if r.admission_id == d.id.int % 1000003
    ]
    assert [(r.utskrivningsklar_date, r.discharge_date, r.planned) for r in exported] == [
        (date.today() - timedelta(days=2), date.today(), False)
    ]
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "coordination:admission:export")
        )
        >= 1
    )
    assert db.scalar(select(func.count()).select_from(TaskEvent).where(TaskEvent.task_id.is_(None))) == 0
    with pytest.raises(Forbidden):
        service.export_admissions(db, actor=w.nurse.actor, pseudonym=lambda u: 1)
    assert w.nurse.actor.role is Role.CLINICIAN
