"""Which value a dashboard card puts at its head, so a steering group is not misled by it.

The headline is the last *complete* period with a value: a period that ends after the lake's last day holds a
few days' events (region A3 read 100,0 % for three days of December against a history of about 80 %), so it
is shown apart, marked as incomplete and not judged against the target. A headline older than the lake's last
complete period (later periods suppressed or without cases) says how many periods old it is. Pure rules over
the series points of ``service.dashboard_series``; the page words them (``page_dashboard``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from naravard.followup.indicators.periods import axis, is_complete, last_complete, parse_label, steps

Point = dict[str, Any]


@dataclass(frozen=True)
class Headline:
    point: Point | None  # the last complete period with a value; None when no complete period has one
    partial: Point | None  # the last period when it is incomplete (shown apart, not judged), else None
    latest: str | None  # the lake's last complete period (the series' last without a lake day)
    behind: int  # how many periods ``point`` is older than ``latest``: 0 when it is the latest

    @property
    def stale(self) -> bool:
        return self.point is not None and self.behind > 0


def headline(points: list[Point], period_type: str, last_day: dt.date | None) -> Headline:
    """The headline of one series (the whole population's points, in period order) whose lake ends on
    ``last_day`` (None when the results did not record it: every period then counts as complete)."""
    complete = [p for p in points if is_complete(p["period"], last_day)]
    partial = points[-1] if points and not is_complete(points[-1]["period"], last_day) else None
    point = next((p for p in reversed(complete) if p["value"] is not None), None)
    latest = (
        last_complete(period_type, last_day) if last_day else (complete[-1]["period"] if complete else None)
    )
    behind = 0
    if point is not None and latest is not None:
        behind = max(0, steps(period_type, point["period"], latest))
    return Headline(point, partial, latest, behind)


def time_axis(periods: list[str], period_type: str, until: str | None = None) -> list[str]:
    """Every period from the first of ``periods`` to the last (or to ``until``, the lake's last period, when
    later): months without data keep their place on a chart's axis and in its table. Labels that are not
    periods (a hand-made series) are kept as they are, in their order."""
    labels = list(dict.fromkeys(periods))
    if until is not None:
        labels.append(until)
    if not labels or any(parse_label(p) is None for p in labels):
        return list(dict.fromkeys(periods))
    ordered = sorted(labels)
    return axis(period_type, ordered[0], ordered[-1])
