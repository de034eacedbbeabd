"""The care plans' pages over HTTP on both databases: the coordinator creates a plan from the form, invites a
municipal participant, proposes it; the worklist and figures; a stale save shows the newer version and keeps
what was typed; the history with what changed; the patient's own page: a goal, the agreement, the PDF."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from naravard.actor import Role
from tests import factories
from tests.integration.careplans.helpers import plan_env


def _version(html: str) -> str:
    m = re.search(r'name="base_version" value="(\d+)"', html)
    assert m
    return m.group(1)


def test_coordinator_and_patient_pages(client: TestClient, db: Session) -> None:
    e = plan_env(db)
    manager = factories.user(db, role=Role.UNIT_MANAGER, at=e.hc)
    db.commit()
    h = e.coordinator.headers
    page = client.get(f"/planer/ny?person={e.patient.id}", headers=h)
    assert page.status_code == 200 and "Ny vårdplan" in page.text
    # a SIP without the patient's consent is refused, the form kept
    r = client.post(
        "/planer/ny",
        data={"person_id": str(e.patient.id), "kind": "sip", "goals": "Klara trappan"},
        headers=h,
        follow_redirects=False,
    )
    assert r.status_code == 422 and "samtycke" in r.text and "Klara trappan" in r.text
    r = client.post(
        "/planer/ny",
        data={
            "person_id": str(e.patient.id),
            "kind": "patientkontrakt",
            "goals": "Klara trappan",
            "matters": "Min katt",
        },
        headers=h,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    plan = client.get(url, headers=h)
    assert plan.status_code == 200 and "Klara trappan" in plan.text and "Utkast" in plan.text
    base = _version(plan.text)
    form = {
        "base_version": base,
        "goals": "Klara trappan",
        "matters": "Min katt",
        "needs": "Hjälp med dusch",
        "timeline": "2030-01-15 Besök hos sjuksköterskan",
        "new_participant_name": "Kim Kommun",
        "new_participant_unit": str(e.home_care.id),
        "new_activity_what": "Hemsjukvård",
        "new_activity_unit": str(e.home_care.id),
    }
    r = client.post(url, data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text
    # a second editor still on the old version: the newer version is shown, what they typed is kept
    stale = client.post(
        url, data={**form, "needs": "Mitt eget skrivna behov"}, headers=h, follow_redirects=False
    )
    assert stale.status_code == 409
    assert (
        "nyare version" in stale.text
        and "Hjälp med dusch" in stale.text
        and "Mitt eget skrivna behov" in stale.text
    )
    r = client.post(
        f"{url}/status", data={"base_version": "2", "to": "proposed"}, headers=h, follow_redirects=False
    )
    assert r.status_code == 303
    assert "Föreslagen" in client.get(url, headers=h).text
    # the municipal participant sees the plan (consent + participation)
    assert "Klara trappan" in client.get(url, headers=e.municipal.headers).text
    history = client.get(f"{url}/versioner?a=1&b=2", headers=h)
    assert history.status_code == 200 and "Hjälp med dusch" in history.text and "Tillagd" in history.text
    work = client.get("/planer", headers=h)
    assert work.status_code == 200 and e.patient.family_name in work.text and "Andel godkända" in work.text
    assert client.get("/planer/enhet", headers=manager.headers).status_code == 200
    assert client.get("/planer/enhet", headers=h).status_code == 403
    # the patient: a goal of their own, then agrees
    ph = e.patient_user.headers
    mine = client.get("/min/plan", headers=ph)
    assert mine.status_code == 200 and "Klara trappan" in mine.text
    plan_id = url.rsplit("/", 1)[-1]
    r = client.post(
        f"/min/plan/{plan_id}/skriv",
        data={"base_version": _version(mine.text), "section": "goals", "text": "Gå på konsert"},
        headers=ph,
        follow_redirects=False,
    )
    assert r.status_code == 303
    mine = client.get("/min/plan", headers=ph)
    assert "Gå på konsert" in mine.text and "skrivet av patienten" in mine.text
    r = client.post(
        f"/min/plan/{plan_id}/godkann",
        data={"base_version": _version(mine.text)},
        headers=ph,
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "Du har godkänt planen" in client.get("/min/plan", headers=ph).text
    pdf = client.get(f"/min/plan/{plan_id}/plan.pdf", headers=ph)
    assert pdf.status_code in (200, 503)
    if pdf.status_code == 200:
        assert pdf.content.startswith(b"%PDF")
    overview = client.get(f"/patients/{e.patient.id}", headers=h)
    assert overview.status_code == 200 and f"/planer/ny?person={e.patient.id}" in overview.text


def test_sip_steps_and_removing_a_participant_on_the_page(client: TestClient, db: Session) -> None:
    """Meetings (date, attendees, whether the patient took part), invitations and the needs mapping from the
    plan page's form; a participant removed takes their unit's invitation along; a stale save keeps what was
    typed beside the newer version."""
    from datetime import date, timedelta

    from naravard.careplans import service
    from naravard.careplans.schemas import CreatePlan
    from tests.integration.careplans.helpers import content, sip_section

    e = plan_env(db)
    plan = service.create_plan(
        db,
        actor=e.coordinator.actor,
        request=CreatePlan.model_validate(
            {"person_id": e.patient.id, "kind": "sip", "content": content(e, sip=sip_section(e))}
        ),
    )
    db.commit()
    h = e.coordinator.headers
    page = client.get(f"/planer/{plan.id}", headers=h)
    assert page.status_code == 200 and 'name="new_meeting_on"' in page.text and "Ta bort" in page.text
    [meeting] = plan.content.sip.meetings  # type: ignore[union-attr]
    today = date.today()
    base_form = {
        "matters": "Att kunna bo kvar hemma",
        "goals": "Gå till affären själv",
        "needs": "Hjälp med läkemedel",
        "timeline": f"{today + timedelta(days=7)} Återbesök hos sjuksköterskan",
        "sip_main_unit": str(e.hc.id),
        "sip_follow_up": str(today + timedelta(days=30)),
    }
    form = {
        **base_form,
        "base_version": _version(page.text),
        "meeting_id": str(meeting.id),
        "meeting_on": str(today - timedelta(days=2)),
        "meeting_attendees": "Sara, Kim, Pat",  # patient_attended left unticked: now False
        "new_meeting_on": str(today),
        "new_meeting_attendees": "Sara, Olle",
        "new_meeting_patient_attended": "1",
        "new_invitation_unit": str(e.other_hc.id),
        "new_mapping_need": "Hjälp med inköp",
        "new_mapping_unit": str(e.home_care.id),
        "remove_participant": "1",  # Kim Kommun of the home health care
    }
    r = client.post(f"/planer/{plan.id}", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text
    saved = service.get_plan(db, actor=e.coordinator.actor, plan_id=plan.id)
    sip = saved.content.sip
    assert sip is not None and saved.version_no == 2
    assert [(m.on, m.attendees, m.patient_attended) for m in sip.meetings] == [
        (today - timedelta(days=2), ["Sara", "Kim", "Pat"], False),
        (today, ["Sara", "Olle"], True),
    ]
    assert [p.name for p in saved.content.participants] == ["Sara Sjuksköterska"]
    assert [v.unit_id for v in sip.invitations] == [e.other_hc.id]  # the home health care's went with Kim
    assert [(m.need, m.unit_id) for m in sip.needs_mapping][-1] == ("Hjälp med inköp", e.home_care.id)
    # removing a meeting and a mapping row
    again = {
        **base_form,
        "base_version": "2",
        "meeting_id": [str(m.id) for m in sip.meetings],
        "meeting_on": [str(m.on) for m in sip.meetings],
        "meeting_attendees": [", ".join(m.attendees) for m in sip.meetings],
        "meeting_attended": str(sip.meetings[1].id),
        "remove_meeting": str(sip.meetings[0].id),
        "remove_mapping": "0",
    }
    r = client.post(f"/planer/{plan.id}", data=again, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text
    now = service.get_plan(db, actor=e.coordinator.actor, plan_id=plan.id).content.sip
    assert now is not None and [m.attendees for m in now.meetings] == [["Sara", "Olle"]]
    assert [m.need for m in now.needs_mapping] == ["Hjälp med inköp"]
    # a stale save (based on version 2, now 3): 409, the newer version shown, the typed meeting kept
    stale = client.post(
        f"/planer/{plan.id}",
        data={
            **base_form,
            "base_version": "2",
            "new_meeting_on": str(today),
            "new_meeting_attendees": "Typad Person",
        },
        headers=h,
        follow_redirects=False,
    )
    assert stale.status_code == 409 and "nyare version" in stale.text
    assert 'value="Typad Person"' in stale.text and _version(stale.text) == "3"
    # bad input: a meeting before the SIP was called -> 422 naming the field, nothing saved
    bad = client.post(
        f"/planer/{plan.id}",
        data={**base_form, "base_version": "3", "new_meeting_on": "2001-01-01"},
        headers=h,
        follow_redirects=False,
    )
    assert bad.status_code == 422 and "Typad" not in bad.text
    assert service.get_plan(db, actor=e.coordinator.actor, plan_id=plan.id).version_no == 3
