"""Continuity indicators (domain.md 2.2, 5; BMC Health Serv Res 2022 review of continuity indices).

Visits: encounters with a doctor (profession LK) at a primary-care unit, every mode (physical, home visit,
video, phone; SKR's Primärvårdskvalitet counts distance contacts too). A patient seeing the same doctor twice
on one day counts one visit (a double registration, not a second contact); two doctors on one day count two.
Indices are computed per patient and period from the visits *in that period*, and averaged over patients who
meet the minimum visit count (N >= 2 for every index: COC and SECON are undefined below two visits, and for
UPC, MMCI and Herfindahl one visit would score a meaningless perfect 1).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import Family, Indicator, Lake, f64, flag, in_window, period_start

MIN_VISITS = {"C_UPC": 2, "C_COC": 2, "C_MMCI": 2, "C_HHI": 2, "C_SECON": 2}
_SRC_IDX = "Pollack et al., BMC Health Serv Res 2022 (review of continuity indices); domain.md section 5"


def _idx(code: str, sv: str, en: str, formula: str, source: str = _SRC_IDX) -> Indicator:
    return Indicator(
        code, sv, en, "continuity", f"Mean over patients with >= {MIN_VISITS[code]} doctor visits in the period "
        f"of {formula}.", f"sum of the patients' {code[2:]} values", "patients with enough visits", source,
        unit="index",
    )


C_UPC = _idx("C_UPC", "Andel besök hos vanligaste läkaren (UPC)", "Usual Provider Continuity",
             "max_i n_i / N")
C_COC = _idx("C_COC", "Kontinuitetsindex Bice-Boxerman (COC)", "Bice-Boxerman Continuity of Care",
             "(sum n_i^2 - N) / (N (N - 1))", "Bice & Boxerman 1977; ABFM NQF #3617; SKR Primärvårdskvalitet")
C_MMCI = _idx("C_MMCI", "Modifierat kontinuitetsindex (MMCI)", "Modified Modified Continuity Index",
              "(1 - M / (N + 0.1)) / (1 - 1 / (N + 0.1))")
C_HHI = _idx("C_HHI", "Herfindahlindex för läkarbesök", "Herfindahl index of doctor visits",
             "sum (n_i / N)^2")
C_SECON = _idx("C_SECON", "Sekventiell kontinuitet (SECON)", "Sequential continuity",
               "the share of consecutive visit pairs (ordered by start, then encounter id) with the same doctor")
C_FLK = Indicator(
    "C_FLK", "Andel listade med fast läkarkontakt", "Share of listed persons with a named fixed doctor",
    "continuity", "Persons listed at a primary-care unit on the last day of the period (or of the lake) "
    "who have a named fast läkarkontakt valid that day.", "listed persons with a named fixed doctor",
    "listed persons", "ÖK God och nära vård 2021-2022 Mål 1 (target 55 %); HSL 7 kap. 3 a §; domain.md 2.2",
)
C_FLK_INF = Indicator(
    "C_FLK_INF", "Andel listade med fast läkarkontakt som informerats", "Share of listed persons with a "
    "fixed doctor they were told about", "continuity", "As C_FLK, counting only persons informed of their "
    "fixed doctor on or before that day.", "listed persons with a fixed doctor, informed",
    "listed persons", "ÖK 2021 (patients to be informed who their contacts are); domain.md 2.2",
)
C_OWNDR = Indicator(
    "C_OWNDR", "Andel läkarbesök hos egen fast läkare", "Share of doctor visits with the patient's own "
    "fixed doctor", "continuity", "Primary-care doctor visits by patients who had a named fixed doctor on "
    "the visit day; share where the doctor seen was that fixed doctor.", "visits with own fixed doctor",
    "doctor visits of patients with a fixed doctor", "Vårdanalys 2022 'Kontinuitet och fast läkarkontakt'",
)


def doctor_visits(lake: Lake) -> ir.Table:
    """One row per patient, doctor and day at primary-care units."""
    e, u = lake.encounters, lake.units
    primary = u.filter(u.kind == "primary").select("unit_id")
    e = e.filter(e.profession == "LK").semi_join(primary, "unit_id")
    e = e.mutate(day=e.start.date())
    e = e.filter(in_window(e.day, lake))
    return e.group_by(["person_id", "practitioner_id", "day"]).aggregate(
        start=e.start.min(), encounter_id=e.encounter_id.min(), unit_id=e.unit_id.min()
    )


def build_indices(lake: Lake, period_type: str) -> ir.Table:
    v = doctor_visits(lake)
    v = v.mutate(period_start=period_start(v.day, period_type))
    per = v.group_by(["person_id", "period_start", "practitioner_id"]).aggregate(n=v.count(), last=v.day.max())
    p = per.group_by(["person_id", "period_start"]).aggregate(
        N=f64(per.n.sum()), M=f64(per.n.count()), maxn=f64(per.n.max()), sumsq=f64((per.n * per.n).sum()),
        att_date=per.last.max(),
    )
    p = p.filter(MIN_VISITS["C_UPC"] <= p.N)
    return p.select(
        "period_start", "person_id", "att_date",
        n_C_UPC=p.maxn / p.N, d_C_UPC=ibis.literal(1.0),
        n_C_COC=(p.sumsq - p.N) / (p.N * (p.N - 1.0)), d_C_COC=ibis.literal(1.0),
        n_C_MMCI=(1.0 - p.M / (p.N + 0.1)) / (1.0 - 1.0 / (p.N + 0.1)), d_C_MMCI=ibis.literal(1.0),
        n_C_HHI=p.sumsq / (p.N * p.N), d_C_HHI=ibis.literal(1.0),
    )


def build_secon(lake: Lake, period_type: str) -> ir.Table:
    v = doctor_visits(lake)
    v = v.mutate(period_start=period_start(v.day, period_type))
    w = ibis.window(group_by=[v.person_id, v.period_start], order_by=[v.start, v.encounter_id])
    v = v.mutate(prev=v.practitioner_id.lag().over(w))
    pairs = v.filter(v.prev.notnull())
    p = pairs.group_by(["person_id", "period_start"]).aggregate(
        pairs=f64(pairs.count()), same=flag(pairs.prev == pairs.practitioner_id).sum(), att_date=pairs.day.max()
    )
    return p.select("period_start", "person_id", "att_date", n_C_SECON=p.same / p.pairs,
                    d_C_SECON=ibis.literal(1.0))


def build_own_doctor(lake: Lake, period_type: str) -> ir.Table:
    v = doctor_visits(lake)
    fc = lake.fixed_contacts
    fc = fc.filter(fc.kind == "doctor").select("person_id", fixed=fc.practitioner_id, f_from=fc.valid_from,
                                                f_to=fc.valid_to)
    j = v.join(fc, [v.person_id == fc.person_id, fc.f_from <= v.day,
                    fc.f_to.isnull() | (fc.f_to >= v.day)])
    # a patient with two overlapping fixed doctors counts the visit once, as "own" if either matches
    j = j.group_by(["person_id", "practitioner_id", "day"]).aggregate(own=flag(j.fixed == j.practitioner_id).max())
    return j.select(period_start=period_start(j.day, period_type), person_id=j.person_id, att_date=j.day,
                    n_C_OWNDR=j.own, d_C_OWNDR=ibis.literal(1.0))


def build_fixed_doctor(lake: Lake, period_type: str) -> ir.Table:
    """Snapshot on each period's last day (capped at the lake's last day)."""
    ends = _period_ends(lake, period_type)
    ends_t = ibis.memtable({"period_start": [s for s, _ in ends], "snap": [e for _, e in ends]})
    li = lake.listings
    u = lake.units
    li = li.semi_join(u.filter(u.kind == "primary").select("unit_id"), "unit_id")
    s = li.join(ends_t, [li.valid_from <= ends_t.snap, li.valid_to.isnull() | (li.valid_to >= ends_t.snap)])
    s = s.select("person_id", "unit_id", "period_start", "snap")
    fc = lake.fixed_contacts
    fc = fc.filter(fc.kind == "doctor").select("person_id", f_from=fc.valid_from, f_to=fc.valid_to,
                                                informed=fc.informed_date)
    j = s.left_join(fc, [s.person_id == fc.person_id, fc.f_from <= s.snap,
                         fc.f_to.isnull() | (fc.f_to >= s.snap)])
    j = j.group_by([j.person_id, j.unit_id, j.period_start, j.snap]).aggregate(
        has=flag(j.f_from.notnull()).max(), inf=flag(j.informed.notnull() & (j.informed <= j.snap)).max()
    )
    return j.select("period_start", "person_id", "unit_id", att_date=j.snap, n_C_FLK=j.has,
                    d_C_FLK=ibis.literal(1.0), n_C_FLK_INF=j.inf, d_C_FLK_INF=ibis.literal(1.0))


def _period_ends(lake: Lake, period_type: str) -> list[tuple[object, object]]:
    import datetime as dt

    out = []
    y, m = lake.first.year, lake.first.month
    step = {"month": 1, "quarter": 3, "year": 12}[period_type]
    m = m - (m - 1) % step
    if period_type == "year":
        m = 1
    while dt.date(y, m, 1) <= lake.last:
        ny, nm = (y + (m - 1 + step) // 12, (m - 1 + step) % 12 + 1)
        end = min(dt.date(ny, nm, 1) - dt.timedelta(days=1), lake.last)
        out.append((dt.date(y, m, 1), end))
        y, m = ny, nm
    return out


FAMILIES = (
    Family("continuity_indices", (C_UPC, C_COC, C_MMCI, C_HHI), build_indices),
    Family("continuity_secon", (C_SECON,), build_secon),
    Family("continuity_own_doctor", (C_OWNDR,), build_own_doctor),
    Family("continuity_fixed_doctor", (C_FLK, C_FLK_INF), build_fixed_doctor, has_unit=True),
)
