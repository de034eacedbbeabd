"""Where a person lived on a date: the area scopes (region, municipality) count a row where its person lived
on the row's date, not where they live now (docs/event-lake.md, ``residences``).

``person_areas`` gives every person periods that cover all time without gaps or overlaps, so a join on the
person and the date finds exactly one: a person without residences has one open period with the
``persons`` table's region and municipality; a person with residences has one per residence, from its
``valid_from`` (the first from the beginning of time) to the day before the next one begins (the last
open). A gap between two residences (e.g. a time abroad) therefore counts in the earlier one, and a date
before the first residence in the first.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import Lake

FAR_PAST = dt.date(1900, 1, 1)  # no date of the lake is earlier (lake_schema.DATE_FLOOR)


def person_areas(lake: Lake) -> ir.Table:
    """``person_id, sex, birth_date, out_date, region_code, municipality_code, r_from, r_to`` (``r_to`` null =
    open); shared by every family of the run (cached on the engine)."""

    def build() -> ir.Table:
        p = lake.persons.select(
            "person_id", "sex", "birth_date", "out_date", "region_code", "municipality_code"
        )
        r = lake.residences
        order = ibis.window(group_by=r.person_id, order_by=[r.valid_from])
        r = r.select(
            res_id="person_id",
            res_region="region_code",
            res_municipality="municipality_code",
            r_from=ibis.ifelse(ibis.row_number().over(order) == 0, ibis.literal(FAR_PAST), r.valid_from),
            r_to=r.valid_from.lead().over(order) - ibis.interval(days=1),
        )
        # one left join, not a join and an anti-join of the residences: on Spark Connect a cached plan that
        # reads one subquery twice is not found in the cache again (its CTE is analysed anew each time)
        j = p.left_join(r, p.person_id == r.res_id)
        return j.select(
            "person_id",
            "sex",
            "birth_date",
            "out_date",
            region_code=j.res_region.fill_null(j.region_code),
            municipality_code=j.res_municipality.fill_null(j.municipality_code),
            r_from=j.r_from.fill_null(ibis.literal(FAR_PAST)),
            r_to=j.r_to,
        )

    return lake.share("person_areas", build)
