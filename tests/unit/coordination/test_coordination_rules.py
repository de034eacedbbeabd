"""The coordination rules without a database: the state machines, the law's deadlines, the percentiles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from naravard.coordination import service
from naravard.coordination.models import Discharge, DischargeStatus, TaskStatus


def _discharge(**kw: object) -> Discharge:
    admitted = datetime(2026, 3, 1, 8, tzinfo=UTC)
    values: dict[str, object] = {
        "admitted_at": admitted,
        "notice_sent_at": admitted + timedelta(hours=2),
        "ready_date": None,
        "discharge_date": None,
        "needs_continue": None,
        "sip_date": None,
    }
    values.update(kw)
    return Discharge(**values)


def test_task_state_machine() -> None:
    t = service.TASK_TRANSITIONS
    assert t[TaskStatus.NEW] == {TaskStatus.ACCEPTED, TaskStatus.DECLINED, TaskStatus.REASSIGNED}
    assert TaskStatus.DONE in t[TaskStatus.ACCEPTED] and TaskStatus.DONE not in t[TaskStatus.NEW]
    assert t[TaskStatus.DONE] == t[TaskStatus.DECLINED] == frozenset()


def test_discharge_state_machine() -> None:
    t = service.DISCHARGE_TRANSITIONS
    assert DischargeStatus.SIP_CALLED in t[DischargeStatus.DISCHARGED]
    assert DischargeStatus.ACCEPTED not in t[DischargeStatus.DISCHARGED]
    assert t[DischargeStatus.CLOSED] == frozenset()


def test_the_notice_within_24_hours() -> None:
    today = date(2026, 3, 2)
    assert service._late(_discharge(), today) == []
    late = _discharge(notice_sent_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    assert service._late(late, today) == ["notice_24h"]


def test_utskrivningsklar_without_discharge_and_the_sip() -> None:
    ready = _discharge(ready_date=date(2026, 3, 3))
    assert service._late(ready, date(2026, 3, 6)) == []
    assert service._late(ready, date(2026, 3, 7)) == ["ready_not_discharged"]
    sip_due = _discharge(ready_date=date(2026, 3, 3), discharge_date=date(2026, 3, 3), needs_continue=True)
    assert service._late(sip_due, date(2026, 3, 6)) == []
    assert service._late(sip_due, date(2026, 3, 7)) == ["sip_3_days"]
    assert service._days(sip_due) == 0


def test_percentiles() -> None:
    assert service._percentile([], 0.9) is None
    assert service._percentile([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9.0
    assert service._percentile([2], 0.9) == 2.0
