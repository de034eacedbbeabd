"""Issue 20: the region's unit catalogue (HSA-style CSV: id, name, kind, organisation, municipality),
imported by an administrator through the API (the page and `naravard units import` call the same service):
checked as a whole, bad rows listed, nothing imported from a file with errors unless the good rows are asked
for, idempotent by HSA-id."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.organizations.models import CareUnit, Organization
from tests import factories as f


def _world(db: Session) -> tuple[f.LoggedIn, Organization]:
    region = f.organization(db, name="Region Gävleborg")
    office = f.unit(db, region, name="HS-förvaltningen", kind="administration")
    admin = f.user(db, role=Role.ADMINISTRATOR, at=office, username="admin")
    db.commit()
    return admin, region


def _csv(org: Organization, *rows: str) -> bytes:
    return (
        ("id,name,kind,organisation,municipality\n" + "".join(r + "\n" for r in rows))
        .format(org=org.hsa_id)
        .encode()
    )


def _upload(client: TestClient, admin: f.LoggedIn, content: bytes, partial: bool = False) -> Any:
    return client.post(
        "/api/units/import",
        params={"import_valid_rows": "true"} if partial else {},
        files={"file": ("katalog.csv", content, "text/csv")},
        headers=admin.headers,
    )


def _units(db: Session) -> dict[str, CareUnit]:
    db.expire_all()
    return {u.hsa_id: u for u in db.scalars(select(CareUnit).where(CareUnit.hsa_id.like("SE2321000198-K%")))}


def _imports(db: Session) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "organizations:care_unit:import")
            .order_by(AuditEvent.seq)
        )
    )


def _detail(event: AuditEvent) -> Any:
    return json.loads(event.detail) if isinstance(event.detail, str) else event.detail


GOOD = (
    "SE2321000198-K1,Norrby hälsocentral,health_centre,{org},2180",
    "SE2321000198-K2,Söderby hemsjukvård,home_health_care,{org},2181",
)


def test_a_good_file_is_imported_and_a_repeat_changes_nothing(client: TestClient, db: Session) -> None:
    admin, region = _world(db)
    r = _upload(client, admin, _csv(region, *GOOD))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imported"] is True and body["problems"] == []
    assert sorted(body["created"]) == ["SE2321000198-K1", "SE2321000198-K2"]
    units = _units(db)
    assert units["SE2321000198-K1"].name == "Norrby hälsocentral"
    assert units["SE2321000198-K1"].accepts_listing is True
    assert units["SE2321000198-K2"].municipality_code == "2181"
    # the same file again: idempotent by HSA-id, nothing created, nothing changed
    again = _upload(client, admin, _csv(region, *GOOD)).json()
    assert again["created"] == [] and again["updated"] == []
    assert sorted(again["unchanged"]) == ["SE2321000198-K1", "SE2321000198-K2"]
    assert len(_units(db)) == 2
    # a changed name updates the existing unit (same id) and is reported
    before = units["SE2321000198-K1"].id
    changed = _upload(
        client, admin, _csv(region, "SE2321000198-K1,Norrby vårdcentral,health_centre,{org},2180", GOOD[1])
    ).json()
    assert changed["updated"] == ["SE2321000198-K1"] and changed["created"] == []
    after = _units(db)["SE2321000198-K1"]
    assert (after.id, after.name) == (before, "Norrby vårdcentral")
    events = _imports(db)
    assert [_detail(e)["imported"] for e in events] == [True, True, True]
    assert _detail(events[-1])["updated"] == ["SE2321000198-K1"]


def test_a_file_with_bad_rows_lists_them_and_imports_nothing(client: TestClient, db: Session) -> None:
    admin, region = _world(db)
    content = _csv(
        region,
        GOOD[0],
        "SE2321000198-K3,,health_centre,{org},2180",  # row 3: no name
        "XX123,Fel enhet,castle,SE0000000000-NONE,21",  # row 4: four rules broken
        "SE2321000198-K1,Dubblett,health_centre,{org},2180",  # row 5: the same HSA-id as row 2
        "SE2321000198-K6,För få fält",  # row 6: too few fields
    )
    r = _upload(client, admin, content)
    assert r.status_code == 422
    body = r.json()
    assert body["imported"] is False and body["created"] == []
    problems = {(p["row"], p["field"]) for p in body["problems"]}
    assert problems == {
        (3, "name"),
        (4, "id"),
        (4, "kind"),
        (4, "organisation"),
        (4, "municipality"),
        (5, "id"),
        (6, "row"),
    }
    rules = {(p["row"], p["field"]): p["rule"] for p in body["problems"]}
    assert rules[(3, "name")] == "required"
    assert rules[(5, "id")] == "the same HSA-id is on an earlier row"
    assert body["rows"] == 5 and body["valid_rows"] == 1
    assert _units(db) == {}  # not even the good row
    (event,) = _imports(db)
    assert event.outcome == "allowed" and event.reason == "not_imported"
    assert _detail(event) == {"rows": 5, "problems": 7, "imported": False}


def test_the_good_rows_only_when_asked(client: TestClient, db: Session) -> None:
    admin, region = _world(db)
    content = _csv(region, GOOD[0], "SE2321000198-K3,Trasig,castle,{org},2180", GOOD[1])
    r = _upload(client, admin, content, partial=True)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imported"] is True
    assert sorted(body["created"]) == ["SE2321000198-K1", "SE2321000198-K2"]
    assert body["skipped_rows"] == [3]
    assert body["problems"] == [{"row": 3, "field": "kind", "rule": "not a known kind of unit"}]
    assert set(_units(db)) == {"SE2321000198-K1", "SE2321000198-K2"}
    assert _imports(db)[-1].reason == "partial_import"


def test_a_file_that_is_no_catalogue_is_refused_whole(client: TestClient, db: Session) -> None:
    admin, region = _world(db)
    wrong_header = _upload(client, admin, b"hsa;namn\nSE2321000198-K1;X\n")
    assert wrong_header.status_code == 422
    assert wrong_header.json()["problems"][0]["field"] == "header"
    not_text = _upload(client, admin, b"\xff\xfe binary")
    assert not_text.json()["problems"] == [{"row": 0, "field": "file", "rule": "the file is not UTF-8 text"}]
    # even when the good rows are asked for, a file whose header is wrong imports nothing
    assert _upload(client, admin, b"a,b,c\n1,2,3\n", partial=True).status_code == 422
    # Swedish Excel's semicolons and the organisation by organisationsnummer are read too
    semicolons = f"id;name;kind;organisation;municipality\nSE2321000198-K9;Semikolon hc;health_centre;{region.org_number};2180\n"
    assert _upload(client, admin, semicolons.encode("utf-8-sig")).status_code == 200
    assert (
        db.scalar(select(func.count()).select_from(CareUnit).where(CareUnit.hsa_id == "SE2321000198-K9")) == 1
    )
