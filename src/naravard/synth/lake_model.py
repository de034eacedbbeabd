"""Fixed structure of a synthetic county (or several cloned counties at national size): units, doctors,
and the rates that drive the event generator. Derived only from the person count, so every chunk of the
generator sees the same structure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from naravard.reference import MUNICIPALITIES
from naravard.synth import reference as ref

PERSONS_PER_REGION = ref.COUNTY_POPULATION_2025
PERSONS_PER_DOCTOR = 1_400
NURSE_BASE, OTHER_BASE = 500, 800  # practitioner id offsets within a unit (unit_id * 1000 + offset + k)

# Profession mix of primary-care contacts (share of encounters), roughly as in Swedish primary care.
PROF_CODES = np.array(["LK", "DSK", "SSK", "FT", "USK", "PSY", "KUR", "AT", "DIET"])
PROF_P = np.array([0.42, 0.20, 0.15, 0.10, 0.05, 0.03, 0.02, 0.02, 0.01])
MODES = np.array(["physical", "phone", "video", "home"])
MODE_P_YOUNG = np.array([0.66, 0.17, 0.12, 0.05])
MODE_P_OLD = np.array([0.60, 0.14, 0.04, 0.22])  # 80 and older: more home visits


def annual_visit_rate(age: np.ndarray) -> np.ndarray:
    """Primary-care contacts per year by age (before the person's need multiplier)."""
    return np.select(
        [age < 5, age < 18, age < 45, age < 65, age < 80], [2.8, 1.3, 2.0, 3.1, 5.0], default=7.5
    )


@dataclass(frozen=True)
class CountyModel:
    """Units and practitioners of ``n_regions`` clones of Gävleborg (one clone per ~285,000 persons)."""

    n_persons: int
    n_regions: int
    mun_codes: np.ndarray  # (n_mun,) the Gävleborg municipality codes
    mun_p: np.ndarray  # population shares of the municipalities
    hc_unit: np.ndarray  # (n_hc,) reference unit ids of the hälsocentraler
    hc_mun: np.ndarray  # (n_hc,) municipality index of each hälsocentral
    hc_weight: np.ndarray  # share of its municipality's residents listed at each hälsocentral
    hc_doctors: np.ndarray  # doctors per hälsocentral (per region clone)

    @staticmethod
    def build(n_persons: int) -> CountyModel:
        n_regions = max(1, round(n_persons / PERSONS_PER_REGION))
        mun_codes = np.array([m.code for m in MUNICIPALITIES])
        pop = np.array([m.population_2025 for m in MUNICIPALITIES], dtype=float)
        mun_p = pop / pop.sum()
        mun_index = {c: i for i, c in enumerate(mun_codes)}
        hc_unit = np.array([h.unit_id for h in ref.HEALTH_CENTRES])
        hc_mun = np.array([mun_index[h.municipality_code] for h in ref.HEALTH_CENTRES])
        raw = 1.0 + (hc_unit * 7 % 5)  # fixed, uneven list sizes
        weight = raw / np.bincount(hc_mun, weights=raw)[hc_mun]
        per_region = n_persons / n_regions
        listed = per_region * mun_p[hc_mun] * weight
        doctors = np.maximum(2, np.round(listed / PERSONS_PER_DOCTOR)).astype(np.int64)
        return CountyModel(n_persons, n_regions, mun_codes, mun_p, hc_unit, hc_mun, weight, doctors)

    def region_code(self, r: np.ndarray) -> np.ndarray:
        return np.char.zfill((21 + r).astype(str), 2)

    def unit_id(self, region: np.ndarray, hc_index: np.ndarray) -> np.ndarray:
        return region.astype(np.int64) * 1000 + self.hc_unit[hc_index]

    def units_table(self) -> pa.Table:
        """The units of every clone. HSA-ids as the demo database gives the same units (region_orgs.py), so a
        platform user finds their unit in the first county; each clone has an HSA prefix of its own."""
        rows: list[tuple[int, str, str, str, str, bool, str]] = []
        for r in range(self.n_regions):
            rc = f"{21 + r:02d}"
            prefix = ref.hsa_prefix(rc)
            suffix = "" if r == 0 else f" (klon {r})"
            for h in ref.HEALTH_CENTRES:
                rows.append(
                    (
                        r * 1000 + h.unit_id,
                        h.name + suffix,
                        "primary",
                        rc,
                        rc + h.municipality_code[2:],
                        h.private,
                        ref.health_centre_hsa_id(h.unit_id, prefix),
                    )
                )
            for uid, name, mun in ref.HOSPITALS:
                hsa = ref.hospital_hsa_id(uid, prefix)
                rows.append((r * 1000 + uid, name + suffix, "hospital", rc, rc + mun[2:], False, hsa))
            for uid, name, mun in ref.MOBILE_TEAMS:
                hsa = ref.mobile_team_hsa_id(uid, prefix)
                rows.append((r * 1000 + uid, name + suffix, "mobile_team", rc, rc + mun[2:], False, hsa))
        cols = list(zip(*rows, strict=True))
        return pa.table(
            {
                "unit_id": pa.array(cols[0], pa.int64()),
                "name": pa.array(cols[1], pa.string()),
                "kind": pa.array(cols[2], pa.string()),
                "region_code": pa.array(cols[3], pa.string()),
                "municipality_code": pa.array(cols[4], pa.string()),
                "private": pa.array(cols[5], pa.bool_()),
                "hsa_id": pa.array(cols[6], pa.string()),
            }
        )
