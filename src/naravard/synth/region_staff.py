"""The demo region's practitioners and their roles at units.

Staff numbers follow the size of the units' municipalities (`naravard.reference`), not the demo
population: a small demo population meets a full-size region.
"""

from __future__ import annotations

import uuid

from naravard.organizations.service import Profession
from naravard.reference import MUNICIPALITIES
from naravard.synth import names
from naravard.synth.region_orgs import Units
from naravard.synth.region_rows import RegionRows, Row


def add_staff(rows: RegionRows, units: Units) -> dict[uuid.UUID, list[Row]]:
    """Hires the practitioners of every unit; returns them per unit id, in hiring order."""
    rng = rows.rng("staff")
    staff_by_unit: dict[uuid.UUID, list[Row]] = {}
    counters: dict[str, int] = {}
    org_by_id = {o["id"]: o for o in rows.rows["organizations"]}
    population = {m.code: m.population_2025 for m in MUNICIPALITIES}

    def hire(unit: Row, profession: Profession, count: int) -> None:
        prefix = org_by_id[unit["organization_id"]]["hsa_id"].split("-")[0]
        for _ in range(max(count, 0)):
            counters[prefix] = counters.get(prefix, 0) + 1
            female = rng.random() < 0.6
            person = rows.add(
                "practitioners",
                hsa_id=f"{prefix}-P{counters[prefix]:05d}",
                given_name=rng.choice(names.FEMALE_GIVEN_NAMES if female else names.MALE_GIVEN_NAMES),
                family_name=rng.choice(names.FAMILY_NAMES),
                profession=profession.value,
            )
            rows.add("practitioner_roles", practitioner_id=person["id"], unit_id=unit["id"])
            staff_by_unit.setdefault(unit["id"], []).append(person)

    def scaled(per: int, low: int, high: int, base: int) -> int:
        return min(high, max(low, round(base / per)))

    for hc in units.health_centres:
        listed = population[hc["municipality_code"]] / len(units.hc_by_code[hc["municipality_code"]])
        hire(hc, Profession.DOCTOR, scaled(1_500, 2, 10, round(listed)))
        hire(hc, Profession.NURSE, scaled(1_000, 3, 12, round(listed)))
        hire(hc, Profession.ASSISTANT_NURSE, scaled(2_000, 1, 6, round(listed)))
        hire(hc, Profession.PHYSIOTHERAPIST, rng.randint(1, 3))
        hire(hc, Profession.OCCUPATIONAL_THERAPIST, rng.randint(1, 2))
        hire(hc, Profession.COUNSELLOR, 1)
        hire(hc, Profession.PSYCHOLOGIST, 1)
        hire(hc, Profession.DIETITIAN, int(rng.random() < 0.2))
    for code, pop in population.items():
        hire(units.social[code], Profession.CARE_ASSESSOR, scaled(6_000, 1, 17, pop))
        hire(units.home_care[code], Profession.NURSE, scaled(3_000, 2, 35, pop))
        hire(units.home_care[code], Profession.ASSISTANT_NURSE, scaled(4_000, 1, 26, pop))
        hire(units.home_care[code], Profession.OCCUPATIONAL_THERAPIST, scaled(15_000, 1, 7, pop))
        hire(units.home_care[code], Profession.PHYSIOTHERAPIST, scaled(15_000, 1, 7, pop))
    for (_, hsa), clinic in units.clinics.items():
        psychiatry = hsa == "PSY"
        hire(clinic, Profession.DOCTOR, rng.randint(4, 10) if psychiatry else rng.randint(6, 16))
        hire(clinic, Profession.NURSE, rng.randint(6, 15) if psychiatry else rng.randint(10, 25))
        hire(clinic, Profession.ASSISTANT_NURSE, rng.randint(4, 10))
        hire(clinic, Profession.PSYCHOLOGIST, rng.randint(3, 8) if psychiatry else 0)
        hire(clinic, Profession.COUNSELLOR, rng.randint(2, 5) if psychiatry else 1)
        hire(clinic, Profession.OCCUPATIONAL_THERAPIST, 0 if psychiatry else rng.randint(1, 3))
        hire(clinic, Profession.PHYSIOTHERAPIST, 0 if psychiatry else rng.randint(1, 3))
        hire(clinic, Profession.PHARMACIST, int(not psychiatry))
    for team in units.mobile_teams.values():
        hire(team, Profession.DOCTOR, 2)
        hire(team, Profession.NURSE, 4)
        hire(team, Profession.OCCUPATIONAL_THERAPIST, 1)
        hire(team, Profession.PHYSIOTHERAPIST, 1)
    hire(units.admin, Profession.ANALYST, 3)
    hire(units.admin, Profession.ADMINISTRATOR, 3)
    return staff_by_unit
