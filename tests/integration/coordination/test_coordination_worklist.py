"""The worklist read in SQL (issue 16, gap 1): filters, the late-first order, paging, counts, the patient
filter (personnummer exactly or a name prefix), one audit row per read, and the municipality's roll-up."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from naravard.audit.models import AuditEvent
from naravard.coordination import service
from naravard.coordination.models import Task
from naravard.coordination.schemas import TaskIn
from tests.integration.coordination.helpers import world


def test_worklist_filters_sorts_pages_and_counts_in_the_database(db: Session) -> None:
    w = world(db)
    ids = [
        service.create_task(
            db,
            actor=w.hc_nurse.actor,
            data=TaskIn(
                person_id=w.patient.id,
                to_unit_id=w.home_care.id,
                what=f"Uppdrag {n}",
                why="Efter utskrivning",
                due_date=date.today() + timedelta(days=3 + n),
            ),
        ).id
        for n in range(3)
    ]
    db.execute(update(Task).where(Task.id == ids[2]).values(due_date=date.today() - timedelta(days=1)))
    actor = w.municipal.actor
    audits_before = db.scalar(select(func.count()).select_from(AuditEvent)) or 0

    first = service.worklist(db, actor=actor, flt=service.WorklistFilter(limit=2))
    assert (first.total, first.shown, first.waiting, first.late) == (3, 2, 3, 1)
    assert [i.id for i in first.items] == [ids[2], ids[0]]  # the late one first, then by due date
    assert first.items[0].late_reasons == ["task_overdue"]
    rest = service.worklist(db, actor=actor, flt=service.WorklistFilter(limit=2, offset=2))
    assert [i.id for i in rest.items] == [ids[1]]

    only_late = service.worklist(db, actor=actor, flt=service.WorklistFilter(only_late=True))
    assert [i.id for i in only_late.items] == [ids[2]]
    assert service.worklist(db, actor=actor, flt=service.WorklistFilter(kind="discharge")).total == 0
    assert service.worklist(db, actor=actor, flt=service.WorklistFilter(status="accepted")).total == 0

    by_number = service.worklist(db, actor=actor, flt=service.WorklistFilter(patient=w.patient.identifier))
    assert by_number.total == 3
    by_name = service.worklist(db, actor=actor, flt=service.WorklistFilter(patient=w.patient.given_name[:3]))
    assert by_name.total == 3
    assert service.worklist(db, actor=actor, flt=service.WorklistFilter(patient="Qzx")).total == 0
    # one audit row per read of the list, as before
    assert (db.scalar(select(func.count()).select_from(AuditEvent)) or 0) - audits_before == 8
    assert service.waiting_count(db, actor=actor) == 3


def test_a_municipal_receivers_worklist_has_the_whole_municipalitys_figures(db: Session) -> None:
    w = world(db)
    page = service.worklist(db, actor=w.municipal.actor)
    assert page.municipality_figures is not None
    assert page.municipality_figures.tasks_overdue == 0
    assert service.worklist(db, actor=w.nurse.actor).municipality_figures is None
