"""The synthetic picture of Region Gävleborg that both generators share (the demo region in the database and
the event lakes): hälsocentraler, hospitals, mobile teams, their HSA-ids, the age-sex structure. Plain
tuples and frozen dataclasses, no I/O. The real reference lists (the region, its municipalities, the
profession codes) are the product's, in `naravard.reference`, and are read from there.

Sources: domain.md section 8 (SCB population 30 June 2025 via newsworthy.se). Hälsocentral names are
*plausible*, not the official list (42 in total, 15 private, as reported in 2023); the official list is an
open item (domain.md 11.4).
"""

from __future__ import annotations

from dataclasses import dataclass

from naravard.reference import REGION_CODE, REGION_HSA

COUNTY_POPULATION_2025 = 284_485


def hsa_prefix(region_code: str) -> str:
    """The HSA prefix of a generated county: Gävleborg's own for 21; for a clone (22, 23, ... at national
    size) a synthetic one of its own ("99" and the region code), so the clones' units keep unique HSA-ids."""
    return REGION_HSA if region_code == REGION_CODE else f"{REGION_HSA[:-4]}99{region_code}"


def health_centre_hsa_id(unit_id: int, prefix: str = REGION_HSA) -> str:
    return f"{prefix}-HC{unit_id:04d}"


def hospital_hsa_id(unit_id: int, prefix: str = REGION_HSA) -> str:
    """A whole hospital (the lake's unit); the demo database's clinics add their own suffix (K901MED)."""
    return f"{prefix}-K{unit_id}"


def mobile_team_hsa_id(unit_id: int, prefix: str = REGION_HSA) -> str:
    return f"{prefix}-MT{unit_id}"


@dataclass(frozen=True, slots=True)
class HealthCentre:
    """A hälsocentral (Gävleborg's name for vårdcentral). ``unit_id`` is a stable small integer used in the
    event lake; ``hsa_id`` is a synthetic HSA-id under Region Gävleborg's prefix SE2321000198."""

    unit_id: int
    name: str
    municipality_code: str
    private: bool

    @property
    def hsa_id(self) -> str:
        return health_centre_hsa_id(self.unit_id)


# (municipality code, name, private). 42 in total, 15 private: counts roughly follow population.
_HC: tuple[tuple[str, str, bool], ...] = (
    ("2101", "Ockelbo hälsocentral", False),
    ("2104", "Hofors hälsocentral", False),
    ("2121", "Edsbyn hälsocentral", False),
    ("2121", "Alfta hälsocentral", False),
    ("2132", "Bergsjö hälsocentral", False),
    ("2132", "Harmånger hälsocentral", True),
    ("2161", "Ljusdal hälsocentral", False),
    ("2161", "Järvsö hälsocentral", False),
    ("2161", "Färila hälsocentral", True),
    ("2180", "Gävle Strand hälsocentral", True),
    ("2180", "Andersbergs hälsocentral", False),
    ("2180", "Brynäs hälsocentral", False),
    ("2180", "Sätra hälsocentral", False),
    ("2180", "Söder hälsocentral", True),
    ("2180", "Bomhus hälsocentral", False),
    ("2180", "Valbo hälsocentral", False),
    ("2180", "Hemlingby hälsocentral", True),
    ("2180", "Skärgården hälsocentral", True),
    ("2180", "Norrtull hälsocentral", True),
    ("2180", "Stortorget hälsocentral", True),
    ("2180", "Hille hälsocentral", False),
    ("2180", "Forsbacka hälsocentral", True),
    ("2181", "Sandviken Centrum hälsocentral", False),
    ("2181", "Storvik hälsocentral", False),
    ("2181", "Järbo hälsocentral", True),
    ("2181", "Kungsgården hälsocentral", False),
    ("2181", "Sandviken Västra hälsocentral", True),
    ("2182", "Söderhamn hälsocentral", False),
    ("2182", "Ljusne hälsocentral", False),
    ("2182", "Bergvik hälsocentral", True),
    ("2182", "Norrala hälsocentral", False),
    ("2183", "Bollnäs Södra hälsocentral", False),
    ("2183", "Bollnäs Norra hälsocentral", True),
    ("2183", "Arbrå hälsocentral", False),
    ("2183", "Kilafors hälsocentral", False),
    ("2184", "Hudiksvall Centrum hälsocentral", False),
    ("2184", "Iggesund hälsocentral", False),
    ("2184", "Delsbo hälsocentral", False),
    ("2184", "Näsviken hälsocentral", True),
    ("2184", "Hudiksvall Östra hälsocentral", False),
    ("2184", "Forsa hälsocentral", False),
    ("2180", "Gävle Centrum hälsocentral", True),
)

HEALTH_CENTRES: tuple[HealthCentre, ...] = tuple(
    HealthCentre(unit_id=i + 1, name=name, municipality_code=code, private=private)
    for i, (code, name, private) in enumerate(_HC)
)

# Five-year age bands (lower bound; the last band is 95+), shares of the population by sex.
# County-like: older than Sweden's average (Gävleborg ~24 % aged 65+ vs ~20 % nationally).
AGE_BANDS: tuple[int, ...] = tuple(range(0, 100, 5))
AGE_BAND_LABELS: tuple[str, ...] = tuple(f"{a}-{a + 4}" if a < 95 else "95+" for a in AGE_BANDS)
# Percent of the total population in each band, women and men (sums to ~100; normalised when sampling).
AGE_SEX_SHARES_PERCENT: tuple[tuple[float, float], ...] = (
    (2.45, 2.60),  # 0-4
    (2.70, 2.85),  # 5-9
    (2.80, 2.95),  # 10-14
    (2.65, 2.85),  # 15-19
    (2.45, 2.80),  # 20-24
    (2.60, 2.90),  # 25-29
    (2.75, 2.95),  # 30-34
    (2.85, 3.00),  # 35-39
    (2.80, 2.95),  # 40-44
    (2.80, 2.95),  # 45-49
    (3.15, 3.25),  # 50-54
    (3.20, 3.30),  # 55-59
    (3.25, 3.30),  # 60-64
    (3.30, 3.25),  # 65-69
    (3.35, 3.15),  # 70-74
    (3.10, 2.80),  # 75-79
    (2.10, 1.75),  # 80-84
    (1.25, 0.90),  # 85-89
    (0.60, 0.35),  # 90-94
    (0.20, 0.08),  # 95+
)

SEXES: tuple[str, ...] = ("F", "M")  # administrative sex as in folkbokföring; "F" women, "M" men


HOSPITALS: tuple[tuple[int, str, str], ...] = (
    # (unit_id, name, municipality code); unit ids above 900 so they never clash with hälsocentraler
    (901, "Gävle sjukhus", "2180"),
    (902, "Hudiksvalls sjukhus", "2184"),
    (903, "Bollnäs sjukhus", "2183"),
    (904, "Söderhamns sjukhus", "2182"),
    (905, "Ljusdals sjukhus", "2161"),
    (906, "Sandvikens sjukhus", "2181"),
)

# Mobile teams (domain.md section 7): Gävle since 1 Oct 2018, Hudiksvall since May 2018.
MOBILE_TEAMS: tuple[tuple[int, str, str], ...] = (
    (951, "Mobila teamet Gävle", "2180"),
    (952, "Mobila teamet Hudiksvall", "2184"),
)
