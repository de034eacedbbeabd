"""The demo region: a synthetic Region Gävleborg written into the database, deterministic from a seed.

Organisations, units, staff and users are a fixed picture of the county (reference.py); the population is
a sample of `persons` people with the county's age-sex structure and municipality sizes. Staff numbers do
not scale with `persons`: a small demo population meets a full-size region.

Every random choice comes from `random.Random` streams seeded from `seed` and a part name (ids, staff,
population, access facts, users), so one run equals the next, ids included, and a change in one part does
not reshuffle the others. Nothing here is real: identity numbers come from the test series of
`patients.identity.generate_identity`, phone numbers from PTS' series for fiction (070-174 06 05 to 99).

Unit names and HSA-ids of hälsocentraler, hospitals and mobile teams come from reference.py, so the demo
database and the event lake name the same units (private hälsocentraler keep their HSA-id under the
region's prefix, as in reference.py, although a private provider owns them).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from naravard.accounts.models import Membership, User
from naravard.actor import Role
from naravard.consent.models import Block, CareRelationship, Consent
from naravard.contacts.models import Listing
from naravard.errors import Conflict
from naravard.organizations.models import (
    CareUnit,
    Organization,
    OrganizationKind,
    Practitioner,
    PractitionerRole,
    Profession,
    UnitKind,
)
from naravard.patients.identity import generate_identity, luhn_check_digit
from naravard.patients.models import Person
from naravard.synth import names, reference

REGION_ORG_NUMBER = "232100-0198"
REGION_HSA = "SE2321000198"
ADMIN_UNIT_NAME = "Region Gävleborg Hälso- och sjukvårdsförvaltningen"
RECORDED_BY = "synth"
_CHUNK = 5_000

# Hospital clinics: (hospital unit id in reference.HOSPITALS, clinic name suffix, HSA suffix).
_CLINICS: tuple[tuple[int, str, str], ...] = (
    (901, "medicinklinik", "MED"),
    (901, "psykiatriska kliniken", "PSY"),
    (901, "geriatriska kliniken", "GER"),
    (902, "medicinklinik", "MED"),
    (902, "psykiatriska kliniken", "PSY"),
    (903, "medicinklinik", "MED"),
)
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


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    unit_name: str


@dataclass(frozen=True, slots=True)
class DemoSummary:
    organizations: int
    units: int
    practitioners: int
    persons: int
    listings: int
    care_relationships: int
    consents: int
    blocks: int
    users: list[DemoUser]


def region_exists(session: Session) -> bool:
    """True when the demo region (or the real one) is already in the database."""
    return bool(session.scalar(select(exists().where(Organization.org_number == REGION_ORG_NUMBER))))


def create_demo_region(
    session: Session,
    *,
    persons: int = 3000,
    seed: int = 1,
    demo_password_hash: str,
    today: date | None = None,
) -> DemoSummary:
    """Write the demo region into `session` (no commit: the caller owns the transaction).

    Raises `Conflict` if the region is already there; callers check `region_exists` first.
    """
    if persons < 1:
        raise ValueError("persons must be at least 1")
    if region_exists(session):
        raise Conflict("the demo region already exists")
    builder = _Builder(seed=seed, today=today or date.today())
    builder.build(persons=persons, password_hash=demo_password_hash)
    for model, rows in builder.tables():
        # Core insert on the table: one executemany per chunk. The ORM bulk path drops None values from
        # each row and so splits rows with different None columns into thousands of small statements.
        for start in range(0, len(rows), _CHUNK):
            session.execute(insert(model.__table__), rows[start : start + _CHUNK])
    return builder.summary()


def _org_number(nine_digits: str) -> str:
    """Organisationsnummer NNNNNN-NNNC with the same modulus-10 check digit as personnummer."""
    return f"{nine_digits[:6]}-{nine_digits[6:]}{luhn_check_digit(nine_digits)}"


def _hsa_prefix(org_number: str) -> str:
    return "SE" + org_number.replace("-", "")


class _Builder:
    """Collects rows per table in insertion order (parents before children, for the foreign keys)."""

    def __init__(self, *, seed: int, today: date) -> None:
        self.seed = seed
        self.today = today
        self.now = datetime.combine(today, time(8, 0), tzinfo=UTC)
        self._ids = self._rng("ids")
        self.rows: dict[type[Any], list[dict[str, Any]]] = {
            m: []
            for m in (
                Organization,
                CareUnit,
                Practitioner,
                PractitionerRole,
                Person,
                Listing,
                CareRelationship,
                Consent,
                Block,
                User,
                Membership,
            )
        }
        self.units_by_name: dict[str, dict[str, Any]] = {}
        self.staff_by_unit: dict[uuid.UUID, list[dict[str, Any]]] = {}
        self.listed_at: dict[uuid.UUID, dict[str, Any]] = {}
        self.users: list[DemoUser] = []

    def _rng(self, part: str) -> random.Random:
        return random.Random(f"naravard-demo:{self.seed}:{part}")

    def _id(self) -> uuid.UUID:
        return uuid.UUID(int=self._ids.getrandbits(128), version=4)

    def _add(self, model: type[Any], **values: Any) -> dict[str, Any]:
        row = {"id": self._id(), **values}
        self.rows[model].append(row)
        return row

    def tables(self) -> Iterable[tuple[type[Any], list[dict[str, Any]]]]:
        return ((model, rows) for model, rows in self.rows.items() if rows)

    def summary(self) -> DemoSummary:
        r = self.rows
        return DemoSummary(
            organizations=len(r[Organization]),
            units=len(r[CareUnit]),
            practitioners=len(r[Practitioner]),
            persons=len(r[Person]),
            listings=len(r[Listing]),
            care_relationships=len(r[CareRelationship]),
            consents=len(r[Consent]),
            blocks=len(r[Block]),
            users=list(self.users),
        )

    def build(self, *, persons: int, password_hash: str) -> None:
        self._organizations()
        self._units()
        self._staff()
        self._population(persons)
        self._access_facts()
        self._demo_users(password_hash)

    # --- organisations and units -------------------------------------------------------------------

    def _organizations(self) -> None:
        rng = self._rng("organizations")
        self.region = self._add(
            Organization,
            name=reference.REGION_NAME,
            kind=OrganizationKind.REGION.value,
            org_number=REGION_ORG_NUMBER,
            hsa_id=f"{REGION_HSA}-RG",
            municipality_code=None,
        )
        self.municipalities: dict[str, dict[str, Any]] = {}
        for m in reference.MUNICIPALITIES:
            # Municipalities' organisationsnummer start 212000-; the rest is synthetic from the SCB code.
            org_number = _org_number("212000" + m.code[1:])
            self.municipalities[m.code] = self._add(
                Organization,
                name=f"{m.name} kommun",
                kind=OrganizationKind.MUNICIPALITY.value,
                org_number=org_number,
                hsa_id=f"{_hsa_prefix(org_number)}-KN",
                municipality_code=m.code,
            )
        self.providers: list[dict[str, Any]] = []
        for name in names.PRIVATE_PROVIDERS:
            org_number = _org_number(f"559{rng.randrange(100_000, 1_000_000)}")
            self.providers.append(
                self._add(
                    Organization,
                    name=name,
                    kind=OrganizationKind.PRIVATE_PROVIDER.value,
                    org_number=org_number,
                    hsa_id=f"{_hsa_prefix(org_number)}-VG",
                    municipality_code=None,
                )
            )

    def _unit(
        self,
        org: dict[str, Any],
        name: str,
        kind: UnitKind,
        hsa_id: str,
        code: str,
        *,
        accepts_listing: bool = False,
        private: bool = False,
    ) -> dict[str, Any]:
        unit = self._add(
            CareUnit,
            organization_id=org["id"],
            name=name,
            kind=kind.value,
            hsa_id=hsa_id,
            municipality_code=code,
            accepts_listing=accepts_listing,
            private_ownership=private,
        )
        self.units_by_name[name] = unit
        return unit

    def _units(self) -> None:
        self.admin_unit = self._unit(
            self.region, ADMIN_UNIT_NAME, UnitKind.ADMINISTRATION, f"{REGION_HSA}-HSF", "2180"
        )
        self.home_care: dict[str, dict[str, Any]] = {}
        self.social: dict[str, dict[str, Any]] = {}
        for code, org in self.municipalities.items():
            prefix, town = org["hsa_id"].split("-")[0], org["name"]
            self.social[code] = self._unit(
                org, f"{town} socialtjänst och äldreomsorg", UnitKind.SOCIAL_SERVICES, f"{prefix}-SOC", code
            )
            self.home_care[code] = self._unit(
                org, f"{town} hemsjukvård", UnitKind.HOME_HEALTH_CARE, f"{prefix}-HSV", code
            )
        # Private hälsocentraler are shared round-robin among the private providers (Hälsoval contracts).
        private = [hc for hc in reference.HEALTH_CENTRES if hc.private]
        owner = {hc.unit_id: self.providers[i % len(self.providers)] for i, hc in enumerate(private)}
        self.health_centres: list[dict[str, Any]] = []
        self.hc_by_code: dict[str, list[dict[str, Any]]] = {}
        for hc in reference.HEALTH_CENTRES:
            unit = self._unit(
                owner.get(hc.unit_id, self.region),
                hc.name,
                UnitKind.HEALTH_CENTRE,
                hc.hsa_id,
                hc.municipality_code,
                accepts_listing=True,
                private=hc.private,
            )
            self.health_centres.append(unit)
            self.hc_by_code.setdefault(hc.municipality_code, []).append(unit)
        hospitals = {unit_id: (name, code) for unit_id, name, code in reference.HOSPITALS}
        self.clinics: dict[tuple[int, str], dict[str, Any]] = {}
        for hospital_id, suffix, hsa in _CLINICS:
            name, code = hospitals[hospital_id]
            self.clinics[(hospital_id, hsa)] = self._unit(
                self.region,
                f"{name} {suffix}",
                UnitKind.HOSPITAL_CLINIC,
                f"{REGION_HSA}-K{hospital_id}{hsa}",
                code,
            )
        self.mobile_teams = {
            unit_id: self._unit(self.region, name, UnitKind.MOBILE_TEAM, f"{REGION_HSA}-MT{unit_id}", code)
            for unit_id, name, code in reference.MOBILE_TEAMS
        }

    # --- staff --------------------------------------------------------------------------------------

    def _staff(self) -> None:
        rng = self._rng("staff")
        counters: dict[str, int] = {}
        org_by_id = {o["id"]: o for o in self.rows[Organization]}
        population = {m.code: m.population_2025 for m in reference.MUNICIPALITIES}

        def hire(unit: dict[str, Any], profession: Profession, count: int) -> None:
            prefix = org_by_id[unit["organization_id"]]["hsa_id"].split("-")[0]
            for _ in range(max(count, 0)):
                counters[prefix] = counters.get(prefix, 0) + 1
                female = rng.random() < 0.6
                person = self._add(
                    Practitioner,
                    hsa_id=f"{prefix}-P{counters[prefix]:05d}",
                    given_name=rng.choice(names.FEMALE_GIVEN_NAMES if female else names.MALE_GIVEN_NAMES),
                    family_name=rng.choice(names.FAMILY_NAMES),
                    profession=profession.value,
                )
                self._add(PractitionerRole, practitioner_id=person["id"], unit_id=unit["id"])
                self.staff_by_unit.setdefault(unit["id"], []).append(person)

        def scaled(per: int, low: int, high: int, base: int) -> int:
            return min(high, max(low, round(base / per)))

        for hc in self.health_centres:
            listed = population[hc["municipality_code"]] / len(self.hc_by_code[hc["municipality_code"]])
            hire(hc, Profession.DOCTOR, scaled(1_500, 2, 10, round(listed)))
            hire(hc, Profession.NURSE, scaled(1_000, 3, 12, round(listed)))
            hire(hc, Profession.ASSISTANT_NURSE, scaled(2_000, 1, 6, round(listed)))
            hire(hc, Profession.PHYSIOTHERAPIST, rng.randint(1, 3))
            hire(hc, Profession.OCCUPATIONAL_THERAPIST, rng.randint(1, 2))
            hire(hc, Profession.COUNSELLOR, 1)
            hire(hc, Profession.PSYCHOLOGIST, 1)
            hire(hc, Profession.DIETITIAN, int(rng.random() < 0.2))
        for code, pop in population.items():
            hire(self.social[code], Profession.CARE_ASSESSOR, scaled(6_000, 1, 17, pop))
            hire(self.home_care[code], Profession.NURSE, scaled(3_000, 2, 35, pop))
            hire(self.home_care[code], Profession.ASSISTANT_NURSE, scaled(4_000, 1, 26, pop))
            hire(self.home_care[code], Profession.OCCUPATIONAL_THERAPIST, scaled(15_000, 1, 7, pop))
            hire(self.home_care[code], Profession.PHYSIOTHERAPIST, scaled(15_000, 1, 7, pop))
        for (_, hsa), clinic in self.clinics.items():
            psychiatry = hsa == "PSY"
            hire(clinic, Profession.DOCTOR, rng.randint(4, 10) if psychiatry else rng.randint(6, 16))
            hire(clinic, Profession.NURSE, rng.randint(6, 15) if psychiatry else rng.randint(10, 25))
            hire(clinic, Profession.ASSISTANT_NURSE, rng.randint(4, 10))
            hire(clinic, Profession.PSYCHOLOGIST, rng.randint(3, 8) if psychiatry else 0)
            hire(clinic, Profession.COUNSELLOR, rng.randint(2, 5) if psychiatry else 1)
            hire(clinic, Profession.OCCUPATIONAL_THERAPIST, 0 if psychiatry else rng.randint(1, 3))
            hire(clinic, Profession.PHYSIOTHERAPIST, 0 if psychiatry else rng.randint(1, 3))
            hire(clinic, Profession.PHARMACIST, int(not psychiatry))
        for team in self.mobile_teams.values():
            hire(team, Profession.DOCTOR, 2)
            hire(team, Profession.NURSE, 4)
            hire(team, Profession.OCCUPATIONAL_THERAPIST, 1)
            hire(team, Profession.PHYSIOTHERAPIST, 1)
        hire(self.admin_unit, Profession.ANALYST, 3)
        hire(self.admin_unit, Profession.ADMINISTRATOR, 3)

    # --- population ---------------------------------------------------------------------------------

    def _population(self, count: int) -> None:
        rng = self._rng("population")
        cells = [(band, sex) for band in reference.AGE_BANDS for sex in ("female", "male")]
        weights = [share for pair in reference.AGE_SEX_SHARES_PERCENT for share in pair]
        munis = [m.code for m in reference.MUNICIPALITIES]
        drawn_cells = rng.choices(cells, weights=weights, k=count)
        drawn_munis = rng.choices(
            munis, weights=[m.population_2025 for m in reference.MUNICIPALITIES], k=count
        )
        # About 1 % samordningsnummer (adults), about 0.5 % protected identity; at least one of each.
        indices = range(count)
        coordination = set(rng.sample(indices, min(count, max(1, round(count * 0.01)))))
        protected = set(rng.sample(indices, min(count, max(1, round(count * 0.005)))))
        used: set[str] = set()
        self.people: list[dict[str, Any]] = []
        for i, ((band, sex), code) in enumerate(zip(drawn_cells, drawn_munis, strict=True)):
            age = band + (min(int(rng.expovariate(1 / 2.5)), 10) if band == 95 else rng.randrange(5))
            if i in coordination:
                age = max(age, 18)
            birth = self.today - timedelta(days=max(1, int((age + rng.random()) * 365.2425)))
            identifier, birth = self._unique_identity(rng, used, birth, sex, coordination=i in coordination)
            town, postal = names.MUNICIPALITY_TOWNS[code]
            shielded = i in protected
            person = self._add(
                Person,
                identifier=identifier,
                identifier_kind="samordningsnummer" if i in coordination else "personnummer",
                given_name=rng.choice(
                    names.FEMALE_GIVEN_NAMES if sex == "female" else names.MALE_GIVEN_NAMES
                ),
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
            self.people.append(person)
            self._listings(rng, person)

    def _unique_identity(
        self, rng: random.Random, used: set[str], birth: date, sex: str, *, coordination: bool
    ) -> tuple[str, date]:
        """10 test-series numbers per sex and day: on a full day, move the birth date one day earlier."""
        while True:
            for _ in range(30):
                number = generate_identity(rng, birth_date=birth, sex=sex, coordination=coordination)
                if number not in used:
                    used.add(number)
                    return number, birth
            birth -= timedelta(days=1)

    def _listings(self, rng: random.Random, person: dict[str, Any]) -> None:
        """One active listing, mostly in the home municipality; some people also have an ended one."""
        local = self.hc_by_code.get(person["municipality_code"]) or self.health_centres
        unit = rng.choice(local if rng.random() < 0.9 else self.health_centres)
        age_days = (self.today - person["birth_date"]).days
        start = self.today - timedelta(days=rng.randint(1, max(1, min(age_days, 15 * 365))))
        source = "1177" if rng.random() < 0.8 else "blankett"
        if (start - person["birth_date"]).days >= 2 and rng.random() < 0.08:
            previous = rng.choice(
                [u for u in local if u is not unit] or [u for u in self.health_centres if u is not unit]
            )
            old_start = person["birth_date"] + timedelta(
                days=rng.randint(0, (start - person["birth_date"]).days - 2)
            )
            self._add(
                Listing,
                person_id=person["id"],
                unit_id=previous["id"],
                start_date=old_start,
                end_date=start - timedelta(days=1),
                source="blankett",
            )
        self._add(
            Listing,
            person_id=person["id"],
            unit_id=unit["id"],
            start_date=start,
            end_date=None,
            source=source,
        )
        self.listed_at[person["id"]] = unit

    # --- access facts -------------------------------------------------------------------------------

    def _age(self, person: dict[str, Any]) -> int:
        birth: date = person["birth_date"]
        return self.today.year - birth.year - ((self.today.month, self.today.day) < (birth.month, birth.day))

    def _when(self, rng: random.Random, max_days: int) -> datetime:
        return self.now - timedelta(days=rng.randint(1, max_days), minutes=rng.randint(0, 600))

    def _relate(
        self,
        rng: random.Random,
        people: Sequence[dict[str, Any]],
        unit_of: Any,
        reason: str,
        *,
        ended_share: float = 0.0,
    ) -> None:
        for person in people:
            started = self._when(rng, 3 * 365)
            ended = None
            if rng.random() < ended_share:
                ended = min(self.now - timedelta(hours=1), started + timedelta(days=rng.randint(2, 60)))
            self._add(
                CareRelationship,
                person_id=person["id"],
                unit_id=unit_of(person)["id"],
                reason=reason,
                started_at=started,
                ended_at=ended,
                recorded_by=RECORDED_BY,
            )

    def _access_facts(self) -> None:
        """Care relationships, consents and blocks so each branch of the access policy has examples."""
        rng = self._rng("access")

        def pick(people: list[dict[str, Any]], share: float, minimum: int = 1) -> list[dict[str, Any]]:
            k = min(len(people), max(minimum, round(len(people) * share)))
            return rng.sample(people, k)

        old = [p for p in self.people if self._age(p) >= 75]
        home_care = pick(old, 0.2)
        self._relate(
            rng,
            home_care,
            lambda p: self.home_care[p["municipality_code"]],
            "Inskriven i kommunal hemsjukvård",
        )
        senior = [p for p in self.people if self._age(p) >= 65]
        self._relate(
            rng,
            pick(senior, 0.05),
            lambda p: self.clinics[(_MEDICINE_HOSPITAL[p["municipality_code"]], "MED")],
            "Vårdtillfälle och uppföljning, medicinklinik",
            ended_share=0.3,
        )
        adults = [p for p in self.people if 18 <= self._age(p) < 65]
        self._relate(
            rng,
            pick(adults, 0.015),
            lambda p: self.clinics[(_PSYCHIATRY_HOSPITAL[p["municipality_code"]], "PSY")],
            "Öppenvårdskontakt, psykiatri",
        )
        mobile = [p for p in home_care if p["municipality_code"] in _MOBILE_TEAM_FOR and self._age(p) >= 80]
        self._relate(
            rng,
            pick(mobile, 0.3, minimum=0),
            lambda p: self.mobile_teams[_MOBILE_TEAM_FOR[p["municipality_code"]]],
            "Inskriven i mobilt team",
        )
        # Consent (PDL 6 kap. 3 §): most home-care patients let the municipality and the region see each
        # other's records; some others have consented to the region through 1177. A few are withdrawn.
        consented = pick(home_care, 0.75)
        active: list[dict[str, Any]] = []  # municipality consent given and not withdrawn
        for person in consented:
            municipality = self.municipalities[person["municipality_code"]]
            if self._consent(rng, person, municipality, _HOME_CARE_CONSENT):
                active.append(person)
            self._consent(rng, person, self.region, _HOME_CARE_CONSENT)
        chosen = {p["id"] for p in consented}
        others = [p for p in self.people if p["id"] not in chosen and not p["protected_identity"]]
        for person in pick(others, 0.03):
            self._consent(rng, person, self.region, "Samtycke via 1177")
        # Blocks (spärr): the first one against the municipality of a consenting home-care patient (in Gävle,
        # where the demo users work, when there is one), to show that a block overrides consent; then
        # alternately a municipality and every other organisation.
        showcase = sorted(active, key=lambda p: p["municipality_code"] != "2180")[:1]
        blocked = showcase + pick([p for p in self.people if p["id"] not in chosen], 0.003, minimum=2)
        for n, person in enumerate(blocked):
            target = self.municipalities[person["municipality_code"]]["id"] if n % 2 == 0 else None
            self._add(
                Block,
                person_id=person["id"],
                blocked_organization_id=target,
                reason="Patientens begäran",
                recorded_by=RECORDED_BY,
                lifted_at=None,
            )

    def _consent(self, rng: random.Random, person: dict[str, Any], org: dict[str, Any], note: str) -> bool:
        """Adds a consent row; True when it is in force (not withdrawn)."""
        given = self._when(rng, 2 * 365)
        withdrawn: datetime | None = given + timedelta(days=rng.randint(1, 30))
        if rng.random() >= 0.05 or withdrawn is None or withdrawn >= self.now:
            withdrawn = None
        self._add(
            Consent,
            person_id=person["id"],
            organization_id=org["id"],
            given_at=given,
            valid_until=None,
            withdrawn_at=withdrawn,
            recorded_by=RECORDED_BY,
            note=note,
        )
        return withdrawn is None

    # --- demo users ---------------------------------------------------------------------------------

    def _demo_users(self, password_hash: str) -> None:
        gavle_hc = self._region_run_hc("2180", "Andersbergs hälsocentral")
        hudik_hc = self._region_run_hc("2184", "Hudiksvall Centrum hälsocentral")
        gavle_medicine = self.clinics[(901, "MED")]
        specs: list[tuple[str, Role, dict[str, Any], Profession, int]] = [
            ("lakare.gavle", Role.CLINICIAN, gavle_hc, Profession.DOCTOR, 0),
            ("ssk.gavle", Role.CLINICIAN, gavle_hc, Profession.NURSE, 0),
            ("chef.gavle", Role.UNIT_MANAGER, gavle_hc, Profession.NURSE, 1),
            ("lakare.hudiksvall", Role.CLINICIAN, hudik_hc, Profession.DOCTOR, 0),
            ("lakare.medicin.gavle", Role.CLINICIAN, gavle_medicine, Profession.DOCTOR, 0),
            ("mobilt.gavle", Role.CLINICIAN, self.mobile_teams[951], Profession.NURSE, 0),
            ("hemsjukvard.gavle", Role.MUNICIPAL_STAFF, self.home_care["2180"], Profession.NURSE, 0),
            ("bistand.gavle", Role.MUNICIPAL_STAFF, self.social["2180"], Profession.CARE_ASSESSOR, 0),
            ("analytiker", Role.ANALYST, self.admin_unit, Profession.ANALYST, 0),
            ("admin", Role.ADMINISTRATOR, self.admin_unit, Profession.ADMINISTRATOR, 0),
            ("logg", Role.LOG_REVIEWER, self.admin_unit, Profession.ADMINISTRATOR, 1),
        ]
        for username, role, unit, profession, nth in specs:
            staff = [p for p in self.staff_by_unit[unit["id"]] if p["profession"] == profession.value]
            practitioner = staff[nth]
            display = f"{practitioner['given_name']} {practitioner['family_name']}"
            user = self._add(
                User,
                username=username,
                display_name=display,
                password_hash=password_hash,
                is_active=True,
                practitioner_id=practitioner["id"],
                person_id=None,
                language="sv",
                failed_logins=0,
            )
            self._add(Membership, user_id=user["id"], unit_id=unit["id"], role=role.value, is_active=True)
            self.users.append(DemoUser(username, display, role.value, unit["name"]))
        patient_role = getattr(Role, "PATIENT", None)
        if patient_role is not None:
            self._patient_users(password_hash, patient_role, gavle_hc)

    def _patient_users(self, password_hash: str, role: Role, unit: dict[str, Any]) -> None:
        """Patients of the demo hälsocentral (adult, personnummer, not protected) get a portal account."""
        candidates = [
            p
            for p in self.people
            if self.listed_at[p["id"]] is unit
            and 18 <= self._age(p) < 90
            and p["identifier_kind"] == "personnummer"
            and not p["protected_identity"]
        ]
        candidates = candidates or [p for p in self.people if not p["protected_identity"]] or self.people
        for n, person in enumerate(candidates[:2], start=1):
            display = f"{person['given_name']} {person['family_name']}"
            user = self._add(
                User,
                username=f"patient{n}",
                display_name=display,
                password_hash=password_hash,
                is_active=True,
                practitioner_id=None,
                person_id=person["id"],
                language="sv",
                failed_logins=0,
            )
            self._add(Membership, user_id=user["id"], unit_id=None, role=role.value, is_active=True)
            self.users.append(
                DemoUser(f"patient{n}", display, role.value, self.listed_at[person["id"]]["name"])
            )

    def _region_run_hc(self, code: str, preferred: str) -> dict[str, Any]:
        unit = self.units_by_name.get(preferred)
        if unit is not None and not unit["private_ownership"]:
            return unit
        return next(u for u in self.hc_by_code[code] if not u["private_ownership"])
