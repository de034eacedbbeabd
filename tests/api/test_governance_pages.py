"""The governance pages over HTTP on both databases: each renders in Swedish for the officer, shows what the
reader may see, and a stale directive form gets 412 with the newer version shown, never an overwrite."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from io import BytesIO

from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from naravard.actor import system_actor
from naravard.governance import service
from naravard.governance.schemas import (
    ActionIn,
    ActionPlanIn,
    CriteriaIn,
    CriterionIn,
    DecisionIn,
    DirectiveIn,
    MeetingIn,
    PlanIn,
    ProjectIn,
)
from tests.api.governance_env import gov_env


def test_pages_render_and_a_stale_form_gets_412(client: TestClient, db: Session) -> None:
    e = gov_env(db)
    sys = system_actor()
    d = service.create_directive(
        db,
        actor=sys,
        data=DirectiveIn(
            body_id=e.body.id,
            title="Direktiv Hälsocentraler",
            owner="POA",
            registration_due=dt.date(2021, 10, 31),
        ),
    )
    plan = service.create_plan(
        db, actor=sys, data=PlanIn(body_id=e.body.id, title="Plan", first_year=2022, last_year=2024)
    )
    service.set_criteria(
        db,
        actor=sys,
        plan_id=plan.id,
        data=CriteriaIn(criteria=[CriterionIn(name="Nytta", weight=100)], version=1),
    )
    service.add_project(db, actor=sys, plan_id=plan.id, data=ProjectIn(title="Mobila team", owner="PO"))
    ap = service.create_action_plan(
        db,
        actor=sys,
        data=ActionPlanIn(
            body_id=e.body.id,
            title="Handlingsplan",
            recipient="Socialstyrelsen",
            deadline=dt.date(2021, 9, 30),
        ),
    )
    service.add_action(
        db,
        actor=sys,
        action_plan_id=ap.id,
        data=ActionIn(
            title="Fast läkarkontakt", owner="PO", due_date=dt.date(2022, 1, 1), indicators=["C_OWNDR"]
        ),
    )
    service.create_meeting(
        db, actor=sys, data=MeetingIn(body_id=e.body.id, held_on=dt.date(2021, 12, 1), agenda="Prioritering")
    )
    service.record_decision(
        db,
        actor=sys,
        data=DecisionIn(body_id=e.body.id, decided_on=dt.date(2021, 12, 1), text="Beslut om målbild"),
    )
    db.commit()
    client.cookies.set("lang", "sv")
    h = e.officer.headers
    for url in (
        "/styrning",
        "/styrning/tidsfrister",
        f"/styrning/direktiv/{d.id}",
        f"/styrning/planer/{plan.id}",
        f"/styrning/handlingsplaner/{ap.id}",
        "/styrning/beslut",
        "/styrning/moten",
    ):
        r = client.get(url, headers=h)
        assert r.status_code == 200, (url, r.text[:500])
    page = client.get("/styrning", headers=h).text
    assert "Missade tidsfrister" in page and "Direktiv Hälsocentraler" in page
    assert client.get("/styrning/beslut.csv", headers=h).text.startswith("datum;organ")
    log = load_workbook(BytesIO(client.get("/styrning/beslut.xlsx", headers=h).content))
    assert [c.value for c in log["Beslutslogg"][2]][3] == "Beslut om målbild"
    pdf = client.get(f"/styrning/handlingsplaner/{ap.id}/handlingsplan.pdf", headers=h)
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    packed = client.get("/styrning/underlag.pdf", headers=h)
    assert packed.status_code == 200 and packed.content[:4] == b"%PDF"
    xlsx = client.get("/styrning/underlag.xlsx", headers=h)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    wb = load_workbook(BytesIO(xlsx.content))
    assert {"Tidsfrister", "Beslut", "Åtgärder"} <= set(wb.sheetnames)
    assert any(
        r[1] == "Handlingsplan" and r[5] == "ja" for r in wb["Tidsfrister"].iter_rows(values_only=True)
    )
    # a draft is the officer's and the members'; the clinician outside the body is refused
    assert client.get(f"/styrning/direktiv/{d.id}", headers=e.member.headers).status_code == 200
    assert client.get(f"/styrning/direktiv/{d.id}", headers=e.clinician.headers).status_code == 403
    form = {
        "csrf_token": e.officer.csrf,
        "title": "Direktiv Hälsocentraler",
        "owner": "POA",
        "purpose": "Ny text",
    }
    r = client.post(
        f"/styrning/direktiv/{d.id}", data={**form, "version": "1"}, headers=h, follow_redirects=False
    )
    assert r.status_code == 303
    r = client.post(
        f"/styrning/direktiv/{d.id}", data={**form, "purpose": "Annan", "version": "1"}, headers=h
    )
    assert r.status_code == 412 and re.search(r"version 2", r.text)
    assert service.get_directive(db, actor=sys, directive_id=d.id).purpose == "Ny text"
    r = client.post(
        f"/styrning/handlingsplaner/{ap.id}/atgarder",
        data={
            "csrf_token": e.officer.csrf,
            "title": "X",
            "owner": "PO",
            "due_date": "2022-01-01",
            "indicators": "NOPE",
        },
        headers=h,
    )
    assert r.status_code == 422 and "NOPE" in r.text
    r = client.post(
        "/styrning/moten",
        data={
            "csrf_token": e.officer.csrf,
            "body_id": str(e.body.id),
            "held_on": "2021-11-02",
            "agenda": "Direktiv",
        },
        headers=h,
        follow_redirects=False,
    )
    assert r.status_code == 303
    form = {
        "csrf_token": e.officer.csrf,
        "body_id": str(e.body.id),
        "decided_on": "2021-11-02",
        "text": "Fastställs",
    }
    r = client.post("/styrning/beslut", data={**form, "subject": f"directive_approved:{d.id}"}, headers=h)
    assert r.status_code == 200 and "Fastställs" in r.text
    assert service.get_directive(db, actor=sys, directive_id=d.id).state == "approved"
    r = client.post("/styrning/beslut", data={**form, "decided_on": "2021-13-01"}, headers=h)
    assert r.status_code == 422 and "decided_on" in r.text


def test_an_officer_does_the_work_in_the_browser_forms(client: TestClient, db: Session) -> None:
    """Bodies, members, directives, plans, criteria, projects and meetings are created through the page
    forms (303 on success); a refusal (422/409/412) is shown on the page in Swedish with what was typed."""
    e = gov_env(db)
    client.cookies.set("lang", "sv")
    h, csrf = e.officer.headers, e.officer.csrf

    def post(url: str, **data: str) -> Response:
        return client.post(url, data={"csrf_token": csrf, **data}, headers=h, follow_redirects=False)

    r = post("/styrning/organ", name="Styrgrupp Psykiatri", kind="steering_group", programme_area="Psykiatri")
    assert r.status_code == 303
    body = next(b for b in service.list_bodies(db, actor=system_actor()) if b.name == "Styrgrupp Psykiatri")
    r = post("/styrning/organ", name="Styrgrupp Psykiatri", kind="steering_group", programme_area="Ny text")
    assert r.status_code == 422 and "Ny text" in r.text
    assert (
        post(
            "/styrning/ledamoter", body_id=str(body.id), name="Eva", organisation="municipality", role="chair"
        ).status_code
        == 303
    )
    r = post("/styrning/ledamoter", body_id=str(body.id), name="Olle", organisation="kommunen", role="member")
    assert r.status_code == 422 and "organisation" in r.text and 'value="Olle"' in r.text
    members = service.list_bodies(db, actor=system_actor())
    assert [m.name for b in members if b.id == body.id for m in b.members] == ["Eva"]

    r = post(
        "/styrning/direktiv",
        body_id=str(body.id),
        title="Direktiv Psykiatri",
        owner="POA",
        external_ref="RGD2026-0001",
        review_date="2027-06-30",
        purpose="Syfte",
    )
    assert r.status_code == 303
    d = next(x for x in service.list_directives(db, actor=system_actor()) if x.title == "Direktiv Psykiatri")
    assert d.external_ref == "RGD2026-0001" and d.state == "draft" and d.version == 1
    r = post(
        f"/styrning/direktiv/{d.id}", version="1", title="Direktiv Psykiatri", owner="POA",
        purpose="Ändrat syfte", review_date="2027-02-30",
    )  # fmt: skip
    assert r.status_code == 422 and "review_date" in r.text and "Ändrat syfte" in r.text
    r = post("/styrning/direktiv", body_id=str(body.id), title="Utan ägare", owner="", purpose="Behålls")
    assert r.status_code == 422 and "Behålls" in r.text and "owner" in r.text

    r = post(
        "/styrning/planer", body_id=str(body.id), title="Plan Psykiatri", first_year="2027", last_year="2025"
    )
    assert r.status_code == 422 and "Plan Psykiatri" in r.text
    r = post(
        "/styrning/planer", body_id=str(body.id), title="Plan Psykiatri", first_year="2025", last_year="2027"
    )
    assert r.status_code == 303
    plan_id = r.headers["location"].split("/")[-1].split("?")[0]
    url = f"/styrning/planer/{plan_id}"
    r = post(
        f"{url}/kriterier",
        version="1",
        **{
            "name-0": "Nytta",
            "weight-0": "60",
            "name-1": "Kostnad",
            "weight-1": "30",
            "name-2": "",
            "weight-2": "",
        },
    )
    assert r.status_code == 422 and 'value="Kostnad"' in r.text and "100" in r.text
    r = post(
        f"{url}/kriterier",
        version="1",
        **{"name-0": "Nytta", "weight-0": "60", "name-1": "Kostnad", "weight-1": "40"},
    )
    assert r.status_code == 303
    r = post(f"{url}/kriterier", version="1", **{"name-0": "Nytta", "weight-0": "100"})
    assert r.status_code == 412 and "version 2" in r.text
    assert post(f"{url}/projekt", title="Mobilt team", owner="PO", budget="1 500 000").status_code == 303
    plan = service.get_plan(db, actor=system_actor(), plan_id=uuid.UUID(plan_id))
    assert sorted((c.name, c.weight) for c in plan.criteria) == [("Kostnad", 40), ("Nytta", 60)]
    pr = plan.projects[0]
    assert pr.budget == 1_500_000
    assert post(f"{url}/projekt/{pr.id}/status", state="prioritised", version="1").status_code == 303
    r = post(f"{url}/projekt/{pr.id}/status", state="completed", version="2")
    assert r.status_code == 409 and 'id="error"' in r.text
    r = post(f"{url}/projekt/{pr.id}/status", state="ongoing", version="1")
    assert r.status_code == 412

    r = post("/styrning/moten", body_id=str(body.id), held_on="2026-13-01", agenda="Prioritering 2027")
    assert r.status_code == 422 and "Prioritering 2027" in r.text
    assert (
        post(
            "/styrning/moten", body_id=str(body.id), held_on="2026-12-01", agenda="Prioritering 2027"
        ).status_code
        == 303
    )
    # the pages show the forms in Swedish; a reader outside the office sees none and cannot post
    page = client.get("/styrning", headers=h).text
    assert "Nytt programdirektiv" in page and "Ny plan" in page
    assert "Nytt organ" in client.get("/styrning/moten", headers=h).text
    r = client.post(
        "/styrning/organ",
        data={"csrf_token": e.analyst.csrf, "name": "X", "kind": "management"},
        headers=e.analyst.headers,
    )
    assert r.status_code == 403


def test_a_member_with_a_clinical_role_gets_the_navigation_link(client: TestClient, db: Session) -> None:
    """The layout loads /styrning/navigering for roles the navigation does not list; it is the link for a
    member of a body and empty for everyone else."""
    e = gov_env(db)
    client.cookies.set("lang", "sv")
    start = client.get("/styrning", headers=e.member.headers)
    assert start.status_code == 200 and 'hx-get="/styrning/navigering"' in start.text
    link = client.get("/styrning/navigering", headers=e.member.headers)
    assert link.status_code == 200 and link.text == '<a href="/styrning">Styrning</a>'
    assert client.get("/styrning/navigering", headers=e.clinician.headers).text == ""
    officer_page = client.get("/styrning", headers=e.officer.headers).text
    assert 'hx-get="/styrning/navigering"' not in officer_page and 'href="/styrning"' in officer_page
