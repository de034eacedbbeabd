"""The demo region's organisations and care units: a fixed picture of the county (`naravard.reference` for
the region and its municipalities, reference.py for the rest).

The region, its ten municipalities and a few private providers; per municipality a social-services unit and
a home-care unit; the hälsocentraler, hospital clinics and mobile teams of reference.py (names and HSA-ids
as there, so the demo database and the event lake name the same units; private hälsocentraler keep their
HSA-id under the region's prefix, as in reference.py, although a private provider owns them).
"""

from __future__ import annotations

from dataclasses import dataclass

from naravard.organizations.service import OrganizationKind, UnitKind
from naravard.patients.identity import luhn_check_digit
from naravard.reference import MUNICIPALITIES, REGION_HSA, REGION_NAME, REGION_ORG_NUMBER
from naravard.synth import names, reference
from naravard.synth.region_rows import RegionRows, Row

ADMIN_UNIT_NAME = "Region Gävleborg Hälso- och sjukvårdsförvaltningen"

# Hospital clinics: (hospital unit id in reference.HOSPITALS, clinic name suffix, HSA suffix).
_CLINICS: tuple[tuple[int, str, str], ...] = (
    (901, "medicinklinik", "MED"),
    (901, "psykiatriska kliniken", "PSY"),
    (901, "geriatriska kliniken", "GER"),
    (902, "medicinklinik", "MED"),
    (902, "psykiatriska kliniken", "PSY"),
    (903, "medicinklinik", "MED"),
)


@dataclass(frozen=True, slots=True)
class Organisations:
    region: Row
    municipalities: dict[str, Row]  # by SCB municipality code
    providers: list[Row]


@dataclass(frozen=True, slots=True)
class Units:
    admin: Row
    social: dict[str, Row]  # by municipality code
    home_care: dict[str, Row]  # by municipality code
    health_centres: list[Row]
    hc_by_code: dict[str, list[Row]]  # hälsocentraler by municipality code
    clinics: dict[tuple[int, str], Row]  # by (hospital unit id, HSA suffix), e.g. (901, "MED")
    mobile_teams: dict[int, Row]  # by reference unit id
    by_name: dict[str, Row]


def _org_number(nine_digits: str) -> str:
    """Organisationsnummer NNNNNN-NNNC with the same modulus-10 check digit as personnummer."""
    return f"{nine_digits[:6]}-{nine_digits[6:]}{luhn_check_digit(nine_digits)}"


def _hsa_prefix(org_number: str) -> str:
    return "SE" + org_number.replace("-", "")


def add_organizations(rows: RegionRows) -> Organisations:
    rng = rows.rng("organizations")
    region = rows.add(
        "organizations",
        name=REGION_NAME,
        kind=OrganizationKind.REGION.value,
        org_number=REGION_ORG_NUMBER,
        hsa_id=f"{REGION_HSA}-RG",
        municipality_code=None,
    )
    municipalities: dict[str, Row] = {}
    for m in MUNICIPALITIES:
        # Municipalities' organisationsnummer start 212000-; the rest is synthetic from the SCB code.
        org_number = _org_number("212000" + m.code[1:])
        municipalities[m.code] = rows.add(
            "organizations",
            name=f"{m.name} kommun",
            kind=OrganizationKind.MUNICIPALITY.value,
            org_number=org_number,
            hsa_id=f"{_hsa_prefix(org_number)}-KN",
            municipality_code=m.code,
        )
    providers: list[Row] = []
    for name in names.PRIVATE_PROVIDERS:
        org_number = _org_number(f"559{rng.randrange(100_000, 1_000_000)}")
        providers.append(
            rows.add(
                "organizations",
                name=name,
                kind=OrganizationKind.PRIVATE_PROVIDER.value,
                org_number=org_number,
                hsa_id=f"{_hsa_prefix(org_number)}-VG",
                municipality_code=None,
            )
        )
    return Organisations(region=region, municipalities=municipalities, providers=providers)


def add_units(rows: RegionRows, orgs: Organisations) -> Units:
    by_name: dict[str, Row] = {}

    def unit(
        org: Row,
        name: str,
        kind: UnitKind,
        hsa_id: str,
        code: str,
        *,
        accepts_listing: bool = False,
        private: bool = False,
    ) -> Row:
        row = rows.add(
            "care_units",
            organization_id=org["id"],
            name=name,
            kind=kind.value,
            hsa_id=hsa_id,
            municipality_code=code,
            accepts_listing=accepts_listing,
            private_ownership=private,
        )
        by_name[name] = row
        return row

    admin = unit(orgs.region, ADMIN_UNIT_NAME, UnitKind.ADMINISTRATION, f"{REGION_HSA}-HSF", "2180")
    home_care: dict[str, Row] = {}
    social: dict[str, Row] = {}
    for code, org in orgs.municipalities.items():
        prefix, town = org["hsa_id"].split("-")[0], org["name"]
        social[code] = unit(
            org, f"{town} socialtjänst och äldreomsorg", UnitKind.SOCIAL_SERVICES, f"{prefix}-SOC", code
        )
        home_care[code] = unit(org, f"{town} hemsjukvård", UnitKind.HOME_HEALTH_CARE, f"{prefix}-HSV", code)
    # Private hälsocentraler are shared round-robin among the private providers (Hälsoval contracts).
    private = [hc for hc in reference.HEALTH_CENTRES if hc.private]
    owner = {hc.unit_id: orgs.providers[i % len(orgs.providers)] for i, hc in enumerate(private)}
    health_centres: list[Row] = []
    hc_by_code: dict[str, list[Row]] = {}
    for hc in reference.HEALTH_CENTRES:
        row = unit(
            owner.get(hc.unit_id, orgs.region),
            hc.name,
            UnitKind.HEALTH_CENTRE,
            hc.hsa_id,
            hc.municipality_code,
            accepts_listing=True,
            private=hc.private,
        )
        health_centres.append(row)
        hc_by_code.setdefault(hc.municipality_code, []).append(row)
    hospitals = {unit_id: (name, code) for unit_id, name, code in reference.HOSPITALS}
    clinics: dict[tuple[int, str], Row] = {}
    for hospital_id, suffix, hsa in _CLINICS:
        name, code = hospitals[hospital_id]
        clinics[(hospital_id, hsa)] = unit(
            orgs.region,
            f"{name} {suffix}",
            UnitKind.HOSPITAL_CLINIC,
            f"{reference.hospital_hsa_id(hospital_id)}{hsa}",
            code,
        )
    mobile_teams = {
        unit_id: unit(orgs.region, name, UnitKind.MOBILE_TEAM, reference.mobile_team_hsa_id(unit_id), code)
        for unit_id, name, code in reference.MOBILE_TEAMS
    }
    return Units(
        admin=admin,
        social=social,
        home_care=home_care,
        health_centres=health_centres,
        hc_by_code=hc_by_code,
        clinics=clinics,
        mobile_teams=mobile_teams,
        by_name=by_name,
    )
