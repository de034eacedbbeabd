"""`naravard followup extract`: our own database as an event lake.

Persons, listings and units come from the contexts' services (so the export is authorised and
audit-logged there); ids are pseudonymised with a keyed hash, so the lake holds no identifiers and the
same person keeps the same pseudonym across extracts made with the same key. A unit keeps its HSA-id (it
names a unit, not a person): the follow-up pages find a user's own unit in the lake by it. The platform's unit kinds and
sexes are mapped to the lake's vocabulary (``UNIT_KINDS``, ``SEXES``); units that give no care
(administration, social services) are left out, and so are listings at them (the lake's listings name
extracted units only). Listings are the whole history, ended ones too, so the month-end listing snapshots
of past months see who was listed where then (``lake_listings``). Tables we do not hold yet (encounters,
waits, admissions: they come from the records systems through `naravard import`) are written empty with
their schema, so the lake passes ``validate_lake``; ``followup run`` needs encounters imported first (they
set the lake's period)."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from naravard import reference
from naravard.actor import Actor
from naravard.careplans import service as careplans_service
from naravard.contacts import service as contacts_service
from naravard.coordination import service as coordination_service
from naravard.followup.lake import folders
from naravard.followup.lake.validation import TABLES, arrow_schema, validate_lake
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service
from naravard.patients.schemas import ListingPeriod


def region_code(municipality_code: str | None) -> str:
    """The region (SCB länskod) of a unit or resident, from the platform's own municipality code: a kommunkod
    is its county's two digits and two more. A code that is no kommunkod (``0000``: unknown) falls back on
    the platform's configured region (``naravard.reference``)."""
    code = municipality_code or ""
    if len(code) == 4 and code.isdigit() and code[:2] != "00":
        return code[:2]
    return reference.REGION_CODE


# the platform's unit kinds (organizations.models.UnitKind) as the lake's; kinds not named give no care
# the follow-up counts (administration, social services) and are not extracted
UNIT_KIND_TO_LAKE: dict[str, str] = {
    "health_centre": "primary",
    "hospital_clinic": "hospital",
    "mobile_team": "mobile_team",
    "home_health_care": "mobile_team",  # kommunal hemsjukvård: care at home by a team
}
SEX_TO_LAKE: dict[str, str] = {"female": "F", "male": "M", "F": "F", "M": "M"}

NO_ENCOUNTERS_NOTE = (
    "the lake has no encounters yet: import them before 'naravard followup run' "
    "(naravard import encounters FILE.csv --lake {out})"
)


def _stderr_note(text: str) -> None:
    print(f"note: {text}", file=sys.stderr)


def pseudonym(key: bytes, value: uuid.UUID) -> int:
    """A stable, positive 63-bit id for `value` that cannot be reversed without `key`."""
    digest = hmac.new(key, value.bytes, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True)
class ExtractSummary:
    persons: int
    listings: int
    units: int
    out_dir: Path
    fixed_contacts: int = 0


def lake_listings(listings: list[ListingPeriod], *, today: date) -> list[tuple[uuid.UUID, date, date | None]]:
    """One person's listings as the lake's periods (unit, valid_from, valid_to inclusive or None).

    The database's ``end_date`` is the last day listed, as the lake's ``valid_to``. A person is listed at
    one unit at a time and the lake refuses overlapping periods, so a period that reaches into the next
    listing (an end kept as the day of relisting, or a listing never ended) ends the day before the next
    one starts. The lake holds no future: a listing starting after ``today`` is left out and one ending
    after it is still valid today (None)."""
    ordered = sorted(
        (li for li in listings if li.start_date <= today),
        key=lambda li: (li.start_date, li.end_date or date.max),
    )
    periods: list[tuple[uuid.UUID, date, date | None]] = []
    for i, li in enumerate(ordered):
        end = li.end_date
        if i + 1 < len(ordered) and (end is None or end >= ordered[i + 1].start_date):
            end = ordered[i + 1].start_date - timedelta(days=1)
        if end is not None and end < li.start_date:
            continue  # replaced by the next listing on its first day
        periods.append((li.unit_id, li.start_date, None if end is not None and end > today else end))
    return periods


def check_out_dir(out_dir: Path) -> Path:
    """``out_dir`` resolved, refused unless it is absent, empty or a lake (table folders only)."""
    return folders.check_out_dir(out_dir, frozenset(TABLES), "an event lake")


def extract(
    session: Session,
    *,
    actor: Actor,
    out_dir: Path,
    key: bytes,
    note: Callable[[str], None] | None = _stderr_note,
) -> ExtractSummary:
    """Write the lake to ``out_dir`` (replacing a lake there); ``note`` is told what to do next (by default
    a line on stderr: encounters must be imported before ``followup run``)."""
    out_dir = check_out_dir(out_dir)
    population = patients_service.export_population(session, actor=actor)
    units = [u for u in org_service.list_units(session) if u.kind in UNIT_KIND_TO_LAKE]
    unit_municipality = {u.id: u.municipality_code for u in units}
    residence = [
        p.municipality_code or unit_municipality.get(p.listing_unit_id) or "0000"  # type: ignore[arg-type]
        for p in population
    ]
    tables: dict[str, pa.Table] = {
        "units": pa.table(
            {
                "unit_id": [pseudonym(key, u.id) for u in units],
                "name": [u.name for u in units],
                "kind": [UNIT_KIND_TO_LAKE[u.kind] for u in units],
                "region_code": [region_code(u.municipality_code) for u in units],
                "municipality_code": [u.municipality_code for u in units],
                "private": [u.organization_kind == "private_provider" for u in units],
                # the platform's HSA-id: how the follow-up pages find a user's own unit in the lake
                "hsa_id": [u.hsa_id for u in units],
            },
            schema=arrow_schema("units"),
        ),
        "persons": pa.table(
            {
                "person_id": [pseudonym(key, p.person_id) for p in population],
                "sex": [SEX_TO_LAKE.get(p.sex or "", p.sex) for p in population],
                "birth_date": [p.birth_date for p in population],
                "region_code": [region_code(m) for m in residence],
                "municipality_code": residence,
                "in_date": [p.birth_date for p in population],
                "out_date": [None] * len(population),
            },
            schema=arrow_schema("persons"),
        ),
    }
    today = date.today()
    listings = [
        (pseudonym(key, p.person_id), pseudonym(key, unit_id), start, end)
        for p in population
        for unit_id, start, end in lake_listings(p.listings, today=today)
        if unit_id in unit_municipality
    ]
    tables["listings"] = pa.table(
        {
            "person_id": [row[0] for row in listings],
            "unit_id": [row[1] for row in listings],
            "valid_from": [row[2] for row in listings],
            "valid_to": [row[3] for row in listings],
        },
        schema=arrow_schema("listings"),
    )
    # The fixed contacts as users assigned them (issue 14), with the day the patient was informed: C_FLK,
    # C_FLK_INF and C_OWNDR then count what the platform did. A row replaced on its first day (valid_to the day
    # before valid_from) was never in force and is left out, as are persons not extracted.
    extracted = {p.person_id for p in population}
    fixed = [
        r
        for r in contacts_service.export_fixed_contacts(session, actor=actor)
        if r.person_id in extracted
        and r.valid_from <= today
        and (r.valid_to is None or r.valid_to >= r.valid_from)
    ]
    tables["fixed_contacts"] = pa.table(
        {
            "person_id": [pseudonym(key, r.person_id) for r in fixed],
            "practitioner_id": [pseudonym(key, r.practitioner_id) for r in fixed],
            "profession": [r.profession for r in fixed],
            "kind": [r.kind for r in fixed],
            "valid_from": [r.valid_from for r in fixed],
            "valid_to": [r.valid_to for r in fixed],
            "informed_date": [r.informed_date for r in fixed],
        },
        schema=arrow_schema("fixed_contacts"),
    )
    # The care plans (issue 15): Patientkontrakt and SIP meetings as users recorded them, so P_GOALS, P_AGREED
    # and P_SIP count what the platform did; plans of persons or units not extracted are left out.
    lake_units = {u.id for u in units}
    plan_rows = careplans_service.lake_rows(
        session,
        actor=actor,
        pseudonym=lambda value: pseudonym(key, value),
        unit_id_of=lambda unit_id: pseudonym(key, unit_id) if unit_id in lake_units else None,
    )
    lake_persons = {pseudonym(key, p) for p in extracted}
    for name in ("contracts", "sip_meetings"):
        kept = [r for r in plan_rows[name] if r["person_id"] in lake_persons]
        tables[name] = pa.Table.from_pylist(kept, schema=arrow_schema(name))
    # Admissions and discharges as the platform recorded them (issue 16): K_UKL from what users did.
    lake_unit_ids = {pseudonym(key, u) for u in lake_units}
    admissions = [
        r.model_dump()
        for r in coordination_service.export_admissions(
            session, actor=actor, pseudonym=lambda v: pseudonym(key, v)
        )
        if r.person_id in lake_persons and r.unit_id in lake_unit_ids
    ]
    tables["admissions"] = pa.Table.from_pylist(admissions, schema=arrow_schema("admissions"))
    for name in TABLES:
        tables.setdefault(name, arrow_schema(name).empty_table())

    staging = out_dir.with_name(f".{out_dir.name}.tmp-{uuid.uuid4().hex[:8]}")
    old = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}")
    try:
        for name, table in tables.items():
            (staging / name).mkdir(parents=True)
            pq.write_table(table, staging / name / "part-0.parquet")
        validate_lake(staging, today=today)
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    if note is not None:
        note(NO_ENCOUNTERS_NOTE.format(out=out_dir))
    return ExtractSummary(len(population), len(listings), len(units), out_dir, len(fixed))
