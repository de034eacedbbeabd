"""The demo region's access facts: care relationships, consents and blocks (spärrar), so each branch of
the access policy has examples. All draws come from the `access` stream."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from naravard.synth.region_orgs import Organisations, Units
from naravard.synth.region_population import age
from naravard.synth.region_rows import RegionRows, Row

RECORDED_BY = "synth"

# Which hospital's clinics serve a municipality (Gästrikland -> Gävle; Hälsingland -> Hudiksvall/Bollnäs).
_MEDICINE_HOSPITAL = {
    "2101": 901,
    "2104": 901,
    "2180": 901,
    "2181": 901,
    "2132": 902,
    "2182": 902,
    "2184": 902,
    "2121": 903,
    "2161": 903,
    "2183": 903,
}
_PSYCHIATRY_HOSPITAL = {
    code: (901 if hospital == 901 else 902) for code, hospital in _MEDICINE_HOSPITAL.items()
}
_HOME_CARE_CONSENT = "Samtycke vid inskrivning i hemsjukvård"
_MOBILE_TEAM_FOR = {"2180": 951, "2184": 952, "2132": 952}


def _when(rng: random.Random, now: datetime, max_days: int) -> datetime:
    return now - timedelta(days=rng.randint(1, max_days), minutes=rng.randint(0, 600))


def _relate(
    rows: RegionRows,
    rng: random.Random,
    people: Sequence[Row],
    unit_of: Callable[[Row], Row],
    reason: str,
    *,
    ended_share: float = 0.0,
) -> None:
    now = rows.now
    for person in people:
        started = _when(rng, now, 3 * 365)
        ended = None
        if rng.random() < ended_share:
            ended = min(now - timedelta(hours=1), started + timedelta(days=rng.randint(2, 60)))
        rows.add(
            "care_relationships",
            person_id=person["id"],
            unit_id=unit_of(person)["id"],
            reason=reason,
            started_at=started,
            ended_at=ended,
            recorded_by=RECORDED_BY,
        )


def add_access_facts(rows: RegionRows, orgs: Organisations, units: Units, people: list[Row]) -> None:
    """Care relationships, consents and blocks so each branch of the access policy has examples."""
    rng = rows.rng("access")
    today: date = rows.today

    def pick(people: list[Row], share: float, minimum: int = 1) -> list[Row]:
        k = min(len(people), max(minimum, round(len(people) * share)))
        return rng.sample(people, k)

    old = [p for p in people if age(p, today) >= 75]
    home_care = pick(old, 0.2)
    _relate(
        rows,
        rng,
        home_care,
        lambda p: units.home_care[p["municipality_code"]],
        "Inskriven i kommunal hemsjukvård",
    )
    senior = [p for p in people if age(p, today) >= 65]
    _relate(
        rows,
        rng,
        pick(senior, 0.05),
        lambda p: units.clinics[(_MEDICINE_HOSPITAL[p["municipality_code"]], "MED")],
        "Vårdtillfälle och uppföljning, medicinklinik",
        ended_share=0.3,
    )
    adults = [p for p in people if 18 <= age(p, today) < 65]
    _relate(
        rows,
        rng,
        pick(adults, 0.015),
        lambda p: units.clinics[(_PSYCHIATRY_HOSPITAL[p["municipality_code"]], "PSY")],
        "Öppenvårdskontakt, psykiatri",
    )
    mobile = [p for p in home_care if p["municipality_code"] in _MOBILE_TEAM_FOR and age(p, today) >= 80]
    _relate(
        rows,
        rng,
        pick(mobile, 0.3, minimum=0),
        lambda p: units.mobile_teams[_MOBILE_TEAM_FOR[p["municipality_code"]]],
        "Inskriven i mobilt team",
    )
    # Consent (lag (2022:913)): most home-care patients let the municipality and the region see each
    # other's records; some others have consented to the region through 1177. A few are withdrawn.
    consented = pick(home_care, 0.75)
    active: list[Row] = []  # municipality consent given and not withdrawn
    for person in consented:
        municipality = orgs.municipalities[person["municipality_code"]]
        if _consent(rows, rng, person, municipality, _HOME_CARE_CONSENT, method="written"):
            active.append(person)
        _consent(rows, rng, person, orgs.region, _HOME_CARE_CONSENT, method="written")
    chosen = {p["id"] for p in consented}
    others = [p for p in people if p["id"] not in chosen and not p["protected_identity"]]
    for person in pick(others, 0.03):
        _consent(rows, rng, person, orgs.region, "Samtycke via 1177", method="self_service")
    # Blocks (spärr): the first one against the municipality of a consenting home-care patient (in Gävle,
    # where the demo users work, when there is one), to show that a block overrides consent; then
    # alternately a municipality and every other organisation.
    showcase = sorted(active, key=lambda p: p["municipality_code"] != "2180")[:1]
    blocked = showcase + pick([p for p in people if p["id"] not in chosen], 0.003, minimum=2)
    for n, person in enumerate(blocked):
        target = orgs.municipalities[person["municipality_code"]]["id"] if n % 2 == 0 else None
        rows.add(
            "blocks",
            person_id=person["id"],
            blocked_organization_id=target,
            reason="Patientens begäran",
            recorded_by=RECORDED_BY,
            lifted_at=None,
        )


def _consent(rows: RegionRows, rng: random.Random, person: Row, org: Row, note: str, *, method: str) -> bool:
    """Adds a consent row, given by the patient (in writing to home care, or through their own login); True
    when it is in force (not withdrawn). Staff-recorded consents older than a week are already reviewed, so
    the log reviewer's list holds the recent ones."""
    given = _when(rng, rows.now, 2 * 365)
    reviewed = (
        given + timedelta(days=3)
        if method != "self_service" and given < rows.now - timedelta(days=7)
        else None
    )
    withdrawal = given + timedelta(days=rng.randint(1, 30))
    withdrawn = withdrawal if rng.random() < 0.05 and withdrawal < rows.now else None
    rows.add(
        "consents",
        person_id=person["id"],
        organization_id=org["id"],
        given_at=given,
        valid_until=None,
        withdrawn_at=withdrawn,
        recorded_by=RECORDED_BY,
        note=note,
        method=method,
        given_by="patient",
        reviewed_at=reviewed,
        reviewed_by=RECORDED_BY if reviewed else None,
    )
    return withdrawn is None
