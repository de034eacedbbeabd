"""Continuity indicators (domain.md 2.2, 5): the shares about the named fixed doctor (fast läkarkontakt),
and the domain's families in their fixed order.

C_FLK and C_FLK_INF are month-end snapshots of the listed persons; C_OWNDR is the share of primary-care
doctor visits (as defined in ``continuity_indices``) made with the patient's own fixed doctor. The
visit-based indices (UPC, COC, MMCI, Herfindahl, SECON) are computed in ``continuity_indices``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import (
    AGE_LIMITS,
    Family,
    Indicator,
    Lake,
    Texts,
    f64,
    first_snapshot,
    flag,
    last_snapshot,
    month_index_of,
    periodise,
    snapshot_months,
    valid_on,
)
from naravard.followup.indicators.continuity_indices import (
    C_COC,
    C_COC_ALL,
    C_HHI,
    C_MMCI,
    C_SECON,
    C_UPC,
    build_coc_all,
    build_indices,
    doctor_visits,
)
from naravard.followup.indicators.residence import person_areas

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
    Texts(
        "Personer listade vid en vårdcentral (primärvårdsenhet) på periodens sista dag (eller underlagets "
        "sista dag) som har en namngiven fast läkarkontakt som gäller den dagen. Den som flyttat från "
        "regionen eller avlidit är inte listad efter den dagen. Redovisas inte per läkare: en läkares "
        "nämnare vore läkarens egna patienter, alltid 1.",
        "listade med namngiven fast läkarkontakt",
        "listade personer",
        "ÖK God och nära vård 2021–2022 Mål 1 (målnivå 55 %); HSL 7 kap. 3 a §",
    ),
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
    Texts(
        "Som C_FLK, men räknar bara personer som informerats om sin fasta läkarkontakt den dagen eller "
        "tidigare. Redovisas även per läkare: andelen av läkarens patienter som fått veta.",
        "listade med fast läkarkontakt, informerade",
        "listade personer",
        "ÖK 2021 (patienterna ska informeras om vilka deras fasta kontakter är)",
    ),
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
    Texts(
        "Läkarbesök i primärvården av patienter som hade en namngiven fast läkarkontakt på besöksdagen; "
        "andelen där läkaren var den fasta läkarkontakten.",
        "besök hos egen fast läkare",
        "läkarbesök av patienter med fast läkarkontakt",
    ),
)


def _fixed_doctors(lake: Lake) -> ir.Table:
    fc = lake.fixed_contacts
    return fc.filter(fc.kind == "doctor").select(
        "person_id",
        fixed=fc.practitioner_id,
        f_from=fc.valid_from,
        f_to=fc.valid_to,
        informed=fc.informed_date,
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
    primary-care unit, split where its person moved (``residence``), and each part of it covered by a
    named fixed doctor (listings and fixed doctors do not overlap per person, validated), becomes a range of snapshot months; a range adds its persons at its
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
    p = person_areas(lake)
    p = p.select(
        "person_id",
        "sex",
        "region_code",
        "municipality_code",
        birth_year=_age_cohort(p.birth_date.year().cast("int64"), lake),
        gone=last_snapshot(p.out_date, lake),
        ra=first_snapshot(p.r_from, lake),
        rb=last_snapshot(p.r_to, lake),
    )
    # the part of the listing lived in each residence (one part for a person who did not move)
    li = li.view()  # a relation of its own (not the semi-join's chain), so the range predicates bind to it
    li = li.join(p, [li.person_id == p.person_id, p.ra <= li.b, p.rb >= li.a]).drop("person_id_right")
    # a listing never outlives its person: who left the region or died is not listed at later month ends
    li = li.mutate(a=ibis.greatest(li.a, li.ra), b=ibis.least(li.b, li.rb, li.gone)).drop("gone", "ra", "rb")
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
