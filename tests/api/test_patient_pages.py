"""The patient's and the clinician's pages without a browser (issue 19), on SQLite and PostgreSQL: the
patient's start page (who has read my data, reporting a read), the start page's purpose in words, the search's
texts, the contact form's errors, the login form keeping the user name, and the icon."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.patients.identity import format_identifier
from tests import factories as f


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m
    return m.group(1)


def _login(client: TestClient, username: str, password: str | None = None) -> TestClient:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password or f.password(), "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def test_the_patient_lands_on_who_has_read_my_data_and_reports_a_read(
    client: TestClient, db: Session
) -> None:
    region = f.organization(db, name="Region Gävleborg")
    hc = f.unit(db, region, name="Strand hälsocentral")
    person = f.person(db, listed_at=hc, given="Astrid", family="Lindgrenova")
    doctor = f.user(db, role=Role.CLINICIAN, at=hc, username="doc")
    f.user(db, role=Role.PATIENT, at=None, person_id=person.id, username="astrid")
    db.commit()
    client.get(f"/api/patients/{person.id}", headers=doctor.headers)

    page = client.get("/login")
    landed = client.post(
        "/login", data={"username": "astrid", "password": f.password(), "csrf_token": _csrf(page.text)}
    )
    assert landed.url.path == "/min/" and landed.status_code == 200
    html = landed.text
    assert 'href="/min/"' in html and "Vem har läst mina uppgifter" in html and "Mina samtycken" in html
    assert "Test clinician" in html and "Strand hälsocentral" in html and "Region Gävleborg" in html
    assert "Läste din översikt" in html and "Vård och behandling: du är patient på enheten" in html
    assert "patient:overview:read" not in html and "care_relationship" not in html
    assert client.get("/home", follow_redirects=False).headers["location"] == "/min/"

    seq = re.search(r'name="seq" value="(\d+)"', html)
    assert seq
    reported = client.post(
        "/min/ifragasatt", data={"seq": seq.group(1), "note": "Okänd läkare", "csrf_token": _csrf(html)}
    )
    assert reported.url.path == "/min/" and "Tack. Din anmälan går till logggranskaren" in reported.text
    assert "Anmäld" in reported.text and 'name="seq"' not in reported.text
    again = client.post("/min/ifragasatt", data={"seq": seq.group(1), "csrf_token": _csrf(html)})
    assert again.status_code == 409 and "du har redan anmält den läsningen" in again.text


def test_staff_have_no_min_page_and_see_their_purpose_in_words(client: TestClient, db: Session) -> None:
    region = f.organization(db, name="Region Gävleborg")
    f.user(db, role=Role.CLINICIAN, at=f.unit(db, region, name="Strand hälsocentral"), username="doc")
    db.commit()
    _login(client, "doc")
    assert client.get("/min/").status_code == 403
    home = client.get("/home")
    assert "Vård och behandling" in home.text and ">care<" not in home.text


def test_a_wrong_password_keeps_the_user_name_and_the_icon_is_served(client: TestClient, db: Session) -> None:
    f.user(db, role=Role.CLINICIAN, at=f.unit(db, f.organization(db)), username="doc")
    db.commit()
    page = client.get("/login")
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    wrong = client.post(
        "/login", data={"username": "doc", "password": "nope", "csrf_token": _csrf(page.text)}
    )
    assert wrong.status_code == 401 and 'name="username" value="doc"' in wrong.text
    for url in ("/favicon.ico", "/static/favicon.svg"):
        icon = client.get(url)
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        assert icon.content.startswith(b"<svg")


def test_search_texts(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    hc = f.unit(db, region)
    for n in range(23):
        f.person(db, listed_at=hc, given="Karin", family=f"Månsdotter{n:02d}")
    hidden = f.person(db, listed_at=hc, given="Hemlig", family="Hemligsson", protected=True)
    stranger = f.person(db, listed_at=f.unit(db, f.organization(db, name="Annan")), given="Nils", family="Ny")
    f.user(db, role=Role.CLINICIAN, at=hc, username="doc")
    f.user(db, role=Role.UNIT_MANAGER, at=hc, username="chef")
    db.commit()
    _login(client, "doc")

    cut = client.get("/patients", params={"q": "karin måns"})
    assert "Visar 20 av 23." in cut.text and cut.text.count("Månsdotter") == 20
    whole = client.get("/patients", params={"q": "karin månsdotter0"})
    assert "Visar" not in whole.text

    nobody = client.get("/patients", params={"q": "nils ny"})
    assert "Ingen patient som du får öppna matchar namnet." in nobody.text
    assert "En sökning på hela personnumret" in nobody.text and "Nils" not in nobody.text.split("<main")[1]
    by_number = client.get("/patients", params={"q": format_identifier(stranger.identifier)})
    assert "Nils Ny" in by_number.text

    # the own unit reads a protected identity: the name and the tag, once each
    protected = client.get("/patients", params={"q": format_identifier(hidden.identifier)})
    assert protected.text.count("Skyddad identitet") == 1 and "Hemligsson" in protected.text

    for q, swedish in (
        ("k", "skriv minst två tecken av namnet, eller ett helt personnummer"),
        ("19121212-1213", "fel kontrollsiffra: sista siffran är 3 men ska vara 2"),
        ("19121312-1212", "ogiltigt datum: det finns ingen månad 13"),
        ("x" * 101, "söktexten får vara högst 100 tecken"),
    ):
        refused = client.get("/patients", params={"q": q})
        assert refused.status_code == 422 and swedish in refused.text, q

    client.cookies.clear()
    _login(client, "chef")  # no emergency access for this role: no hint about it
    assert "En sökning på hela personnumret" not in client.get("/patients", params={"q": "nils ny"}).text


def test_a_protected_identity_found_by_another_unit_reads_once(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    hidden = f.person(db, listed_at=f.unit(db, f.organization(db, name="Annan")), protected=True)
    f.user(db, role=Role.CLINICIAN, at=f.unit(db, region), username="doc")
    db.commit()
    _login(client, "doc")
    page = client.get("/patients", params={"q": format_identifier(hidden.identifier)})
    assert page.text.count("Skyddad identitet") == 1 and hidden.family_name not in page.text


def test_the_contact_form_says_what_is_wrong_in_swedish_and_keeps_what_was_typed(
    client: TestClient, db: Session
) -> None:
    region = f.organization(db)
    private = f.organization(db, name="Privat AB", kind="private_provider")
    hc = f.unit(db, region)
    p = f.person(db, listed_at=hc)
    f.consent(db, p, private)
    f.user(db, role=Role.CLINICIAN, at=hc, username="doc")
    f.user(db, role=Role.CLINICIAN, at=f.unit(db, private, name="Privat hc"), username="reader")
    db.commit()
    _login(client, "doc")
    overview = client.get(f"/patients/{p.id}")
    refused = client.post(
        f"/patients/{p.id}/contact",
        data={
            "version": "1",
            "phone": "070-12ab",
            "email": "inte-en-adress",
            "csrf_token": _csrf(overview.text),
        },
    )
    assert refused.status_code == 422
    text = refused.text
    assert "Kontaktuppgifterna sparades inte." in text
    assert "Telefonnumret får bara innehålla siffror, mellanslag, +, - och parenteser" in text
    assert "Skriv e-postadressen som namn@exempel.se" in text
    assert 'value="070-12ab"' in text and 'value="inte-en-adress"' in text
    assert "pattern" not in text and "[0-9" not in text
    assert 'aria-invalid="true" aria-describedby="phone-error"' in text

    # a reader by consent sees the details without the form; what is empty reads "–"
    client.cookies.clear()
    _login(client, "reader")
    read = client.get(f"/patients/{p.id}")
    assert re.search(r'<dd id="phone">–</dd>', read.text) and re.search(r'<dd id="email">–</dd>', read.text)
