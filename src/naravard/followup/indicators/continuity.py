"""Continuity indicators (domain.md 2.2, 5; BMC Health Serv Res 2022 review of continuity indices).

Visits: encounters with a doctor (profession LK) at a primary-care unit, every mode (physical, home visit,
video, phone: continuity is with the doctor, whatever the channel; SKR's inclusion rules are not settled,
domain.md 11.4). A patient seeing the same doctor twice
on one day counts one visit (a double registration, not a second contact); two doctors on one day count two.
Indices are computed per patient and period from the visits *in that period*, and averaged over patients who
meet the minimum visit count (N >= 2 for every index: COC and SECON are undefined below two visits, and for
UPC, MMCI and Herfindahl one visit would score a meaningless perfect 1).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import (
    AGE_LIMITS,
    PERIOD_TYPES,
    Family,
    Indicator,
    Lake,
    f64,
    first_snapshot,
    flag,
    in_window,
    last_snapshot,
    month_index_of,
    period_start,
    periodise,
    snapshot_months,
    valid_on,
)

MIN_VISITS = {"C_UPC": 2, "C_COC": 2, "C_MMCI": 2, "C_HHI": 2, "C_SECON": 2, "C_COC_ALL": 2}
_SRC_IDX = (
    "BMC Health Serv Res 2022 review of continuity indices (its table of formulas); domain.md section 5"
)


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
C_COC_ALL = Indicator(
    "C_COC_ALL",
    "Kontinuitetsindex Bice-Boxerman, alla yrkesgrupper (COC)",
    "Bice-Boxerman Continuity of Care, all professions",
    "continuity",
    "Mean over patients with >= 2 primary-care visits in the period (any profession, every mode; the same "
    "practitioner twice on one day counts once) of (sum n_i^2 - N) / (N (N - 1)), n_i the visits with "
    "practitioner i. The doctor indices' companion for the patient's total contacts.",
    "sum of the patients' COC values",
    "patients with enough visits",
    "ÖK God och nära vård 2021-2022 Mål 2 (continuity index for doctors and for total contacts, +20 % "
    "against a baseline); Bice & Boxerman 1977; domain.md 2.2, 5",
    unit="index",
)
C_FLK = Indicator(
    "C_FLK",
    "Andel listade med fast läkarkontakt",
    "Share of listed persons with a named fixed doctor",
    "continuity",
    "Persons listed at a primary-care unit on the last day of the period (or of the lake) "
    "who have a named fast läkarkontakt valid that day. Who left the region or died is not listed after "
    "that day. Not given per doctor: a doctor's denominator would be his or her own patients, always 1.",
    "listed persons with a named fixed doctor",
    "listed persons",
    "ÖK God och nära vård 2021-2022 Mål 1 (target 55 %); HSL 7 kap. 3 a §; domain.md 2.2",
    doctor_scope=False,
)
C_FLK_INF = Indicator(
    "C_FLK_INF",
    "Andel listade med fast läkarkontakt som informerats",
    "Share of listed persons with a fixed doctor they were told about",
    "continuity",
    "As C_FLK, counting only persons informed of their fixed doctor on or before that day. Given per "
    "doctor too: the share of the doctor's patients who have been told.",
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


def _per_period_type(m: ir.Table, period_types: tuple[str, ...], *, sequential: bool) -> dict[str, ir.Table]:
    """Monthly counts per patient and practitioner (``n``, ``last``, with ``sequential`` also the same-doctor
    pairs ``s_<period type>``) as counts per patient, practitioner and period for each period type: months
    summed to quarters, quarters to years (the counts are additive)."""
    same = {"same": m.s_month} if sequential else {}
    per: dict[str, ir.Table] = {
        "month": m.select("person_id", "practitioner_id", "n", "last", period_start=m.month, **same)
    }
    if "quarter" in period_types or "year" in period_types:
        pairs = {"same": m.s_quarter.sum(), "s_year": m.s_year.sum()} if sequential else {}
        q = m.group_by(
            ["person_id", "practitioner_id", period_start(m.month, "quarter").name("period_start")]
        ).aggregate(n=m.n.sum(), last=m.last.max(), **pairs)
        per["quarter"] = q.drop("s_year") if sequential else q
        if "year" in period_types:
            per["year"] = q.group_by(
                ["person_id", "practitioner_id", period_start(q.period_start, "year").name("period_start")]
            ).aggregate(n=q.n.sum(), last=q.last.max(), **({"same": q.s_year.sum()} if sequential else {}))
    return per


def build_coc_all(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """COC over every profession: visits per patient, practitioner and day at primary-care units (no
    sequence, so no window), counted per month and summed to quarters and years as for the doctors."""
    e, u = lake.encounters, lake.units
    e = e.semi_join(u.filter(u.kind == "primary").select("unit_id"), "unit_id")
    e = e.mutate(day=e.start.date())
    e = e.filter(in_window(e.day, lake))
    v = e.select("person_id", "practitioner_id", "day").distinct()
    v = v.mutate(month=period_start(v.day, "month"))
    m = v.group_by(["person_id", "practitioner_id", "month"]).aggregate(n=v.count(), last=v.day.max())
    per = _per_period_type(m, period_types, sequential=False)
    parts = []
    for pt in period_types:
        g = per[pt]
        p = g.group_by(["person_id", "period_start"]).aggregate(
            N=f64(g.n.sum()), sumsq=f64((g.n * g.n).sum()), att_date=g.last.max()
        )
        parts.append(p.filter(MIN_VISITS["C_COC_ALL"] <= p.N).mutate(period_type=ibis.literal(pt)))
    p = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
    return p.select(
        "period_type",
        "period_start",
        "person_id",
        "att_date",
        n_C_COC_ALL=(p.sumsq - p.N) / (p.N * (p.N - 1.0)),
        d_C_COC_ALL=ibis.literal(1.0),
    )


def build_indices(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """UPC, COC, MMCI, Herfindahl and SECON for every period type from one pass over the visits: visits per
    patient, doctor and month (grouped once), summed to quarters and quarters to years (the counts per
    patient and doctor are additive; N, the maximum and the sum of squares are taken only after summing),
    then one small per-patient aggregate per period type."""
    m = lake.share("doctor_visits_monthly", lambda: _monthly_counts(lake, PERIOD_TYPES))
    per = _per_period_type(m, period_types, sequential=True)
    parts = []
    for pt in period_types:
        g = per[pt]
        p = g.group_by(["person_id", "period_start"]).aggregate(
            N=f64(g.n.sum()),
            M=f64(g.n.count()),
            maxn=f64(g.n.max()),
            sumsq=f64((g.n * g.n).sum()),
            same=f64(g.same.sum()),
            att_date=g.last.max(),
        )
        parts.append(p.filter(MIN_VISITS["C_UPC"] <= p.N).mutate(period_type=ibis.literal(pt)))
    p = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
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


def _age_cohort(birth_year: ir.IntegerValue, lake: Lake) -> ir.IntegerValue:
    """A birth year that puts the person in the same age band as ``birth_year`` in every year of the lake:
    the birth year itself when the band changes within the lake's years, otherwise a representative of the
    band (first year minus the band's lower age limit) when that representative stays in the band for the
    whole lake (a lake spanning more years than a band is wide keeps the birth years). Persons then share a
    handful of cohorts instead of a hundred birth years, so the running counts below have few keys."""
    y0, y1 = lake.first.year, lake.last.year
    lim = AGE_LIMITS

    def floor(age: ir.IntegerValue) -> ir.IntegerValue:
        return ibis.cases((age < lim[0], 0), (age < lim[1], lim[0]), (age < lim[2], lim[1]), else_=lim[2])

    lo0, lo1 = floor(y0 - birth_year), floor(y1 - birth_year)
    # the representative's age in the last year, y1 - y0 + lo0, must still be below the band's upper limit
    upper = ibis.cases((lo0 == 0, lim[0]), (lo0 == lim[0], lim[1]), (lo0 == lim[1], lim[2]), else_=10_000)
    same = (lo0 == lo1) & (y1 - y0 + lo0 < upper)
    return ibis.ifelse(same, y0 - lo0, birth_year).cast("int64")


def build_fixed_doctor(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """Snapshot on each month's last day (capped at the lake's last day); quarters and years take their last
    month's snapshot. Computed by counting changes, never by expanding persons to months: each listing at a
    primary-care unit, and each part of it covered by a named fixed doctor (listings and fixed doctors do
    not overlap per person, validated), becomes a range of snapshot months; a range adds its persons at its
    first month and removes them after its last, and a running sum per attribution key (unit, fixed doctor,
    sex, residence, age cohort) gives the counts at every month end.

    Weights per range: ``wd`` listed persons (the listing +1 under "no fixed doctor"; a fixed-doctor part
    moves the person, -1 there and +1 under the doctor), ``wn`` with a fixed doctor, ``wi`` informed of it
    on or before the snapshot day (from the first snapshot on or after the informed date)."""
    m1 = month_index_of(lake.last)
    u = lake.units
    li = lake.listings.semi_join(u.filter(u.kind == "primary").select("unit_id"), "unit_id")
    li = li.select(
        "person_id",
        "unit_id",
        a=first_snapshot(li.valid_from, lake),
        b=last_snapshot(li.valid_to, lake),
    )
    p = lake.persons
    p = p.select(
        "person_id",
        "sex",
        "region_code",
        "municipality_code",
        birth_year=_age_cohort(p.birth_date.year().cast("int64"), lake),
        gone=last_snapshot(p.out_date, lake),
    )
    li = li.join(p, "person_id")
    # a listing never outlives its person: who left the region or died is not listed at later month ends
    li = li.mutate(b=ibis.least(li.b, li.gone)).drop("gone")
    li = li.filter(li.a <= li.b)
    fc = _fixed_doctors(lake)
    fc = fc.select(
        "person_id",
        "fixed",
        fa=first_snapshot(fc.f_from, lake),
        fb=last_snapshot(fc.f_to, lake),
        fi=first_snapshot(fc.informed, lake),
    )
    fc = fc.filter(fc.fa <= fc.fb)
    ov = li.join(fc, [li.person_id == fc.person_id, fc.fa <= li.b, fc.fb >= li.a])
    ov = ov.mutate(a=ibis.greatest(ov.a, ov.fa), b=ibis.least(ov.b, ov.fb))
    keys = ("unit_id", "sex", "region_code", "municipality_code", "birth_year")
    null_doc = ibis.null("int64")

    def part(t: ir.Table, doctor: ir.Value, a: ir.Value, wd: int, wn: int, wi: ir.Value) -> ir.Table:
        return t.select(
            *keys,
            doctor_id=doctor,
            a=a,
            b=t.b,
            wd=ibis.literal(wd, "int64"),
            wn=ibis.literal(wn, "int64"),
            wi=wi.cast("int64"),
        )

    zero = ibis.literal(0, "int64")
    segs = ibis.union(
        part(li, null_doc, li.a, 1, 0, zero),
        part(ov, null_doc, ov.a, -1, 0, zero),
        # informed before the part starts: informed over the whole part
        part(ov, ov.fixed, ov.a, 1, 1, ibis.ifelse(ov.fi <= ov.a, 1, 0)),
        # informed during the part: informed from the first snapshot on or after the informed date
        part(ov.filter((ov.fi > ov.a) & (ov.fi <= ov.b)), ov.fixed, ov.fi, 0, 0, ibis.literal(1, "int64")),
        distinct=False,
    )
    gkeys = [*keys, "doctor_id"]
    starts = segs.select(*gkeys, idx=segs.a, wd=segs.wd, wn=segs.wn, wi=segs.wi)
    ends = segs.filter(segs.b < m1)
    ends = ends.select(*gkeys, idx=ends.b + 1, wd=-ends.wd, wn=-ends.wn, wi=-ends.wi)
    ev = ibis.union(starts, ends, distinct=False)
    ev = ev.group_by([*gkeys, "idx"]).aggregate(wd=ev.wd.sum(), wn=ev.wn.sum(), wi=ev.wi.sum())
    run = ibis.window(group_by=[ev[k] for k in gkeys], order_by=ev.idx, rows=(None, 0))
    nxt = ibis.window(group_by=[ev[k] for k in gkeys], order_by=ev.idx)
    r = ev.select(
        *gkeys,
        "idx",
        d=ev.wd.sum().over(run),
        n=ev.wn.sum().over(run),
        i=ev.wi.sum().over(run),
        nxt=ev.idx.lead().over(nxt),
    )
    r = r.filter(r.d != 0)
    months = snapshot_months(lake)
    j = r.join(months, [r.idx <= months.m, months.m < r.nxt.fill_null(m1 + 1)])
    return j.select(
        "period_start",
        *gkeys,
        period_type=ibis.literal("month"),
        att_date=j.snap,
        n_C_FLK=f64(j.n),
        d_C_FLK=f64(j.d),
        n_C_FLK_INF=f64(j.i),
        d_C_FLK_INF=f64(j.d),
    )


FAMILIES = (
    Family(
        "continuity_indices",
        (C_UPC, C_COC, C_MMCI, C_HHI, C_SECON),
        build_indices,
        grain="person",
        by_doctor=True,
    ),
    Family("continuity_all_professions", (C_COC_ALL,), build_coc_all, grain="person"),
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
