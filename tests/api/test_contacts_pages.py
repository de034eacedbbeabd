"""The unit manager's forms on /enhet/kontakter over HTML on both databases: assign, change and end a fast
läkarkontakt, assign and end a fast vårdkontakt, and the unit's settings; each with success, a rule error shown
in Swedish with the form as typed, and a stale version shown as a conflict."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.contacts.models import FixedContact
from tests import factories as f
from tests.integration.contacts.helpers import Env, env


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m
    return m.group(1)


def _login(client: TestClient, username: str) -> str:
    """Log in through the form; the CSRF token of the manager's page."""
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": f.password(), "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return _csrf(client.get("/enhet/kontakter").text)


def _manager(client: TestClient, db: Session) -> tuple[Env, str]:
    e = env(db)
    db.commit()
    return e, _login(client, e.manager.user.username)


def _active(db: Session, person_id: uuid.UUID, kind: str) -> FixedContact:
    db.expire_all()
    row = db.scalar(
        select(FixedContact).where(
            FixedContact.person_id == person_id, FixedContact.kind == kind, FixedContact.valid_to.is_(None)
        )
    )
    assert row is not None
    return row


def test_assign_change_and_end_a_fixed_doctor(client: TestClient, db: Session) -> None:
    e, token = _manager(client, db)
    p = e.patients[0]
    form = {"csrf_token": token, "person_id": str(p.id), "kind": "doctor", "reason": "need"}
    # a rule: the fast läkarkontakt is a doctor at the listing unit; shown in Swedish, the form as typed
    wrong = client.post(
        "/enhet/kontakter/fast",
        data={**form, "practitioner_id": str(e.other_doctor.id), "note": "Ring först"},
    )
    assert wrong.status_code == 422
    assert "fast läkarkontakt vid listningsenheten" in wrong.text and 'value="Ring först"' in wrong.text
    done = client.post(
        "/enhet/kontakter/fast",
        data={**form, "practitioner_id": str(e.doctors[0].id)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/enhet/kontakter?sparat=assigned"
    row = _active(db, p.id, "doctor")
    assert row.practitioner_id == e.doctors[0].id and row.reason == "need"
    again = client.post("/enhet/kontakter/fast", data={**form, "practitioner_id": str(e.doctors[1].id)})
    assert again.status_code == 409 and "patienten har redan en fast läkarkontakt" in again.text

    change = {"csrf_token": token, "practitioner_id": str(e.doctors[1].id), "reason": "patient_request"}
    stale = client.post(
        f"/enhet/kontakter/fast/{row.id}/byt", data={**change, "version": str(row.version + 3)}
    )
    assert stale.status_code == 409 and "har ändrats av någon annan" in stale.text
    assert f'value="{e.doctors[1].id}" selected' in stale.text
    changed = client.post(
        f"/enhet/kontakter/fast/{row.id}/byt",
        data={**change, "version": str(row.version)},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    new = _active(db, p.id, "doctor")
    assert new.practitioner_id == e.doctors[1].id

    end = {"csrf_token": token, "reason": "practitioner_left"}
    stale = client.post(
        f"/enhet/kontakter/fast/{new.id}/avsluta", data={**end, "version": str(new.version + 1)}
    )
    assert stale.status_code == 409 and "har ändrats av någon annan" in stale.text
    bad = client.post(
        f"/enhet/kontakter/fast/{new.id}/avsluta", data={**end, "reason": "import", "version": "1"}
    )
    assert bad.status_code == 422 and "okänt skäl" in bad.text
    ended = client.post(
        f"/enhet/kontakter/fast/{new.id}/avsluta",
        data={**end, "version": str(new.version)},
        follow_redirects=False,
    )
    assert ended.status_code == 303
    db.expire_all()
    assert db.get(FixedContact, new.id).valid_to is not None  # type: ignore[union-attr]
    assert (
        client.post(f"/enhet/kontakter/fast/{new.id}/avsluta", data={**end, "version": "1"}).status_code
        == 409
    )


def test_assign_and_end_a_fixed_care_contact(client: TestClient, db: Session) -> None:
    e, token = _manager(client, db)
    p = e.patients[1]
    page = client.get("/enhet/kontakter")
    assert f'value="{e.municipal_nurse.id}"' in page.text  # the municipality's home health care is offered
    form = {"csrf_token": token, "person_id": str(p.id), "kind": "care_contact", "reason": "need"}
    unlicensed = client.post("/enhet/kontakter/fast", data={**form, "practitioner_id": str(e.assistant.id)})
    assert unlicensed.status_code == 422 and "legitimerad fast vårdkontakt" in unlicensed.text
    done = client.post(
        "/enhet/kontakter/fast",
        data={**form, "practitioner_id": str(e.municipal_nurse.id)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    row = _active(db, p.id, "care_contact")
    assert row.unit_id == e.home_care.id
    end = {"csrf_token": token, "reason": "no_longer_needed"}
    stale = client.post(
        f"/enhet/kontakter/fast/{row.id}/avsluta", data={**end, "version": str(row.version + 1)}
    )
    assert stale.status_code == 409 and "har ändrats av någon annan" in stale.text
    ended = client.post(
        f"/enhet/kontakter/fast/{row.id}/avsluta",
        data={**end, "version": str(row.version)},
        follow_redirects=False,
    )
    assert ended.status_code == 303


def test_unit_settings_form(client: TestClient, db: Session) -> None:
    _, token = _manager(client, db)
    form = {
        "csrf_token": token,
        "capacity_per_fte": "1200",
        "need_min_age": "80",
        "need_home_health_care": "1",
        "need_min_contacts": "",
        "version": "0",
    }
    low = client.post("/enhet/kontakter/installningar", data={**form, "capacity_per_fte": "10"})
    assert low.status_code == 422 and "Formuläret har värden som inte kan sparas" in low.text
    assert 'name="capacity_per_fte" min="50" max="5000" required value="10"' in low.text
    saved = client.post("/enhet/kontakter/installningar", data=form, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get("/enhet/kontakter")
    assert 'required value="1200"' in page.text and 'name="version" value="1"' in page.text
    stale = client.post("/enhet/kontakter/installningar", data={**form, "capacity_per_fte": "900"})
    assert stale.status_code == 409 and "enhetens inställningar har ändrats av någon annan" in stale.text
    assert 'required value="900"' in stale.text
