"""Benchmark of the unit's proposal of a fast läkarkontakt (`naravard.contacts.proposal.propose`), against the
first-come baseline (`proposal.first_come`) measured in the same run.

    .venv/bin/python bench/contacts.py                      # a unit of 20,000 and a region of 300,000
    .venv/bin/python bench/contacts.py --unit-persons 20000 --unit-doctors 15 --region-persons 300000

The inputs are synthetic and built in memory (the proposal is a pure function; the database's part of
`contacts.service.propose_for_unit` is not measured here), from `--seed`:

- listed persons with a need level (0-3, most 0), the day they listed (the first-come order) and, for a
  third of them, a household of two to four;
- doctors with a share of full time (50-100 %) and a capacity of `--capacity` per full-time doctor;
- a share (`--assigned`, default 60 %) who already have a fast läkarkontakt (the doctors' load; never
  candidates), the rest candidates;
- a visit history of the last year: 70 % of the persons saw a doctor, mostly one "own" doctor (drawn by the
  doctors' popularity, so popular doctors have more patients who saw them than room) and sometimes others.

For the unit and for the region (per-unit proposals over units of 3,000-20,000 listed and one doctor per
about 1,300 of them) it prints the time of the proposal and of the baseline, the share of candidates given a
doctor, and the continuity achieved: of the persons assigned who saw any doctor, the share given the doctor
they saw most (`proposal.continuity_share`). Goals: the region's proposal in under 10 s, and continuity at
least 1.5x the baseline's.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from naravard.contacts.proposal import Candidate, DoctorSlot, continuity_share, first_come, most_seen, propose


@dataclass
class Unit:
    candidates: list[Candidate]
    doctors: list[DoctorSlot]
    visits: dict[int, dict[int, int]]
    household_doctor: dict[int, int]


def build_unit(
    rng: random.Random, *, persons: int, doctors: int, capacity: int, assigned: float, base: int
) -> Unit:
    """One unit's synthetic inputs; person, doctor and household keys start at `base` (unique in a region)."""
    docs = [base + d for d in range(doctors)]
    fte = {d: rng.choice((50, 75, 80, 100, 100, 100)) for d in docs}
    cap = {d: capacity * fte[d] // 100 for d in docs}
    popularity = [rng.paretovariate(1.5) * fte[d] for d in docs]
    load = dict.fromkeys(docs, 0)
    candidates: list[Candidate] = []
    visits: dict[int, dict[int, int]] = {}
    household_doctor: dict[int, int] = {}
    person = base
    while person < base + persons:
        size = rng.choice((2, 2, 2, 3, 4)) if rng.random() < 1 / 3 else 1
        household = person if size > 1 else None
        for _ in range(min(size, base + persons - person)):
            need = rng.choices((0, 1, 2, 3), weights=(70, 18, 8, 4))[0]
            own = rng.choices(docs, weights=popularity)[0]
            if rng.random() < 0.7:
                seen = {own: rng.randint(1, 6)}
                for _ in range(rng.choice((0, 0, 1, 2))):
                    other = rng.choice(docs)
                    seen[other] = seen.get(other, 0) + rng.randint(1, 2)
                visits[person] = seen
            if rng.random() < assigned and load[own] < cap[own]:
                load[own] += 1  # already has a fast läkarkontakt: load, not a candidate
                if household is not None:
                    household_doctor.setdefault(household, own)
            else:
                candidates.append(
                    Candidate(person=person, need=need, order=rng.randrange(10**7), household=household)
                )
            person += 1
    slots = [DoctorSlot(doctor=d, capacity=cap[d], load=load[d]) for d in docs]
    return Unit(candidates, slots, visits, household_doctor)


@dataclass
class Figures:
    proposal_s: float = 0.0
    baseline_s: float = 0.0
    candidates: int = 0
    proposed: int = 0
    baseline: int = 0
    hits_p: float = 0.0  # continuity shares weighted by the persons they count
    hits_b: float = 0.0
    counted_p: int = 0
    counted_b: int = 0
    full: int = 0  # candidates who saw a doctor whose most-seen doctor had no room before the proposal
    seen: int = 0  # candidates who saw a doctor

    def add(self, unit: Unit) -> None:
        t0 = time.perf_counter()
        mine = propose(unit.candidates, unit.doctors, unit.visits, unit.household_doctor)
        t1 = time.perf_counter()
        base = first_come(unit.candidates, unit.doctors)
        t2 = time.perf_counter()
        self.proposal_s += t1 - t0
        self.baseline_s += t2 - t1
        self.candidates += len(unit.candidates)
        room = {d.doctor: d.room for d in unit.doctors}
        for c in unit.candidates:
            if unit.visits.get(c.person):
                self.seen += 1
                self.full += room[most_seen(unit.visits[c.person])] == 0
        self.proposed += len(mine)
        self.baseline += len(base)
        for result, attr in ((mine, "p"), (base, "b")):
            n = sum(1 for p in result if unit.visits.get(p))
            share = continuity_share(result, unit.visits) or 0.0
            setattr(self, f"hits_{attr}", getattr(self, f"hits_{attr}") + share * n)
            setattr(self, f"counted_{attr}", getattr(self, f"counted_{attr}") + n)

    def report(self, label: str, *, goal_s: float | None = None) -> bool:
        cont_p = self.hits_p / self.counted_p if self.counted_p else 0.0
        cont_b = self.hits_b / self.counted_b if self.counted_b else 0.0
        ratio = cont_p / cont_b if cont_b else float("inf")
        print(f"{label}")
        print(f"  candidates (no fast läkarkontakt yet)       {self.candidates:>10,}")
        print(f"  proposal: time {self.proposal_s:8.3f} s, assigned {self.proposed:>9,}")
        print(f"  first come: time {self.baseline_s:6.3f} s, assigned {self.baseline:>9,}")
        print(f"  time ratio proposal/first come              {self.proposal_s / self.baseline_s:10.2f}x")
        print(
            f"  continuity (given their most-seen doctor)   proposal {cont_p:6.1%}  first come {cont_b:6.1%}"
        )
        print(
            f"  candidates who saw a doctor whose most-seen doctor's list was full {self.full / self.seen:6.1%}"
        )
        print(f"  continuity ratio proposal/first come        {ratio:10.2f}x (goal >= 1.5x)")
        ok = ratio >= 1.5
        if goal_s is not None:
            print(
                f"  goal: proposal under {goal_s:.0f} s: {'met' if self.proposal_s < goal_s else 'NOT met'}"
            )
            ok = ok and self.proposal_s < goal_s
        return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unit-persons", type=int, default=20_000)
    ap.add_argument("--unit-doctors", type=int, default=15)
    ap.add_argument("--region-persons", type=int, default=300_000)
    ap.add_argument("--capacity", type=int, default=1_500, help="listed persons per full-time doctor")
    ap.add_argument("--assigned", type=float, default=0.6, help="share with a fast läkarkontakt already")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    t0 = time.perf_counter()
    unit = build_unit(
        rng, persons=a.unit_persons, doctors=a.unit_doctors, capacity=a.capacity, assigned=a.assigned, base=0
    )
    print(f"built the unit's inputs in {time.perf_counter() - t0:.2f} s (not timed below)")
    one = Figures()
    one.add(unit)
    ok = one.report(f"unit: {a.unit_persons:,} listed, {a.unit_doctors} doctors, capacity {a.capacity}/FTE")

    t0 = time.perf_counter()
    units: list[Unit] = []
    left, base = a.region_persons, 0
    while left > 0:
        size = min(left, rng.randint(3_000, 20_000))
        doctors = max(2, round(size / 1_300))
        units.append(
            build_unit(
                rng, persons=size, doctors=doctors, capacity=a.capacity, assigned=a.assigned, base=base
            )
        )
        left -= size
        base += size + doctors
    print(f"\nbuilt {len(units)} units' inputs in {time.perf_counter() - t0:.2f} s (not timed below)")
    region = Figures()
    for u in units:
        region.add(u)
    ok = (
        region.report(
            f"region: {a.region_persons:,} listed in {len(units)} units, per-unit proposals", goal_s=10
        )
        and ok
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
