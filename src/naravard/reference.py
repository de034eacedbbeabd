"""Reference lists of the product: the region, its municipalities (SCB kommunkoder) and the profession codes
of the event lake. Plain tuples and frozen dataclasses, no I/O and no context imported, so every context
(names on the patient overview, scopes and strata of the follow-up) and the synthetic-data generator
(`naravard.synth`) read one picture of the county; the generator's own, synthetic picture (hälsocentraler,
age-sex structure, HSA-id series) stays in `naravard.synth.reference`.

Sources: domain.md section 8 (SCB population 30 June 2025 via newsworthy.se; municipality codes are SCB's
kommunkoder for län 21); profession codes as the national waiting-time database reports them
(vantetider.se), listed in docs/event-lake.md.
"""

from __future__ import annotations

from dataclasses import dataclass

REGION_CODE = "21"  # SCB länskod
REGION_NAME = "Region Gävleborg"
REGION_ORG_NUMBER = "232100-0198"  # organisationsnummer
REGION_HSA = "SE2321000198"  # HSA prefix: SE and the region's organisationsnummer


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str  # SCB kommunkod, four digits: the county's two, then the municipality's two
    name: str
    population_2025: int


MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality("2101", "Ockelbo", 5_709),
    Municipality("2104", "Hofors", 9_216),
    Municipality("2121", "Ovanåker", 11_312),
    Municipality("2132", "Nordanstig", 9_288),
    Municipality("2161", "Ljusdal", 18_434),
    Municipality("2180", "Gävle", 104_030),
    Municipality("2181", "Sandviken", 38_340),
    Municipality("2182", "Söderhamn", 24_435),
    Municipality("2183", "Bollnäs", 26_204),
    Municipality("2184", "Hudiksvall", 37_526),
)

MUNICIPALITY_BY_CODE: dict[str, Municipality] = {m.code: m for m in MUNICIPALITIES}


def municipality_name(code: str | None) -> str | None:
    """The municipality's name, for display; an unknown code is shown as it is."""
    if code is None:
        return None
    m = MUNICIPALITY_BY_CODE.get(code)
    return m.name if m else code


@dataclass(frozen=True, slots=True)
class ProfessionCode:
    code: str  # stable code used in the event lake
    name_sv: str
    name_en: str
    legitimated: bool  # legitimerad hälso- och sjukvårdspersonal (may make a vårdgaranti medical assessment)


PROFESSIONS: tuple[ProfessionCode, ...] = (
    ProfessionCode("LK", "Läkare", "Physician", True),
    ProfessionCode("SSK", "Sjuksköterska", "Registered nurse", True),
    ProfessionCode("DSK", "Distriktssköterska", "District nurse", True),
    ProfessionCode("FT", "Fysioterapeut", "Physiotherapist", True),
    ProfessionCode("AT", "Arbetsterapeut", "Occupational therapist", True),
    ProfessionCode("PSY", "Psykolog", "Psychologist", True),
    ProfessionCode("KUR", "Kurator", "Counsellor", False),
    ProfessionCode("USK", "Undersköterska", "Assistant nurse", False),
    ProfessionCode("DIET", "Dietist", "Dietitian", True),
)

PROFESSION_BY_CODE: dict[str, ProfessionCode] = {p.code: p for p in PROFESSIONS}
