"""Continuity indicators (domain.md 2.2, 5; BMC Health Serv Res 2022 review of continuity indices).

Visits: encounters with a doctor (profession LK) at a primary-care unit, every mode (physical, home visit,
video, phone; SKR's Primärvårdskvalitet counts distance contacts too). A patient seeing the same doctor twice
on one day counts one visit (a double registration, not a second contact); two doctors on one day count two.
Indices are computed per patient and period from the visits *in that period*, and averaged over patients who
meet the minimum visit count (N >= 2 for every index: COC and SECON are undefined below two visits, and for
UPC, MMCI and Herfindahl one visit would score a meaningless perfect 1).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import (
    PERIOD_TYPES,
    Family,
    Indicator,
    Lake,
    f64,
    flag,
    in_window,
    period_start,
    periodise,
    valid_on,
)

MIN_VISITS = {"C_UPC": 2, "C_COC": 2, "C_MMCI": 2, "C_HHI": 2, "C_SECON": 2}
_SRC_IDX = "Pollack et al., BMC Health Serv Res 2022 (review of continuity indices); domain.md section 5"


def _idx(code: str, sv: str, en: str, formula: str, source: str = _SRC_IDX) -> Indicator:
    return Indicator(
        code,
        sv,
        en,
        "continuity",
        f"Mean over patients with >= {MIN_VISITS[code]} doctor visits in the period of {formula}.",
        f"sum of the patients' {code[2:]} values",
        "patients with enough visits",
        source,
        unit="index",
    )


C_UPC = _idx(
    "C_UPC", "Andel besök hos vanligaste läkaren (UPC)", "Usual Provider Continuity", "max_i n_i / N"
)
C_COC = _idx(
    "C_COC",
    "Kontinuitetsindex Bice-Boxerman (COC)",
    "Bice-Boxerman Continuity of Care",
    "(sum n_i^2 - N) / (N (N - 1))",
    "Bice & Boxerman 1977; ABFM NQF #3617; SKR Primärvårdskvalitet",
)
C_MMCI = _idx(
    "C_MMCI",
    "Modifierat kontinuitetsindex (MMCI)",
    "Modified Modified Continuity Index",
    "(1 - M / (N + 0.1)) / (1 - 1 / (N + 0.1))",
)
C_HHI = _idx(
    "C_HHI", "Herfindahlindex för läkarbesök", "Herfindahl index of doctor visits", "sum (n_i / N)^2"
)
C_SECON = _idx(
    "C_SECON",
    "Sekventiell kontinuitet (SECON)",
    "Sequential continuity",
    "the share of consecutive visit pairs (ordered by start, then encounter id) with the same doctor",
)
C_FLK = Indicator(
    "C_FLK",
    "Andel listade med fast läkarkontakt",
    "Share of listed persons with a named fixed doctor",
    "continuity",
    "Persons listed at a primary-care unit on the last day of the period (or of the lake) "
    "who have a named fast läkarkontakt valid that day.",
    "listed persons with a named fixed doctor",
    "listed persons",
    "ÖK God och nära vård 2021-2022 Mål 1 (target 55 %); HSL 7 kap. 3 a §; domain.md 2.2",
)
C_FLK_INF = Indicator(
    "C_FLK_INF",
    "Andel listade med fast läkarkontakt som informerats",
    "Share of listed persons with a fixed doctor they were told about",
    "continuity",
    "As C_FLK, counting only persons informed of their fixed doctor on or before that day.",
    "listed persons with a fixed doctor, informed",
    "listed persons",
    "ÖK 2021 (patients to be informed who their contacts are); domain.md 2.2",
)
C_OWNDR = Indicator(
    "C_OWNDR",
    "Andel läkarbesök hos egen fast läkare",
    "Share of doctor visits with the patient's own fixed doctor",
    "continuity",
    "Primary-care doctor visits by patients who had a named fixed doctor on "
    "the visit day; share where the doctor seen was that fixed doctor.",
    "visits with own fixed doctor",
    "doctor visits of patients with a fixed doctor",
    "Vårdanalys 2022 'Kontinuitet och fast läkarkontakt'",
)


def _doctor_visits(lake: Lake) -> ir.Table:
    e, u = lake.encounters, lake.units
    primary = u.filter(u.kind == "primary").select("unit_id")
    e = e.filter(e.profession == "LK").semi_join(primary, "unit_id")
    e = e.mutate(day=e.start.date())
    e = e.filter(in_window(e.day, lake))
    return e.group_by(["person_id", "practitioner_id", "day"]).aggregate(
        start=e.start.min(), encounter_id=e.encounter_id.min(), unit_id=e.unit_id.min()
    )


def doctor_visits(lake: Lake) -> ir.Table:
    """One row per patient, doctor and day at primary-care units (one scan, shared by the families)."""
    return lake.share("doctor_visits", lambda: _doctor_visits(lake))


def _fixed_doctors(lake: Lake) -> ir.Table:
    fc = lake.fixed_contacts
    return fc.filter(fc.kind == "doctor").select(
        "person_id",
        fixed=fc.practitioner_id,
        f_from=fc.valid_from,
        f_to=fc.valid_to,
        informed=fc.informed_date,
    )


def _monthly_counts(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """Per patient, doctor and month: visits, the last visit day, and for each period type the visits whose
    previous visit (ordered by start, then encounter id) was in the same period and with the same doctor."""
    v = doctor_visits(lake)
    w = ibis.window(group_by=v.person_id, order_by=[v.start, v.encounter_id])
    v = v.mutate(prev=v.practitioner_id.lag().over(w), prev_day=v.day.lag().over(w))
    same = v.prev.notnull() & (v.prev == v.practitioner_id)
    v = v.mutate(
        month=period_start(v.day, "month"),
        **{
            f"s_{pt}": flag(same & (period_start(v.prev_day, pt) == period_start(v.day, pt)))
            for pt in period_types
        },
    )
    m = v.group_by(["person_id", "practitioner_id", "month"]).aggregate(
        n=v.count(), last=v.day.max(), **{f"s_{pt}": v[f"s_{pt}"].sum() for pt in period_types}
    )
    return m


def build_indices(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """UPC, COC, MMCI, Herfindahl and SECON for every period type from one pass over the visits: visits per
    patient, doctor and month, regrouped to quarters and years (counts are additive), then per patient."""
    m = lake.share("doctor_visits_monthly", lambda: _monthly_counts(lake, PERIOD_TYPES))
    parts = []
    for pt in period_types:
        g = m.group_by(
            ["person_id", "practitioner_id", period_start(m.month, pt).name("period_start")]
        ).aggregate(n=m.n.sum(), last=m.last.max(), same=m[f"s_{pt}"].sum())
        parts.append(g.mutate(period_type=ibis.literal(pt)))
    per = ibis.union(*parts) if len(parts) > 1 else parts[0]
    p = per.group_by(["person_id", "period_type", "period_start"]).aggregate(
        N=f64(per.n.sum()),
        M=f64(per.n.count()),
        maxn=f64(per.n.max()),
        sumsq=f64((per.n * per.n).sum()),
        same=f64(per.same.sum()),
        att_date=per.last.max(),
    )
    p = p.filter(MIN_VISITS["C_UPC"] <= p.N)
    one = ibis.literal(1.0)
    return p.select(
        "period_type",
        "period_start",
        "person_id",
        "att_date",
        n_C_UPC=p.maxn / p.N,
        d_C_UPC=one,
        n_C_COC=(p.sumsq - p.N) / (p.N * (p.N - 1.0)),
        d_C_COC=one,
        n_C_MMCI=(1.0 - p.M / (p.N + 0.1)) / (1.0 - 1.0 / (p.N + 0.1)),
        d_C_MMCI=one,
        n_C_HHI=p.sumsq / (p.N * p.N),
        d_C_HHI=one,
        # N - 1 consecutive pairs in the period; the last visit's predecessor is in it since N >= 2
        n_C_SECON=p.same / (p.N - 1.0),
        d_C_SECON=one,
    )


def build_own_doctor(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    v = doctor_visits(lake)
    fc = _fixed_doctors(lake)
    j = v.join(fc, [v.person_id == fc.person_id, valid_on(fc.f_from, fc.f_to, v.day)])
    # fixed doctors do not overlap (validated), so a visit matches at most one
    j = j.select(
        person_id=j.person_id,
        att_date=j.day,
        doctor_id=j.fixed,
        n_C_OWNDR=flag(j.fixed == j.practitioner_id),
        d_C_OWNDR=ibis.literal(1.0),
    )
    return periodise(j, "att_date", period_types)


def build_fixed_doctor(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """Snapshot on each month's last day (capped at the lake's last day); quarters and years take their last
    month's snapshot. Listings and fixed doctors do not overlap per person (validated), so a listed person
    matches at most one fixed doctor; the person's attributes are attached before the month expansion."""
    ends = _period_ends(lake, "month")
    ends_t = ibis.memtable({"period_start": [s for s, _ in ends], "snap": [e for _, e in ends]})
    li = lake.listings
    u = lake.units
    li = li.semi_join(u.filter(u.kind == "primary").select("unit_id"), "unit_id")
    p = lake.persons
    li = li.join(
        p.select("person_id", "sex", "region_code", "municipality_code", birth_year=p.birth_date.year()),
        "person_id",
    )
    s = li.join(ends_t, valid_on(li.valid_from, li.valid_to, ends_t.snap))
    s = s.select(
        "person_id",
        "unit_id",
        "period_start",
        "snap",
        "sex",
        "region_code",
        "municipality_code",
        "birth_year",
    )
    fc = _fixed_doctors(lake)
    j = s.left_join(fc, [s.person_id == fc.person_id, valid_on(fc.f_from, fc.f_to, s.snap)])
    return j.select(
        "period_start",
        "person_id",
        "unit_id",
        "sex",
        "region_code",
        "municipality_code",
        "birth_year",
        period_type=ibis.literal("month"),
        att_date=j.snap,
        doctor_id=j.fixed,
        n_C_FLK=flag(j.f_from.notnull()),
        d_C_FLK=ibis.literal(1.0),
        n_C_FLK_INF=flag(j.informed.notnull() & (j.informed <= j.snap)),
        d_C_FLK_INF=ibis.literal(1.0),
    )


def _period_ends(lake: Lake, period_type: str) -> list[tuple[dt.date, dt.date]]:
    """(first day, snapshot day) of every period from the lake's first to its last day."""
    out = []
    y, m = lake.first.year, lake.first.month
    step = {"month": 1, "quarter": 3, "year": 12}[period_type]
    m = 1 if period_type == "year" else m - (m - 1) % step
    while dt.date(y, m, 1) <= lake.last:
        ny, nm = (y + (m - 1 + step) // 12, (m - 1 + step) % 12 + 1)
        end = min(dt.date(ny, nm, 1) - dt.timedelta(days=1), lake.last)
        out.append((dt.date(y, m, 1), end))
        y, m = ny, nm
    return out


FAMILIES = (
    Family(
        "continuity_indices",
        (C_UPC, C_COC, C_MMCI, C_HHI, C_SECON),
        build_indices,
        grain="person",
        by_doctor=True,
    ),
    Family("continuity_own_doctor", (C_OWNDR,), build_own_doctor, by_doctor=True),
    Family(
        "continuity_fixed_doctor",
        (C_FLK, C_FLK_INF),
        build_fixed_doctor,
        has_unit=True,
        grain="snapshot",
        by_doctor=True,
    ),
)
