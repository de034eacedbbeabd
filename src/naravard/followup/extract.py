"""`naravard followup extract`: our own database as an event lake.

Persons, listings and units come from the contexts' services (so the export is authorised and
audit-logged there); ids are pseudonymised with a keyed hash, so the lake holds no identifiers and the
same person keeps the same pseudonym across extracts made with the same key. The platform's unit kinds and
sexes are mapped to the lake's vocabulary (``UNIT_KINDS``, ``SEXES``); units that give no care
(administration, social services) are left out. Tables we do not hold yet (encounters, waits, admissions:
they come from the records systems through `naravard import`) are written empty with their schema, so the
lake passes ``validate_lake``; ``followup run`` needs encounters imported first (they set the lake's period).
"""

from __future__ import annotations

import hashlib
import hmac
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from naravard.actor import Actor
from naravard.followup import folders
from naravard.followup.lake import TABLES, arrow_schema, validate_lake
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service

REGION_CODE = "21"  # Gävleborg's county code (länskod)

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
    tables: dict[str, pa.Table] = {
        "units": pa.table(
            {
                "unit_id": [pseudonym(key, u.id) for u in units],
                "name": [u.name for u in units],
                "kind": [UNIT_KIND_TO_LAKE[u.kind] for u in units],
                "region_code": [REGION_CODE] * len(units),
                "municipality_code": [u.municipality_code for u in units],
                "private": [u.organization_kind == "private_provider" for u in units],
            },
            schema=arrow_schema("units"),
        ),
        "persons": pa.table(
            {
                "person_id": [pseudonym(key, p.person_id) for p in population],
                "sex": [SEX_TO_LAKE.get(p.sex or "", p.sex) for p in population],
                "birth_date": [p.birth_date for p in population],
                "region_code": [REGION_CODE] * len(population),
                "municipality_code": [
                    p.municipality_code or unit_municipality.get(p.listing_unit_id) or "0000"  # type: ignore[arg-type]
                    for p in population
                ],
                "in_date": [p.birth_date for p in population],
                "out_date": [None] * len(population),
            },
            schema=arrow_schema("persons"),
        ),
    }
    listed = [p for p in population if p.listing_unit_id is not None]
    tables["listings"] = pa.table(
        {
            "person_id": [pseudonym(key, p.person_id) for p in listed],
            "unit_id": [pseudonym(key, p.listing_unit_id) for p in listed],  # type: ignore[arg-type]
            "valid_from": [p.listed_since for p in listed],
            "valid_to": [None] * len(listed),
        },
        schema=arrow_schema("listings"),
    )
    for name in TABLES:
        tables.setdefault(name, arrow_schema(name).empty_table())

    staging = out_dir.with_name(f".{out_dir.name}.tmp-{uuid.uuid4().hex[:8]}")
    old = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}")
    try:
        for name, table in tables.items():
            (staging / name).mkdir(parents=True)
            pq.write_table(table, staging / name / "part-0.parquet")
        validate_lake(staging)
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    if note is not None:
        note(NO_ENCOUNTERS_NOTE.format(out=out_dir))
    return ExtractSummary(len(population), len(listed), len(units), out_dir)
