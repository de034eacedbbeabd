"""The shared outbox on both databases: notify in the caller's transaction, the inbox of a user and their
unit, mark read, delivery through a channel (the demo's directory) with failures counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.errors import Forbidden, Invalid
from naravard.notifications import service
from naravard.notifications.models import Notification
from naravard.notifications.schemas import NotificationView
from tests import factories


class Broken:
    def send(self, notification: NotificationView) -> None:
        raise OSError("the mail relay is down")


def test_notify_inbox_read_and_deliver(db: Session, tmp_path: Path) -> None:
    org = factories.organization(db)
    unit = factories.unit(db, org)
    other = factories.unit(db, org, name="Annan hälsocentral")
    nurse = factories.user(db, role=Role.CLINICIAN, at=unit)
    stranger = factories.user(db, role=Role.CLINICIAN, at=other)
    to_unit = service.notify(
        db,
        actor=nurse.actor,
        kind="test",
        subject="Nytt uppdrag",
        body="Från A",
        to_unit_id=unit.id,
        link="/x",
    )
    to_user = service.notify(
        db, actor=nurse.actor, kind="test", subject="Till dig", body="B", to_user_id=nurse.user.id
    )
    assert {n.id for n in service.inbox(db, actor=nurse.actor)} == {to_unit, to_user}
    assert service.inbox(db, actor=stranger.actor) == []
    assert service.unread_count(db, actor=nurse.actor) == 2
    with pytest.raises(Forbidden):
        service.mark_read(db, actor=stranger.actor, notification_id=to_unit)
    assert service.mark_read(db, actor=nurse.actor, notification_id=to_unit).read_at is not None
    assert service.unread_count(db, actor=nurse.actor) == 1
    with pytest.raises(Invalid):
        service.notify(
            db, actor=nurse.actor, kind="t", subject="Om 19121212-1212", body="x", to_unit_id=unit.id
        )
    with pytest.raises(Invalid):
        service.notify(db, actor=nurse.actor, kind="t", subject="s", body="x")

    broken = service.deliver_pending(db, channel=Broken())
    assert broken.delivered == 0 and broken.failed >= 2
    assert db.get(Notification, to_unit).attempts == 1  # type: ignore[union-attr]
    report = service.deliver_pending(db, channel=service.DirectoryChannel(tmp_path))
    assert report.delivered >= 2
    payload = json.loads((tmp_path / f"{to_unit}.json").read_text())
    assert (payload["subject"], payload["link"]) == ("Nytt uppdrag", "/x")
    assert service.deliver_pending(db, channel=service.DirectoryChannel(tmp_path)).delivered == 0


def test_a_notification_is_rolled_back_with_its_transaction(db: Session) -> None:
    org = factories.organization(db)
    unit = factories.unit(db, org)
    nurse = factories.user(db, role=Role.CLINICIAN, at=unit)
    savepoint = db.begin_nested()
    service.notify(db, actor=nurse.actor, kind="t", subject="s", body="b", to_unit_id=unit.id)
    savepoint.rollback()
    assert service.inbox(db, actor=nurse.actor) == []
