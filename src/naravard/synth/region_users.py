"""The demo region's user accounts: one per role the demo shows, each a practitioner of the region, and
portal accounts for two patients of the demo hälsocentral. No random draws: users follow from the staff and
the population."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from naravard.actor import Role
from naravard.organizations.service import Profession
from naravard.synth.region_orgs import Units
from naravard.synth.region_population import Population, age
from naravard.synth.region_rows import RegionRows, Row


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    unit_name: str


def add_demo_users(
    rows: RegionRows,
    units: Units,
    staff_by_unit: dict[uuid.UUID, list[Row]],
    population: Population,
    password_hash: str,
) -> list[DemoUser]:
    users: list[DemoUser] = []
    gavle_hc = _region_run_hc(units, "2180", "Andersbergs hälsocentral")
    hudik_hc = _region_run_hc(units, "2184", "Hudiksvall Centrum hälsocentral")
    gavle_medicine = units.clinics[(901, "MED")]
    specs: list[tuple[str, Role, Row, Profession, int]] = [
        ("lakare.gavle", Role.CLINICIAN, gavle_hc, Profession.DOCTOR, 0),
        ("ssk.gavle", Role.CLINICIAN, gavle_hc, Profession.NURSE, 0),
        ("chef.gavle", Role.UNIT_MANAGER, gavle_hc, Profession.NURSE, 1),
        ("lakare.hudiksvall", Role.CLINICIAN, hudik_hc, Profession.DOCTOR, 0),
        ("lakare.medicin.gavle", Role.CLINICIAN, gavle_medicine, Profession.DOCTOR, 0),
        ("mobilt.gavle", Role.CLINICIAN, units.mobile_teams[951], Profession.NURSE, 0),
        ("hemsjukvard.gavle", Role.MUNICIPAL_STAFF, units.home_care["2180"], Profession.NURSE, 0),
        ("bistand.gavle", Role.MUNICIPAL_STAFF, units.social["2180"], Profession.CARE_ASSESSOR, 0),
        ("analytiker", Role.ANALYST, units.admin, Profession.ANALYST, 0),
        ("admin", Role.ADMINISTRATOR, units.admin, Profession.ADMINISTRATOR, 0),
        ("logg", Role.LOG_REVIEWER, units.admin, Profession.ADMINISTRATOR, 1),
        ("styrning", Role.GOVERNANCE_OFFICER, units.admin, Profession.ADMINISTRATOR, 0),
    ]
    for username, role, unit, profession, nth in specs:
        staff = [p for p in staff_by_unit[unit["id"]] if p["profession"] == profession.value]
        practitioner = staff[nth]
        display = f"{practitioner['given_name']} {practitioner['family_name']}"
        user = rows.add(
            "users",
            username=username,
            display_name=display,
            password_hash=password_hash,
            is_active=True,
            practitioner_id=practitioner["id"],
            person_id=None,
            language="sv",
            failed_logins=0,
        )
        rows.add("memberships", user_id=user["id"], unit_id=unit["id"], role=role.value, is_active=True)
        users.append(DemoUser(username, display, role.value, unit["name"]))
    users.extend(_add_patient_users(rows, population, password_hash, Role.PATIENT, gavle_hc))
    return users


def _add_patient_users(
    rows: RegionRows, population: Population, password_hash: str, role: Role, unit: Row
) -> list[DemoUser]:
    """Patients of the demo hälsocentral (adult, personnummer, not protected) get a portal account."""
    people, listed_at = population.people, population.listed_at
    candidates = [
        p
        for p in people
        if listed_at[p["id"]] is unit
        and 18 <= age(p, rows.today) < 90
        and p["identifier_kind"] == "personnummer"
        and not p["protected_identity"]
    ]
    candidates = candidates or [p for p in people if not p["protected_identity"]] or people
    users: list[DemoUser] = []
    for n, person in enumerate(candidates[:2], start=1):
        display = f"{person['given_name']} {person['family_name']}"
        user = rows.add(
            "users",
            username=f"patient{n}",
            display_name=display,
            password_hash=password_hash,
            is_active=True,
            practitioner_id=None,
            person_id=person["id"],
            language="sv",
            failed_logins=0,
        )
        rows.add("memberships", user_id=user["id"], unit_id=None, role=role.value, is_active=True)
        users.append(DemoUser(f"patient{n}", display, role.value, listed_at[person["id"]]["name"]))
    return users


def _region_run_hc(units: Units, code: str, preferred: str) -> Row:
    unit = units.by_name.get(preferred)
    if unit is not None and not unit["private_ownership"]:
        return unit
    return next(u for u in units.hc_by_code[code] if not u["private_ownership"])
