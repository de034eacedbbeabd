"""`naravard contacts import FILE`: a records system's export of existing fixed contacts (CSV), checked row by
row against the register before anything is written (`contacts.service.import_assignments`).

Columns (a header row names them, any order): personnummer, kind (doctor | care_contact; also the Swedish
läkare | vårdkontakt), practitioner_hsa_id, unit_hsa_id, valid_from (YYYY-MM-DD), valid_to and informed_date
(optional, YYYY-MM-DD). Line numbers count the header as line 1."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.contacts import rules
from naravard.contacts.models import FixedContact, FixedContactReason, Listing
from naravard.contacts.schemas import BadRow, ImportRow
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service

REQUIRED = ("personnummer", "kind", "practitioner_hsa_id", "unit_hsa_id", "valid_from")
OPTIONAL = ("valid_to", "informed_date")
KINDS = {
    "doctor": "doctor",
    "läkare": "doctor",
    "care_contact": "care_contact",
    "vårdkontakt": "care_contact",
}


def _date(value: str, column: str, line: int, bad: list[BadRow]) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        bad.append(BadRow(line=line, column=column, reason=f"not a date (YYYY-MM-DD): {value!r}"))
        return None


def parse(lines: Iterable[str]) -> tuple[list[ImportRow], list[BadRow]]:
    """The file's rows, and the rows that cannot be read (wrong header, a missing value, a bad date or kind)."""
    reader = csv.reader(lines)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [BadRow(line=1, column=",".join(missing), reason="missing column(s) in the header")]
    rows: list[ImportRow] = []
    bad: list[BadRow] = []
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            bad.append(
                BadRow(line=line, column="", reason=f"{len(values)} values, the header has {len(header)}")
            )
            continue
        rec = {h: v.strip() for h, v in zip(header, values, strict=True)}
        before = len(bad)
        for c in REQUIRED:
            if not rec[c]:
                bad.append(BadRow(line=line, column=c, reason="empty"))
        if len(bad) > before:
            continue
        kind = KINDS.get(rec["kind"].lower())
        if kind is None:
            bad.append(BadRow(line=line, column="kind", reason="doctor or care_contact"))
        ident = rec["personnummer"].replace(" ", "")
        start = _date(rec["valid_from"], "valid_from", line, bad)
        end = _date(rec["valid_to"], "valid_to", line, bad) if rec.get("valid_to") else None
        informed = (
            _date(rec["informed_date"], "informed_date", line, bad) if rec.get("informed_date") else None
        )
        if len(bad) > before or kind is None or ident is None or start is None:
            continue
        if end is not None and end < start:
            bad.append(BadRow(line=line, column="valid_to", reason="before valid_from"))
            continue
        if start > date.today() or (informed is not None and informed > date.today()):
            bad.append(BadRow(line=line, column="valid_from", reason="a date in the future"))
            continue
        rows.append(
            ImportRow(
                line=line,
                identifier=ident,
                kind=kind,
                practitioner_hsa_id=rec["practitioner_hsa_id"],
                unit_hsa_id=rec["unit_hsa_id"],
                valid_from=start,
                valid_to=end,
                informed_date=informed,
            )
        )
    return rows, bad


def parse_text(text: str) -> tuple[list[ImportRow], list[BadRow]]:
    return parse(io.StringIO(text.lstrip("\ufeff")))


def _overlaps(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    return a[0] <= (b[1] or date.max) and b[0] <= (a[1] or date.max)


def check(session: Session, rows: Sequence[ImportRow], bad: list[BadRow]) -> list[FixedContact]:
    """The rows that pass the register's rules, as new `FixedContact`s; each failing row is added to `bad`."""
    persons = patients_service.person_ids_by_identifier(session, {r.identifier for r in rows})
    people = org_service.practitioner_ids_by_hsa(session, {r.practitioner_hsa_id for r in rows})
    units = {u.hsa_id: u for u in org_service.list_units(session)}
    views = org_service.practitioners(session, ids=set(people.values()))
    known = {
        pid: [
            (s, e)
            for s, e in session.execute(
                select(FixedContact.valid_from, FixedContact.valid_to).where(
                    FixedContact.person_id == pid, FixedContact.kind == rules.DOCTOR
                )
            )
        ]
        for pid in {persons[r.identifier] for r in rows if r.identifier in persons and r.kind == rules.DOCTOR}
    }
    good: list[FixedContact] = []
    for r in rows:
        pid, prac, unit = (
            persons.get(r.identifier),
            people.get(r.practitioner_hsa_id),
            units.get(r.unit_hsa_id),
        )
        if pid is None:
            bad.append(
                BadRow(line=r.line, column="personnummer", reason="not a valid number, or no such patient")
            )
            continue
        if prac is None:
            bad.append(BadRow(line=r.line, column="practitioner_hsa_id", reason="no such practitioner"))
            continue
        if unit is None:
            bad.append(BadRow(line=r.line, column="unit_hsa_id", reason="no such unit"))
            continue
        view = views[prac]
        if unit.id not in view.unit_ids:
            bad.append(
                BadRow(
                    line=r.line, column="unit_hsa_id", reason="the practitioner does not work at that unit"
                )
            )
            continue
        listing_id: uuid.UUID | None = None
        if r.kind == rules.DOCTOR:
            if view.profession != "doctor":
                bad.append(
                    BadRow(
                        line=r.line,
                        column="practitioner_hsa_id",
                        reason="a fast läkarkontakt must be a doctor",
                    )
                )
                continue
            listing_id = session.scalar(
                select(Listing.id).where(
                    Listing.person_id == pid,
                    Listing.unit_id == unit.id,
                    Listing.start_date <= r.valid_from,
                    (Listing.end_date.is_(None)) | (Listing.end_date >= (r.valid_to or date.max)),
                )
            )
            if listing_id is None:
                bad.append(
                    BadRow(
                        line=r.line,
                        column="unit_hsa_id",
                        reason="the patient was not listed at that unit then",
                    )
                )
                continue
            period = (r.valid_from, r.valid_to)
            if any(_overlaps(period, other) for other in known.setdefault(pid, [])):
                bad.append(
                    BadRow(line=r.line, column="valid_from", reason="overlaps another fast läkarkontakt")
                )
                continue
            known[pid].append(period)
        elif view.profession not in rules.LICENSED:
            bad.append(
                BadRow(
                    line=r.line,
                    column="practitioner_hsa_id",
                    reason="a fast vårdkontakt must have a licensed profession",
                )
            )
            continue
        good.append(
            FixedContact(
                id=uuid.uuid4(),
                person_id=pid,
                kind=r.kind,
                practitioner_id=prac,
                unit_id=unit.id,
                listing_id=listing_id,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                reason=FixedContactReason.IMPORT.value,
                informed_at=datetime.combine(r.informed_date, time(12), tzinfo=UTC)
                if r.informed_date
                else None,
                informed_how="import" if r.informed_date else None,
                created_by="import",
            )
        )
    return good
