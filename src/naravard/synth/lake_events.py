"""Event tables of one chunk: encounters, vårdgaranti waits, admissions, emergency visits, plans, SIP,
questionnaires and mobile-team visits. Waiting times have long right tails, as real ones do."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from naravard.reference import MUNICIPALITIES
from naravard.synth import reference as ref
from naravard.synth.lake_model import (
    MODE_P_OLD,
    MODE_P_YOUNG,
    MODES,
    NURSE_BASE,
    OTHER_BASE,
    PROF_CODES,
    PROF_P,
    annual_visit_rate,
)
from naravard.synth.lake_tables import Chunk, _date, _ids


def encounters(c: Chunk) -> pa.Table:
    rng, m = c.rng, c.m
    p, day = c._events(annual_visit_rate(c.age_mid) * c.need)
    n = p.size
    prof = rng.choice(PROF_P.size, size=n, p=PROF_P)
    elsewhere = rng.random(n) < 0.06  # a visit at another hälsocentral of the region
    hc = np.where(elsewhere, rng.integers(0, m.hc_unit.size, n), c.hc[p])
    unit = m.unit_id(c.region[p], hc)
    ndoc = m.hc_doctors[hc]
    own = ~elsewhere & (rng.random(n) < c.continuity[p])
    doctor = np.where(own, c.doctor[p], unit * 1000 + (rng.random(n) * ndoc).astype(np.int64))
    nurse = unit * 1000 + NURSE_BASE + (rng.random(n) * np.ceil(ndoc * 1.5)).astype(np.int64)
    other = unit * 1000 + OTHER_BASE + prof * 10 + rng.integers(0, 3, n)
    practitioner = np.select([prof == 0, prof <= 2], [doctor, nurse], other)
    old = c.age_mid[p] >= 80
    u = rng.random(n)
    mode = np.where(
        old, np.searchsorted(np.cumsum(MODE_P_OLD), u), np.searchsorted(np.cumsum(MODE_P_YOUNG), u)
    )
    start_us = (day * 86_400 + 8 * 3600 + rng.integers(0, 9 * 60, n) * 60) * 1_000_000
    return pa.table(
        {
            "encounter_id": _ids(c.chunk, n),
            "person_id": c._pid(p),
            "unit_id": pa.array(unit, pa.int64()),
            "practitioner_id": pa.array(practitioner, pa.int64()),
            "profession": pa.array(PROF_CODES[prof]),
            "start": pa.array(start_us, pa.timestamp("us")),
            "mode": pa.array(MODES[np.minimum(mode, 3)]),
            "planned": pa.array(rng.random(n) < 0.6),
        }
    )


def _short_wait(rng: np.random.Generator, n: int, p0: float) -> np.ndarray:
    """Mostly same day or a few days; a geometric tail of longer waits."""
    return np.where(rng.random(n) < p0, 0, rng.geometric(0.35, n))


def _long_wait(rng: np.random.Generator, n: int, median: float) -> np.ndarray:
    """Lognormal waits in days (specialist care): about 10 % wait over twice the median."""
    return np.floor(rng.lognormal(np.log(median), 0.75, n)).astype(np.int64)


def contact_requests(c: Chunk) -> pa.Table:
    p, day = c._events(1.2 * (0.5 + 0.5 * c.need))
    wait = _short_wait(c.rng, p.size, 0.88)
    chosen = c.rng.random(p.size) < 0.03
    wait = wait + np.where(chosen, c.rng.integers(1, 7, p.size), 0)
    return c._wait_table(
        "contact_requests", ("request_id", "request_date", "contact_date"), p, day, wait, chosen, c.unit[p]
    )


def medical_assessments(c: Chunk) -> pa.Table:
    rng = c.rng
    p, day = c._events(0.8 * c.need)
    wait = np.where(rng.random(p.size) < 0.82, rng.integers(0, 4, p.size), 3 + rng.geometric(0.12, p.size))
    chosen = rng.random(p.size) < 0.06
    wait = wait + np.where(chosen, rng.integers(3, 30, p.size), 0)
    t = c._wait_table(
        "medical_assessments",
        ("assessment_id", "contact_date", "assessment_date"),
        p,
        day,
        wait,
        chosen,
        c.unit[p],
    )
    t = t.append_column("profession", pa.array(np.where(rng.random(p.size) < 0.7, "LK", "DSK")))
    return t.append_column("mode", pa.array(MODES[rng.choice(3, size=p.size, p=[0.6, 0.3, 0.1])]))


def referrals(c: Chunk) -> pa.Table:
    p, day = c._events(0.25 * c.need)
    chosen = c.rng.random(p.size) < 0.07
    return c._wait_table(
        "referrals",
        ("referral_id", "referral_date", "first_visit_date"),
        p,
        day,
        _long_wait(c.rng, p.size, 45),
        chosen,
        c._hospital(p),
    )


def treatments(c: Chunk) -> pa.Table:
    p, day = c._events(0.08 * c.need * (c.age_mid > 40))
    chosen = c.rng.random(p.size) < 0.08
    return c._wait_table(
        "treatments",
        ("decision_id", "decision_date", "treatment_date"),
        p,
        day,
        _long_wait(c.rng, p.size, 50),
        chosen,
        c._hospital(p),
    )


def admissions(c: Chunk) -> pa.Table:
    rng, age = c.rng, c.age_mid
    rate = (0.03 + 0.12 * (age >= 65) + 0.25 * (age >= 80)) * c.need
    p, admit = c._events(rate)
    # readmissions: about one index stay in eight among the old is followed by another within 30 days
    los = 1 + np.floor(rng.lognormal(np.log(3), 0.8, p.size)).astype(np.int64)
    discharge = admit + los
    re = (age[p] >= 65) & (rng.random(p.size) < 0.12)
    rp, radmit = p[re], discharge[re] + rng.integers(1, 31, re.sum())
    rlos = 1 + np.floor(rng.lognormal(np.log(4), 0.8, rp.size)).astype(np.int64)
    # planerad vård: elective stays are common among the younger, rare among the old and the readmitted
    p_planned = np.concatenate([np.where(age[p] >= 65, 0.2, 0.45), np.full(rp.size, 0.15)])
    p, admit = np.concatenate([p, rp]), np.concatenate([admit, radmit])
    discharge = np.concatenate([discharge, radmit + rlos])
    planned = rng.random(p.size) < p_planned
    keep = admit <= c.last[p]
    p, admit, discharge, planned = p[keep], admit[keep], discharge[keep], planned[keep]
    extra = np.where(rng.random(p.size) < 0.55, 0, rng.geometric(0.3, p.size))
    ukl = np.maximum(admit, discharge - extra)
    no_ukl = (age[p] < 65) | (rng.random(p.size) < 0.3)
    open_stay = discharge > c.w.end
    return pa.table(
        {
            "admission_id": _ids(c.chunk, p.size),
            "person_id": c._pid(p),
            "unit_id": pa.array(c._hospital(p), pa.int64()),
            "admit_date": _date(admit),
            "utskrivningsklar_date": _date(ukl, no_ukl | (ukl > c.w.end)),
            "discharge_date": _date(discharge, open_stay),
            "planned": pa.array(planned),
        }
    )


def emergency_visits(c: Chunk) -> pa.Table:
    p, day = c._events(0.25 * c.need * np.where(c.age_mid >= 80, 2.0, 1.0))
    return pa.table(
        {
            "visit_id": _ids(c.chunk, p.size),
            "person_id": c._pid(p),
            "unit_id": pa.array(c._hospital(p), pa.int64()),
            "visit_date": _date(day),
            "admitted": pa.array(c.rng.random(p.size) < 0.25),
        }
    )


def _mobile_patients(c: Chunk) -> np.ndarray:
    codes = np.array([m.code for m in MUNICIPALITIES])
    in_team_area = np.isin(codes[c.mun], [code for _, _, code in ref.MOBILE_TEAMS])
    return in_team_area & (c.age_mid >= 75) & (c.need > 1.3) & (c.rng.random(c.n) < 0.15)


def mobile_team_visits(c: Chunk) -> pa.Table:
    rng = c.rng
    enrolled = _mobile_patients(c)
    start = c.in_date + (rng.random(c.n) * c.active * 0.7).astype(np.int64)
    p, day = c._events(np.where(enrolled, 10.0, 0.0), start=start)
    codes = np.array([m.code for m in MUNICIPALITIES])
    team_of = {code: uid for uid, _, code in ref.MOBILE_TEAMS}
    team = np.array([team_of.get(code, 0) for code in codes])[c.mun[p]]
    return pa.table(
        {
            "visit_id": _ids(c.chunk, p.size),
            "person_id": c._pid(p),
            "team_id": pa.array(c.region[p] * 1000 + team, pa.int64()),
            "visit_date": _date(day),
            "planned": pa.array(rng.random(p.size) < 0.8),
        }
    )


def contracts(c: Chunk) -> tuple[pa.Table, pa.Table]:
    """Patientkontrakt for older persons with high need, and SIP meetings for some of them."""
    rng = c.rng
    has = (c.age_mid >= 65) & (c.need > 1.3) & (rng.random(c.n) < 0.3)
    p = np.flatnonzero(has)
    created = c.in_date[p] + (rng.random(p.size) * c.active[p]).astype(np.int64)
    agreed = created + rng.geometric(0.15, p.size)
    not_agreed = (rng.random(p.size) < 0.3) | (agreed > c.last[p])
    closed = created + rng.integers(30, 720, p.size)
    total = rng.integers(1, 6, p.size)
    k = c.rng.binomial(total, 0.45)
    ct = pa.table(
        {
            "contract_id": _ids(c.chunk, p.size),
            "person_id": c._pid(p),
            "unit_id": pa.array(c.unit[p], pa.int64()),
            "created_date": _date(created),
            "agreed_date": _date(agreed, not_agreed),
            "closed_date": _date(closed, (closed > c.last[p]) | (rng.random(p.size) < 0.5)),
            "patient_goals": pa.array(k, pa.int64()),
            "total_goals": pa.array(total, pa.int64()),
        }
    )
    sp = np.repeat(p, np.where(rng.random(p.size) < 0.35, rng.integers(1, 4, p.size), 0))
    sday = c.in_date[sp] + (rng.random(sp.size) * c.active[sp]).astype(np.int64)
    st = pa.table(
        {
            "meeting_id": _ids(c.chunk, sp.size),
            "person_id": c._pid(sp),
            "meeting_date": _date(sday),
            "patient_attended": pa.array(rng.random(sp.size) < 0.8),
        }
    )
    return ct, st


QUESTION_ITEMS = ("involvement", "continuity", "has_fixed_doctor")


def questionnaire_responses(c: Chunk) -> pa.Table:
    """NPE-like answers 1-5; people with a named doctor answer somewhat more positively."""
    rng = c.rng
    p, day = c._events(np.full(c.n, 0.12))
    items = np.tile(np.array(QUESTION_ITEMS), p.size)
    pp, dd = np.repeat(p, 3), np.repeat(day, 3)
    base = np.where(c.named[pp], 3.9, 3.3)
    value = np.clip(np.rint(rng.normal(base, 1.0)), 1, 5).astype(np.int64)
    return pa.table(
        {
            "response_id": _ids(c.chunk, pp.size),
            "person_id": c._pid(pp),
            "unit_id": pa.array(c.unit[pp], pa.int64()),
            "response_date": _date(dd),
            "item": pa.array(items),
            "value": pa.array(value, pa.int64()),
        }
    )
