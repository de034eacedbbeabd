"""The unit's page and proposal on both databases: the population with need reasons, the proposal with its
expected effect, a confirmation in one transaction, and two managers confirming overlapping proposals at the
same time (the second gets a conflict, nothing of it is applied)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard import migrate
from naravard.actor import Role
from naravard.contacts import service
from naravard.contacts.continuity import FixedVisits
from naravard.contacts.models import FixedContact
from naravard.contacts.schemas import AssignRequest, ConfirmRow, UnitSettings
from naravard.db import make_engine, make_session_factory, transaction
from naravard.errors import BusinessRule, Conflict, Forbidden
from tests import factories
from tests.conftest import AUDIT_KEY, require_postgres, temporary_pg_database
from tests.integration.contacts.helpers import env


def test_the_unit_page_shows_lists_needs_and_figures(db: Session) -> None:
    e = env(db, patients=2)
    old = factories.person(db, listed_at=e.hc, birth=date(1935, 3, 1))
    factories.relationship(db, e.patients[0], e.home_care)
    service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=AssignRequest(
            person_id=e.patients[1].id, kind="doctor", practitioner_id=e.doctors[0].id, reason="need"
        ),
    )
    visits = FixedVisits({}, contacts={e.patients[1].id: 12})
    page = service.unit_overview(db, actor=e.manager.actor, unit_id=e.hc.id, continuity=visits)
    assert page.figures.listed == 3 and page.figures.with_doctor == 1
    lacking = {r.person_id for r in page.lacking_doctor}
    assert lacking == {e.patients[0].id, old.id}
    why = {r.person_id: {n.code for n in r.needs} for r in page.needing_care_contact}
    assert why[old.id] >= {"age"} and "home_health_care" in why[e.patients[0].id]
    assert "contacts" in why[e.patients[1].id]
    doctor0 = next(d for d in page.lists if d.practitioner_id == e.doctors[0].id)
    assert doctor0.listed == 1 and doctor0.capacity == 1500
    with pytest.raises(Forbidden):
        service.unit_overview(db, actor=e.other_manager.actor, unit_id=e.hc.id)


def test_propose_prefers_the_most_seen_doctor_and_confirm_assigns_all(db: Session) -> None:
    e = env(db, patients=4)
    a, b = e.doctors
    visits = FixedVisits({e.patients[0].id: {b.id: 5, a.id: 1}, e.patients[1].id: {a.id: 3}})
    proposal = service.propose_for_unit(db, actor=e.manager.actor, unit_id=e.hc.id, continuity=visits)
    by = {r.person_id: r for r in proposal.rows}
    assert by[e.patients[0].id].practitioner_id == b.id and by[e.patients[1].id].practitioner_id == a.id
    assert proposal.effect.with_doctor_before == 0 and proposal.effect.with_doctor_after == 4
    assert proposal.effect.visits_with_fixed_after == 8 and proposal.effect.doctor_visits == 9
    rows = [
        ConfirmRow(person_id=r.person_id, practitioner_id=r.practitioner_id)
        for r in proposal.rows
        if r.practitioner_id
    ]
    rows[2] = ConfirmRow(person_id=rows[2].person_id, practitioner_id=a.id)  # the manager changes one row
    result = service.confirm_proposal(db, actor=e.manager.actor, unit_id=e.hc.id, rows=rows)
    assert result.assigned == 4 and result.notices == 4
    again = service.propose_for_unit(db, actor=e.manager.actor, unit_id=e.hc.id, continuity=visits)
    assert again.rows == [] and again.effect.with_doctor_before == 4


def test_a_household_is_kept_together(db: Session) -> None:
    e = env(db, patients=3)
    a, b = e.doctors
    for p in e.patients[:2]:
        p.address = "Gemensamma gatan 3"
    db.flush()
    service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=AssignRequest(person_id=e.patients[0].id, kind="doctor", practitioner_id=b.id, reason="need"),
    )
    proposal = service.propose_for_unit(
        db, actor=e.manager.actor, unit_id=e.hc.id, continuity=FixedVisits({e.patients[1].id: {a.id: 1}})
    )
    by = {r.person_id: r for r in proposal.rows}
    assert by[e.patients[1].id].practitioner_id == b.id and by[e.patients[1].id].household


def test_confirm_is_all_or_nothing(db: Session) -> None:
    e = env(db, patients=3)
    rows = [ConfirmRow(person_id=p.id, practitioner_id=e.doctors[0].id) for p in e.patients]
    bad = [*rows[:2], ConfirmRow(person_id=e.patients[2].id, practitioner_id=e.other_doctor.id)]
    with pytest.raises(BusinessRule, match="fixed_doctor_at_listing_unit"):
        service.confirm_proposal(db, actor=e.manager.actor, unit_id=e.hc.id, rows=bad)
    service.update_unit_settings(
        db, actor=e.manager.actor, unit_id=e.hc.id, settings=UnitSettings(capacity_per_fte=50)
    )
    service.set_doctor_fte(
        db, actor=e.manager.actor, unit_id=e.hc.id, practitioner_id=e.doctors[0].id, percent=4
    )
    with pytest.raises(BusinessRule, match="doctor_list_full"):
        service.confirm_proposal(db, actor=e.manager.actor, unit_id=e.hc.id, rows=rows)
    assert db.scalar(select(func.count()).select_from(FixedContact)) == 0


# --- Concurrency: real transactions on a database of their own ---------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def committed_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'concurrent.db'}"
        migrate.upgrade(url)
        yield url
        return
    require_postgres()
    with temporary_pg_database("naravard_contacts") as url:
        migrate.upgrade(url)
        yield url


class SlowNotifier:
    """Holds the first confirmation's transaction open after its rows are written, so the second runs into it."""

    def __init__(self) -> None:
        from naravard.contacts.notices import OutboxNotifier

        self.inner = OutboxNotifier()
        self.slept = False

    def notify(self, session, *, contact, event, by):  # type: ignore[no-untyped-def]
        if not self.slept:
            self.slept = True
            time.sleep(0.8)
        return self.inner.notify(session, contact=contact, event=event, by=by)


def test_two_managers_confirming_overlapping_proposals(committed_url: str) -> None:
    engine = make_engine(committed_url)
    factory = make_session_factory(engine, audit_key=AUDIT_KEY)
    with transaction(factory) as db:
        e = env(db, patients=3)
        second = factories.user(db, role=Role.UNIT_MANAGER, at=e.hc)
        unit, people, (a, b) = e.hc.id, [p.id for p in e.patients], [d.id for d in e.doctors]
        first_actor = e.manager.actor
    rows_1 = [
        ConfirmRow(person_id=people[0], practitioner_id=a),
        ConfirmRow(person_id=people[1], practitioner_id=a),
    ]
    rows_2 = [
        ConfirmRow(person_id=people[1], practitioner_id=b),
        ConfirmRow(person_id=people[2], practitioner_id=b),
    ]
    outcome: dict[str, object] = {}

    def confirm(name: str, actor, rows, notifier=None, delay: float = 0.0) -> None:  # type: ignore[no-untyped-def]
        time.sleep(delay)
        try:
            with transaction(factory) as s:
                outcome[name] = service.confirm_proposal(
                    s, actor=actor, unit_id=unit, rows=rows, notifier=notifier
                )
        except Exception as exc:
            outcome[name] = exc

    threads = [
        threading.Thread(target=confirm, args=("first", first_actor, rows_1, SlowNotifier())),
        threading.Thread(target=confirm, args=("second", second.actor, rows_2, None, 0.3)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert not isinstance(outcome["first"], Exception), outcome["first"]
        assert isinstance(outcome["second"], Conflict), outcome["second"]
        assert "nothing was assigned" in str(outcome["second"])
        with transaction(factory) as s:
            active = dict(
                s.execute(
                    select(FixedContact.person_id, FixedContact.practitioner_id).where(
                        FixedContact.valid_to.is_(None)
                    )
                ).all()
            )
        assert active == {people[0]: a, people[1]: a}  # nothing of the second is applied
    finally:
        engine.dispose()


def test_unknown_unit_rows_and_empty_proposal(db: Session) -> None:
    e = env(db, patients=1)
    from naravard.errors import Invalid

    with pytest.raises(Invalid):
        service.confirm_proposal(db, actor=e.manager.actor, unit_id=e.hc.id, rows=[])
    stranger = factories.person(db, listed_at=e.other_hc)
    with pytest.raises(BusinessRule, match="fixed_doctor_needs_listing"):
        service.confirm_proposal(
            db,
            actor=e.manager.actor,
            unit_id=e.hc.id,
            rows=[ConfirmRow(person_id=stranger.id, practitioner_id=e.doctors[0].id)],
        )
    assert uuid and timedelta  # imported for readers of the helpers
