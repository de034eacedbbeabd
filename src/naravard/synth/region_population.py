"""The demo region's population: people with personnummer or samordningsnummer, and their listings.

A sample of `count` people with the county's age-sex structure (reference.py) and municipality sizes
(`naravard.reference`).
Nothing here is real: identity numbers come from the test series of `patients.identity.generate_identity`,
phone numbers from PTS' series for fiction (070-174 06 05 to 99). All draws come from the `population`
stream, person by person (the person, then his or her listings), in that order.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from naravard.patients.identity import generate_identity
from naravard.reference import MUNICIPALITIES
from naravard.synth import names, reference
from naravard.synth.region_orgs import Units
from naravard.synth.region_rows import RegionRows, Row


@dataclass(frozen=True, slots=True)
class Population:
    people: list[Row]
    listed_at: dict[uuid.UUID, Row]  # the unit of each person's active listing, by person id


def age(person: Row, today: date) -> int:
    """Age in whole years on `today`."""
    birth: date = person["birth_date"]
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def add_population(rows: RegionRows, units: Units, count: int) -> Population:
    rng = rows.rng("population")
    today = rows.today
    cells = [(band, sex) for band in reference.AGE_BANDS for sex in ("female", "male")]
    weights = [share for pair in reference.AGE_SEX_SHARES_PERCENT for share in pair]
    munis = [m.code for m in MUNICIPALITIES]
    drawn_cells = rng.choices(cells, weights=weights, k=count)
    drawn_munis = rng.choices(munis, weights=[m.population_2025 for m in MUNICIPALITIES], k=count)
    # About 1 % samordningsnummer (adults), about 0.5 % protected identity; at least one of each.
    indices = range(count)
    coordination = set(rng.sample(indices, min(count, max(1, round(count * 0.01)))))
    protected = set(rng.sample(indices, min(count, max(1, round(count * 0.005)))))
    used: set[str] = set()
    population = Population(people=[], listed_at={})
    for i, ((band, sex), code) in enumerate(zip(drawn_cells, drawn_munis, strict=True)):
        years = band + (min(int(rng.expovariate(1 / 2.5)), 10) if band == 95 else rng.randrange(5))
        if i in coordination:
            years = max(years, 18)
        birth = today - timedelta(days=max(1, int((years + rng.random()) * 365.2425)))
        identifier, birth = _unique_identity(rng, used, birth, sex, coordination=i in coordination)
        town, postal = names.MUNICIPALITY_TOWNS[code]
        shielded = i in protected
        person = rows.add(
            "persons",
            identifier=identifier,
            identifier_kind="samordningsnummer" if i in coordination else "personnummer",
            given_name=rng.choice(names.FEMALE_GIVEN_NAMES if sex == "female" else names.MALE_GIVEN_NAMES),
            family_name=rng.choice(names.FAMILY_NAMES),
            birth_date=birth,
            sex=sex,
            protected_identity=shielded,
            municipality_code=code,
            # Skyddad folkbokföring: the address is not stored at all, so it cannot leak.
            address=None if shielded else f"{rng.choice(names.STREET_NAMES)} {rng.randint(1, 79)}",
            postal_code=None if shielded else f"{postal} {rng.randint(30, 99)}",
            city=None if shielded else town,
            phone=f"070-17406{rng.randint(5, 99):02d}" if rng.random() < 0.7 else None,
            email=None,
            version=1,
        )
        population.people.append(person)
        population.listed_at[person["id"]] = _add_listings(rows, rng, units, person)
    return population


def _unique_identity(
    rng: random.Random, used: set[str], birth: date, sex: str, *, coordination: bool
) -> tuple[str, date]:
    """10 test-series numbers per sex and day: on a full day, move the birth date one day earlier."""
    while True:
        for _ in range(30):
            number = generate_identity(rng, birth_date=birth, sex=sex, coordination=coordination)
            if number not in used:
                used.add(number)
                return number, birth
        birth -= timedelta(days=1)


def _add_listings(rows: RegionRows, rng: random.Random, units: Units, person: Row) -> Row:
    """One active listing, mostly in the home municipality; some people also have an ended one. Returns the
    unit of the active listing."""
    today = rows.today
    local = units.hc_by_code.get(person["municipality_code"]) or units.health_centres
    unit = rng.choice(local if rng.random() < 0.9 else units.health_centres)
    age_days = (today - person["birth_date"]).days
    start = today - timedelta(days=rng.randint(1, max(1, min(age_days, 15 * 365))))
    source = "1177" if rng.random() < 0.8 else "blankett"
    if (start - person["birth_date"]).days >= 2 and rng.random() < 0.08:
        previous = rng.choice(
            [u for u in local if u is not unit] or [u for u in units.health_centres if u is not unit]
        )
        old_start = person["birth_date"] + timedelta(
            days=rng.randint(0, (start - person["birth_date"]).days - 2)
        )
        rows.add(
            "listings",
            person_id=person["id"],
            unit_id=previous["id"],
            start_date=old_start,
            end_date=start - timedelta(days=1),
            source="blankett",
        )
    rows.add(
        "listings",
        person_id=person["id"],
        unit_id=unit["id"],
        start_date=start,
        end_date=None,
        source=source,
    )
    return unit
