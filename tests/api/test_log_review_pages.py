"""The log reviewer's pages without a browser (issue 19), on both databases: the audit log filtered by
personnummer, user name and unit name, with names, Swedish event names and Swedish local time and no id as
text; the emergency and consent reviews with a note, a confirmation and a history; failed logins in the log."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.consent.models import EmergencyAccess
from naravard.web.templating import local_time
from tests import factories as f
from tests.api.test_web_pages import _csrf, _login

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, styles or scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def rows(html: str, table: str = "audit-rows") -> str:
    """The visible text of a table's body."""
    match = re.search(rf'<table id="{table}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, f"no table {table}"
    return visible(match.group(1))


def _world(db: Session) -> dict[str, object]:
    region = f.organization(db, name="Region Gävleborg")
    hc = f.unit(db, region, name="Strand hälsocentral")
    office = f.unit(db, region, name="HS-förvaltningen", kind="administration")
    private = f.unit(db, f.organization(db, name="Privat AB", kind="private_provider"), name="Privat hc")
    doc = f.user(db, role=Role.CLINICIAN, at=hc, username="doc")
    doc.user.display_name = "Doktor Dahl"
    reviewer = f.user(db, role=Role.LOG_REVIEWER, at=office, username="rev")
    reviewer.user.display_name = "Greta Granskare"
    selma = f.person(db, listed_at=hc, given="Selma", family="Lagerlöf")
    stranger = f.person(db, listed_at=private, given="Nils", family="Holgersson")
    db.commit()
    return {"doc": doc, "reviewer": reviewer, "selma": selma, "stranger": stranger}


def _pnr(identifier: str) -> str:
    return f"{identifier[:8]}-{identifier[8:]}"


def test_the_log_by_personnummer_shows_names_words_and_local_time(client: TestClient, db: Session) -> None:
    w = _world(db)
    selma, doc = w["selma"], w["doc"]
    assert client.get(f"/api/patients/{selma.id}", headers=doc.headers).status_code == 200  # type: ignore[attr-defined]
    _login(client, "rev")
    page = client.get("/audit", params={"personnummer": _pnr(selma.identifier)})  # type: ignore[attr-defined]
    assert page.status_code == 200, page.text
    text = visible(page.text)
    assert not UUID.search(text), UUID.findall(text)
    assert "Selma Lagerlöf" in text and _pnr(selma.identifier) in text  # type: ignore[attr-defined]
    assert "Läste patientöversikten" in text and "Tillåten" in text and "Doktor Dahl" in text
    assert "Strand hälsocentral" in text and "Vård och behandling" in text
    assert "Vårdrelation på din enhet." in text and "patient:overview:read" not in text
    read = db.scalars(
        select(AuditEvent).where(AuditEvent.patient_id == selma.id, AuditEvent.username == "doc")  # type: ignore[attr-defined]
    ).one()
    assert local_time(read.occurred_at) in text  # Europe/Stockholm, as every page
    # the link from a row keeps the patient by id, and the field shows the personnummer
    linked = client.get("/audit", params={"patient_id": str(selma.id)})  # type: ignore[attr-defined]
    assert f'value="{_pnr(selma.identifier)}"' in linked.text and "Läste patientöversikten" in linked.text  # type: ignore[attr-defined]
    # English on request
    client.cookies.set("lang", "en")
    english = visible(client.get("/audit", params={"personnummer": selma.identifier}).text)  # type: ignore[attr-defined]
    assert "Read the patient overview" in english and "Allowed" in english


def test_the_log_by_user_and_unit_name_and_its_errors_in_swedish(client: TestClient, db: Session) -> None:
    w = _world(db)
    client.get(f"/api/patients/{w['selma'].id}", headers=w["doc"].headers)  # type: ignore[attr-defined]
    client.get(f"/api/patients/{w['stranger'].id}", headers=w["doc"].headers)  # type: ignore[attr-defined]
    _login(client, "rev")
    by_user = visible(client.get("/audit", params={"user": "dahl"}).text)
    assert "Läste patientöversikten" in by_user and "Nekad" in by_user and "Nils Holgersson" in by_user
    assert "Ingen vårdrelation på din enhet och inget samtycke för din organisation." in by_user
    assert "Greta Granskare" not in rows(client.get("/audit", params={"user": "dahl"}).text)
    by_unit = visible(client.get("/audit", params={"unit": "strand", "outcome": "allowed"}).text)
    assert "Selma Lagerlöf" in by_unit and "Nils Holgersson" not in by_unit
    no_unit = client.get("/audit", params={"unit": "Finns inte"})
    assert "Ingen enhet har den texten i sitt namn." in visible(no_unit.text)
    no_one = client.get("/audit", params={"personnummer": "19121212-1212"})
    assert "Ingen patient har detta personnummer." in visible(no_one.text)
    for params in ({"patient_id": "nope"}, {"since": "igår"}):
        bad = client.get("/audit", params=params)
        assert bad.status_code == 422 and "must be" not in bad.text
    assert "sök på personnummer" in client.get("/audit", params={"patient_id": "nope"}).text


def test_an_emergency_review_needs_a_note_asks_first_and_is_kept(client: TestClient, db: Session) -> None:
    w = _world(db)
    stranger = w["stranger"]
    opened = client.post(
        f"/api/patients/{stranger.id}/emergency-access",  # type: ignore[attr-defined]
        json={"reason": "Medvetslös patient på akuten"},
        headers=w["doc"].headers,  # type: ignore[attr-defined]
    )
    assert opened.status_code == 201, opened.text
    _login(client, "rev")
    pending = client.get("/audit/emergency")
    text = visible(pending.text)
    assert "Nils Holgersson" in text and "Doktor Dahl" in text and "Strand hälsocentral" in text
    assert not UUID.search(text)
    grant = db.scalars(select(EmergencyAccess).where(EmergencyAccess.person_id == stranger.id)).one()  # type: ignore[attr-defined]
    assert local_time(grant.created_at) in text and local_time(grant.expires_at) in text
    url = f"/audit/emergency/{grant.id}/review"
    assert f'action="{url}"' in pending.text

    empty = client.post(url, data={"note": "  ", "csrf_token": _csrf(pending.text)})
    assert empty.status_code == 422 and "skriv en anteckning om vad granskningen visade" in empty.text
    asked = client.post(url, data={"note": "Styrkt i journalen", "csrf_token": _csrf(pending.text)})
    assert asked.status_code == 200 and "Markera som granskad?" in asked.text
    assert "Styrkt i journalen" in asked.text and "Nils Holgersson" in asked.text
    db.refresh(grant)
    assert grant.reviewed_at is None  # not before the confirmation

    done = client.post(
        url, data={"note": "Styrkt i journalen", "confirm": "1", "csrf_token": _csrf(asked.text)}
    )
    assert done.status_code == 200 and done.url.path == "/audit/emergency/reviewed"
    history = visible(done.text)
    assert "Granskade nödåtkomster" in history and "Styrkt i journalen" in history
    assert "Greta Granskare" in history and "Nils Holgersson" in history and not UUID.search(history)
    db.refresh(grant)
    assert (grant.reviewed_by, grant.review_note) == ("rev", "Styrkt i journalen")
    assert local_time(grant.reviewed_at) in history
    assert "Inget att granska." in client.get("/audit/emergency").text
    again = client.post(url, data={"note": "igen", "confirm": "1", "csrf_token": _csrf(done.text)})
    assert again.status_code == 409 and "nödåtkomsten är redan granskad" in again.text


def test_the_review_pages_are_the_log_reviewers(client: TestClient, db: Session) -> None:
    _world(db)
    _login(client, "doc")
    for path in ("/audit", "/audit/emergency", "/audit/emergency/reviewed", "/audit/consents/reviewed"):
        assert client.get(path).status_code == 403, path


def test_a_failed_login_on_the_form_is_in_the_log(client: TestClient, db: Session) -> None:
    _world(db)
    page = client.get("/login")
    wrong = client.post(
        "/login", data={"username": "doc", "password": "inte-rätt-1", "csrf_token": _csrf(page.text)}
    )
    assert wrong.status_code == 401
    unknown = client.post(
        "/login", data={"username": "okand", "password": "inte-rätt-1", "csrf_token": _csrf(wrong.text)}
    )
    assert unknown.status_code == 401
    _login(client, "rev")
    doc = visible(client.get("/audit", params={"user": "doc"}).text)
    assert "Misslyckad inloggning" in doc and "Fel lösenord." in doc and "Nekad" in doc
    okand = visible(client.get("/audit", params={"user": "okand"}).text)
    assert "Misslyckad inloggning" in okand and "Inget konto har detta användarnamn." in okand
    assert "inte-rätt-1" not in doc + okand


def test_the_reads_patients_question_are_listed_with_names(client: TestClient, db: Session) -> None:
    from naravard.patients import service as patients_service

    w = _world(db)
    selma = w["selma"]
    patient = f.user(db, role=Role.PATIENT, at=None, person_id=selma.id, username="selma")  # type: ignore[attr-defined]
    db.commit()
    assert client.get(f"/api/patients/{selma.id}", headers=w["doc"].headers).status_code == 200  # type: ignore[attr-defined]
    read = db.scalars(
        select(AuditEvent).where(AuditEvent.patient_id == selma.id, AuditEvent.username == "doc")  # type: ignore[attr-defined]
    ).one()
    patients_service.question_access(
        db,
        actor=patient.actor,
        person_id=selma.id,
        audit_seq=read.seq,
        note="Jag känner inte den läkaren",  # type: ignore[attr-defined]
    )
    db.commit()
    _login(client, "rev")
    page = client.get("/audit/questions")
    assert page.status_code == 200, page.text
    text = rows(page.text, "question-rows")
    assert "Selma Lagerlöf" in text and _pnr(selma.identifier) in text  # type: ignore[attr-defined]
    assert "Doktor Dahl" in text and "Jag känner inte den läkaren" in text and "Strand hälsocentral" in text
    assert local_time(read.occurred_at) in text and not UUID.search(visible(page.text))
    _login(client, "doc")
    assert client.get("/audit/questions").status_code == 403
