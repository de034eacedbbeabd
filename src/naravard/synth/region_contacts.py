"""The demo region's fixed contacts (fast läkarkontakt, fast vårdkontakt) and the notices that told the
patients, so the unit manager's page, the patient's page and the undelivered list have something to show.

Most people listed at a hälsocentral have a fast läkarkontakt (a doctor of their listing unit), some have
none (the unit's proposal has candidates); most were informed, some not yet (a notice waiting, or one that
failed after the last try and can be re-sent). Every unit shows each case: the first person listed there (in
the population's order) has no fast läkarkontakt, and the second one's notice failed. Some complex-needs patients (75 or older, in municipal home
health care) have a nurse of the home health care unit as fast vårdkontakt. The demo's patient accounts
always have an informed fast läkarkontakt. All draws come from the `contacts` stream; these rows are added
after every other part, so the ids of the rest do not move.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

from naravard.organizations.service import Profession
from naravard.synth.region_access import RECORDED_BY
from naravard.synth.region_population import Population, age
from naravard.synth.region_rows import RegionRows, Row

DOCTOR_SHARE = 0.85  # listed people with a fast läkarkontakt
INFORMED_SHARE = 0.9  # of those, informed; the rest have a notice waiting or failed
CARE_CONTACT_SHARE = 0.6  # of the complex-needs patients, with a fast vårdkontakt
FAILED_SHARE = 0.4  # of the not yet informed, the notice failed after the last try
MAX_ATTEMPTS = 5  # contacts.notices.MAX_ATTEMPTS (synth knows the contexts through their seeding keywords)
HOME_CARE_REASON = "Inskriven i kommunal hemsjukvård"


def add_fixed_contacts(
    rows: RegionRows, population: Population, staff_by_unit: dict[uuid.UUID, list[Row]]
) -> int:
    """Adds the fixed contacts and their notices; returns the number of fixed contacts."""
    rng = rows.rng("contacts")
    today = rows.today
    doctors = {
        unit: [p for p in staff if p["profession"] == Profession.DOCTOR.value]
        for unit, staff in staff_by_unit.items()
    }
    nurses = {
        unit: [p for p in staff if p["profession"] == Profession.NURSE.value]
        for unit, staff in staff_by_unit.items()
    }
    active_listing = {r["person_id"]: r for r in rows.rows["listings"] if r["end_date"] is None}
    portal = {u["person_id"] for u in rows.rows["users"] if u["person_id"] is not None}
    count = 0
    seen: dict[uuid.UUID, int] = {}  # people of each unit so far (the portal accounts not counted)
    for person in population.people:
        listing = active_listing.get(person["id"])
        unit_doctors = doctors.get(listing["unit_id"], []) if listing else []
        if listing is None or not unit_doctors:
            continue
        keep = person["id"] in portal
        n = 0 if keep else seen.get(listing["unit_id"], 0) + 1
        if not keep:
            seen[listing["unit_id"]] = n
        # every unit shows each case: its first person has no doctor, its second one's notice failed
        if n == 1 or (n > 2 and rng.random() >= DOCTOR_SHARE):
            continue
        start = _start(rng, listing["start_date"], today)
        doctor = rng.choice(unit_doctors)
        status = "delivered" if keep else "failed" if n == 2 else None
        _add(rows, rng, person, "doctor", doctor, (listing["unit_id"], listing["id"]), start, status)
        count += 1
    home_care = {
        r["person_id"]: r["unit_id"]
        for r in rows.rows["care_relationships"]
        if r["reason"] == HOME_CARE_REASON and r["ended_at"] is None
    }
    for person in population.people:
        unit = home_care.get(person["id"])
        if (
            unit is None
            or age(person, today) < 75
            or not nurses.get(unit)
            or rng.random() >= CARE_CONTACT_SHARE
        ):
            continue
        start = _start(rng, today - timedelta(days=2 * 365), today)
        _add(rows, rng, person, "care_contact", rng.choice(nurses[unit]), (unit, None), start, None)
        count += 1
    return count


def _start(rng: random.Random, earliest: date, today: date) -> date:
    """A day from `earliest` (at most three years back) to today."""
    first = max(earliest, today - timedelta(days=3 * 365))
    return first + timedelta(days=rng.randint(0, max((today - first).days, 0)))


def _add(
    rows: RegionRows,
    rng: random.Random,
    person: Row,
    kind: str,
    practitioner: Row,
    at: tuple[uuid.UUID, uuid.UUID | None],
    start: date,
    status: str | None,
) -> None:
    """One fixed contact in force at `at` (unit, listing) and its notice: delivered (the patient informed),
    waiting or failed; `status` None draws it."""
    unit_id, listing_id = at
    created = datetime.combine(start, rows.now.timetz())
    if status is None:
        informed = rng.random() < INFORMED_SHARE
        status = "delivered" if informed else "failed" if rng.random() < FAILED_SHARE else "pending"
    informed = status == "delivered"
    channel = "message" if person["phone"] is not None or rng.random() < 0.5 else "letter"
    informed_at = (
        min(created + timedelta(days=rng.randint(0, 10), hours=rng.randint(0, 8)), rows.now)
        if informed
        else None
    )
    contact = rows.add(
        "fixed_contacts",
        person_id=person["id"],
        kind=kind,
        practitioner_id=practitioner["id"],
        unit_id=unit_id,
        listing_id=listing_id,
        valid_from=start,
        valid_to=None,
        reason="unit_proposal" if kind == "doctor" else "need",
        note=None,
        informed_at=informed_at,
        informed_how=channel if informed else None,
        created_by=RECORDED_BY,
        created_at=created,
        version=1,
    )
    failed = status == "failed"
    rows.add(
        "notices",
        person_id=person["id"],
        fixed_contact_id=contact["id"],
        event="assigned",
        channel=channel,
        status=status,
        attempts=1 if informed else MAX_ATTEMPTS if failed else 0,
        next_attempt_at=informed_at or rows.now,
        last_error="mottagaren saknar inkorg i 1177" if failed else None,
        delivered_at=informed_at,
        delivery_ref=f"demo-{contact['id'].hex[:12]}" if informed else None,
        created_by=RECORDED_BY,
        created_at=created,
        version=1,
    )
