"""One chunk of synthetic persons and all their events, vectorised with numpy.

Dates are handled as int days since 1970-01-01 and turned into Arrow date32 at the end. Each chunk has its
own random stream seeded by (seed, chunk number), so output is identical for a seed whatever the run order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from naravard.synth import reference as ref
from naravard.synth.lake_model import CountyModel

ID_STRIDE = 1 << 32  # event ids: chunk number * stride + row number


@dataclass(frozen=True)
class Window:
    start: int  # first day (days since epoch)
    end: int  # last day, inclusive

    @property
    def days(self) -> int:
        return self.end - self.start + 1


def _date(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), pa.date32(), mask=mask)


def _ids(chunk: int, n: int) -> pa.Array:
    return pa.array(chunk * ID_STRIDE + np.arange(n, dtype=np.int64), pa.int64())


class Chunk:
    """Persons ``first..first+n-1`` (0-based index) and their events."""

    def __init__(self, model: CountyModel, win: Window, seed: int, chunk: int, first: int, n: int) -> None:
        self.m, self.w, self.chunk, self.n = model, win, chunk, n
        self.rng = np.random.default_rng([seed, chunk])
        self.idx = np.arange(first, first + n, dtype=np.int64)
        self._persons()
        # moves within the county come from a stream of their own, so adding them changed no other draw
        self._moves(np.random.default_rng([seed, chunk, 1]))

    # --- persons, listings, fixed contacts -------------------------------------------------------------
    def _persons(self) -> None:
        rng, m, w, n = self.rng, self.m, self.w, self.n
        shares = np.array(ref.AGE_SEX_SHARES_PERCENT).ravel()
        cat = rng.choice(shares.size, size=n, p=shares / shares.sum())
        band, self.sex_f = cat // 2, cat % 2 == 0
        age0 = band * 5 + rng.integers(0, 5, n) + np.where(band == 19, rng.integers(0, 4, n), 0)
        self.birth = w.start - (age0 * 365.25).astype(np.int64) - rng.integers(0, 365, n)
        self.region = (self.idx * m.n_regions) // m.n_persons
        self.mun = rng.choice(m.mun_p.size, size=n, p=m.mun_p)
        # listed hälsocentral: one of the municipality's, by list-size weight
        u = rng.random(n)
        hc = np.empty(n, dtype=np.int64)
        for k in range(m.mun_p.size):
            sel = self.mun == k
            cands = np.flatnonzero(m.hc_mun == k)
            cum = np.cumsum(m.hc_weight[cands])
            hc[sel] = cands[np.minimum(np.searchsorted(cum, u[sel]), cands.size - 1)]
        self.hc = hc
        self.unit = m.unit_id(self.region, hc)
        self.age_mid = age0 + (w.days / 365.25) / 2
        self.need = rng.gamma(1.2, 1 / 1.2, n) * np.where(self.age_mid >= 80, 1.4, 1.0)
        # moving in during the window (3 %), leaving the region or dying (yearly hazard by age)
        self.in_date = np.where(rng.random(n) < 0.03, w.start + rng.integers(0, w.days, n), w.start)
        self.in_date = np.maximum(self.in_date, self.birth)
        hazard = 0.02 + np.where(self.age_mid >= 80, 0.07, 0.0) + np.where(self.age_mid >= 90, 0.10, 0.0)
        leaves = rng.random(n) < 1 - (1 - hazard) ** (w.days / 365.25)
        out = self.in_date + (rng.random(n) * (w.end - self.in_date + 1)).astype(np.int64)
        self.out_date = np.where(leaves, out, -1)
        self.last = np.where(leaves, out, w.end)  # last day the person is in the lake
        self.active = np.maximum(self.last - self.in_date + 1, 1)
        # the usual doctor; a *named* fast läkarkontakt for some, more often for the old
        self.doctor = self.unit * 1000 + (rng.random(n) * m.hc_doctors[hc]).astype(np.int64)
        p_named = np.select(
            [self.age_mid < 18, self.age_mid < 65, self.age_mid < 80], [0.35, 0.45, 0.65], 0.8
        )
        self.named = rng.random(n) < p_named
        late = rng.random(n) < 0.3
        self.named_from = np.where(
            late, self.in_date + (rng.random(n) * self.active).astype(np.int64), self.in_date
        )
        self.continuity = np.where(self.named, rng.beta(6, 3, n), rng.beta(2, 3, n))

    def _moves(self, rng: np.random.Generator) -> None:
        """About 2 % a year move to another municipality of the county (weighted by population), on a day
        after they came; the listing stays where it was (people relist later, if at all)."""
        m, k = self.m, self.m.mun_p.size
        years = self.active / 365.25
        self.moved = (rng.random(self.n) < 1 - 0.98**years) & (self.active >= 2)
        self.move_day = self.in_date + 1 + (rng.random(self.n) * (self.active - 1)).astype(np.int64)
        new = rng.choice(k, size=self.n, p=m.mun_p)
        new = np.where(new == self.mun, (self.mun + 1) % k, new)
        self.mun_now = np.where(self.moved, new, self.mun)

    def _mun_codes(self, mun: np.ndarray, rc: np.ndarray) -> np.ndarray:
        return np.char.add(rc, np.array([c[2:] for c in self.m.mun_codes])[mun])

    def residences(self) -> pa.Table:
        """Two periods for each person who moved: the first municipality up to the day before the move, the
        present one from it (persons.municipality_code is the present one)."""
        sel = np.flatnonzero(self.moved)
        rc = self.m.region_code(self.region)[sel]
        day, out = self.move_day[sel], self.out_date[sel]
        return pa.table(
            {
                "person_id": pa.array(np.tile(self.idx[sel] + 1, 2), pa.int64()),
                "region_code": pa.array(np.tile(rc, 2)),
                "municipality_code": pa.array(
                    np.concatenate(
                        [self._mun_codes(self.mun[sel], rc), self._mun_codes(self.mun_now[sel], rc)]
                    )
                ),
                "valid_from": _date(np.concatenate([self.in_date[sel], day])),
                "valid_to": _date(
                    np.concatenate([day - 1, out]), np.concatenate([np.zeros(sel.size, bool), out < 0])
                ),
            }
        )

    def persons(self) -> pa.Table:
        rc = self.m.region_code(self.region)
        mun = self._mun_codes(self.mun_now, rc)
        return pa.table(
            {
                "person_id": pa.array(self.idx + 1, pa.int64()),
                "sex": pa.array(np.where(self.sex_f, "F", "M")),
                "birth_date": _date(self.birth),
                "region_code": pa.array(rc),
                "municipality_code": pa.array(mun),
                "in_date": _date(self.in_date),
                "out_date": _date(self.out_date, self.out_date < 0),
            }
        )

    def listings(self) -> pa.Table:
        return pa.table(
            {
                "person_id": pa.array(self.idx + 1, pa.int64()),
                "unit_id": pa.array(self.unit, pa.int64()),
                "valid_from": _date(self.in_date),
                "valid_to": _date(self.out_date, self.out_date < 0),
            }
        )

    def fixed_contacts(self) -> pa.Table:
        rng = self.rng
        sel = np.flatnonzero(self.named)
        frm = self.named_from[sel]
        informed = frm + rng.geometric(0.1, sel.size)
        informed_mask = (rng.random(sel.size) < 0.2) | (informed > self.last[sel])
        to = self.out_date[sel]
        return pa.table(
            {
                "person_id": pa.array(sel + self.idx[0] + 1, pa.int64()),
                "practitioner_id": pa.array(self.doctor[sel], pa.int64()),
                "profession": pa.array(np.full(sel.size, "LK")),
                "kind": pa.array(np.full(sel.size, "doctor")),
                "valid_from": _date(frm),
                "valid_to": _date(to, to < 0),
                "informed_date": _date(np.maximum(informed, frm), informed_mask),
            }
        )

    # --- helpers for events ---------------------------------------------------------------------------
    def _events(self, per_year: np.ndarray, start: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Poisson counts over each person's time in the lake; returns (person index, day)."""
        begin = self.in_date if start is None else start
        span = np.maximum(self.last - begin + 1, 0)
        counts = self.rng.poisson(per_year * span / 365.25)
        p = np.repeat(np.arange(self.n), counts)
        day = begin[p] + (self.rng.random(p.size) * span[p]).astype(np.int64)
        return p, day

    def _pid(self, p: np.ndarray) -> pa.Array:
        return pa.array(self.idx[p] + 1, pa.int64())

    def _wait_table(
        self,
        name: str,
        cols: tuple[str, str, str],
        p: np.ndarray,
        day: np.ndarray,
        wait: np.ndarray,
        chosen: np.ndarray,
        unit: np.ndarray,
    ) -> pa.Table:
        done = day + wait
        return pa.table(
            {
                cols[0]: _ids(self.chunk, p.size),
                "person_id": self._pid(p),
                "unit_id": pa.array(unit, pa.int64()),
                cols[1]: _date(day),
                cols[2]: _date(done, done > self.w.end),
                "patient_chosen": pa.array(chosen),
            }
        )

    def _hospital(self, p: np.ndarray) -> np.ndarray:
        hosp = np.array([h[0] for h in ref.HOSPITALS])
        return self.region[p] * 1000 + hosp[self.rng.integers(0, hosp.size, p.size)]
