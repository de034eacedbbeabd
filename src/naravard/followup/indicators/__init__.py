"""The indicator set: every indicator defined once as an Ibis expression (see ``base``)."""

from __future__ import annotations

from naravard.followup.indicators import access, continuity, coordination, participation
from naravard.followup.indicators.base import PERIOD_TYPES, Family, Indicator, Lake

FAMILIES: tuple[Family, ...] = (
    *continuity.FAMILIES,
    *access.FAMILIES,
    *participation.FAMILIES,
    *coordination.FAMILIES,
)
INDICATORS: dict[str, Indicator] = {i.code: i for f in FAMILIES for i in f.indicators}

__all__ = ["FAMILIES", "INDICATORS", "PERIOD_TYPES", "Family", "Indicator", "Lake"]
