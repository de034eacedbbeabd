"""Follow-up routes of the JSON API: indicator definitions, result rows with targets, dashboard series.

Results are aggregates with small cells already suppressed when they were written, so reading them touches
no patient and writes no per-patient audit row; access is limited to the roles that do follow-up, and
per-doctor results to analysts and administrators (``service.check_scope_access``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from naravard.actor import Actor, Role
from naravard.deps import CurrentActor
from naravard.errors import Forbidden, Invalid
from naravard.followup import report, service
from naravard.followup.schemas import IndicatorOut, ResultRow, SeriesPoint
from naravard.followup.scopes import Names, load_names
from naravard.followup.targets import Target, load_targets_cached

router = APIRouter(prefix="/followup", tags=["followup"])

FOLLOWUP_ROLES = frozenset({Role.ANALYST, Role.UNIT_MANAGER, Role.ADMINISTRATOR})
# the query parameters the endpoints share
PeriodType = Annotated[str, Query(description="month, quarter or year")]
ScopeType = Annotated[str, Query(description="total, region, municipality, unit or doctor")]
StratumType = Annotated[
    str,
    Query(
        description="all, age_band or sex; for A3 (the share, not its quantiles) also profession (LK, DSK, "
        "...: docs/event-lake.md), mode (physical, home, video, phone) or ownership (public, private), as "
        "the national waiting-time database splits it"
    ),
]
Stratum = Annotated[
    str | None,
    Query(description="One stratum of stratum_type, e.g. F, 65-79, LK, phone or private (not with 'all')"),
]


def followup_actor(actor: CurrentActor) -> Actor:
    """The current actor, if their role may read follow-up results."""
    if actor.role not in FOLLOWUP_ROLES:
        raise Forbidden("follow-up results are for analysts, unit managers and administrators", field="role")
    return actor


FollowupActor = Annotated[Actor, Depends(followup_actor)]


def results_dir(request: Request) -> Path:
    return Path(request.app.state.settings.effective_results_dir)


def targets(request: Request) -> list[Target]:
    """The national targets plus those of the setting ``targets_file`` (read again only when it changes)."""
    return load_targets_cached(request.app.state.settings.targets_file)


def split_codes(raw: str, field: str) -> list[str]:
    """``"A,B"`` -> ``["A", "B"]``; an empty list is an error, not "everything"."""
    codes = [c.strip() for c in raw.split(",") if c.strip()]
    if not codes:
        raise Invalid("%(field)s must name at least one value", field=field, params={"field": field})
    return codes


@router.get("/indicators", response_model=list[IndicatorOut])
def indicators(_actor: FollowupActor) -> list[dict[str, Any]]:
    """Every indicator: code, Swedish and English name, domain, definition, numerator, denominator, source."""
    return service.list_indicators()


@router.get("/results", response_model=list[ResultRow])
def results(
    request: Request,
    actor: FollowupActor,
    indicator: Annotated[str, Query(description="Indicator code; several separated by commas")],
    period_type: PeriodType = "year",
    scope_type: ScopeType = "total",
    scope_id: Annotated[str | None, Query(description="Scope id; several separated by commas")] = None,
    stratum_type: StratumType = "all",
    stratum: Stratum = None,
    period_from: Annotated[
        str | None,
        Query(
            description="First period: YYYY, YYYY-Qn or YYYY-MM as period_type allows (a year also for months "
            "and quarters, a month also for quarters), e.g. 2025-01 or 2025"
        ),
    ] = None,
    period_to: Annotated[str | None, Query(description="Last period (inclusive), same formats")] = None,
) -> list[dict[str, Any]]:
    """Result rows, each with ``target`` and ``meets_target``; suppressed cells have no numbers. The doctor
    scope is for analysts and administrators (403 for a unit manager)."""
    return service.query_results(
        results_dir(request),
        split_codes(indicator, "indicator"),
        period_type,
        scope_type,
        None if scope_id is None else split_codes(scope_id, "scope_id"),
        stratum_type=stratum_type,
        stratum=stratum,
        period_from=period_from,
        period_to=period_to,
        targets=targets(request),
        actor=actor,
    )


@router.get("/dashboard", response_model=dict[str, list[SeriesPoint]])
def dashboard(
    request: Request,
    actor: FollowupActor,
    indicators: Annotated[str, Query(description="Indicator codes separated by commas, e.g. C_FLK,A3")],
    period_type: PeriodType = "month",
    scope_type: ScopeType = "total",
    scope_id: Annotated[str | None, Query(description="Scope id (one)")] = None,
) -> dict[str, list[dict[str, Any]]]:
    """One time series per indicator for one scope: period, value, numerator, denominator, target."""
    if scope_type != "total" and not scope_id:
        raise Invalid(
            "scope_id is required for scope_type %(scope_type)r (one series per scope)",
            field="scope_id",
            params={"scope_type": scope_type},
        )
    if scope_id is not None and "," in scope_id:
        raise Invalid(
            "the dashboard takes one scope_id (one series per scope); use /results for several",
            field="scope_id",
        )
    return service.dashboard_series(
        results_dir(request),
        indicators=split_codes(indicators, "indicators"),
        period_type=period_type,
        scope_type=scope_type,
        scope_id=scope_id,
        targets=targets(request),
        actor=actor,
    )


def _lake_names(request: Request) -> Names | None:
    """The pages' lake places units in areas; without its units, the report reads the lake named in the
    results' meta.json."""
    names = load_names(request.app.state.settings.effective_lake_dir)
    return names if names.units else None


def report_response(
    request: Request,
    actor: Actor,
    *,
    fmt: str,
    indicators: list[str],
    period_type: str,
    scope_type: str,
    scope_id: str | None,
    period_from: str | None,
    period_to: str | None,
    stratum_type: str,
    stratum: str | None,
    lang: str,
    compare: str | None = None,
) -> Response:
    """The report as a download, read with the actor's access (shared by the API and the pages)."""
    data = report.render_report(
        results_dir=results_dir(request),
        indicators=indicators,
        period=period_type,
        scope_type=scope_type,
        scope_id=scope_id,
        fmt=fmt,
        period_from=period_from,
        period_to=period_to,
        stratum_type=stratum_type,
        stratum=stratum,
        targets_file=request.app.state.settings.targets_file,
        lang=lang,
        actor=actor,
        compare=compare,
        names=_lake_names(request) if compare else None,
    )
    name = report.report_filename(scope_type, scope_id, period_type, fmt, lang)
    return Response(
        data,
        media_type=report.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get(
    "/report",
    response_class=Response,
    responses={200: {"content": {t: {} for t in report.FORMATS.values()}, "description": "The report file"}},
)
def report_file(
    request: Request,
    actor: FollowupActor,
    indicators: Annotated[str, Query(description="Indicator codes separated by commas, e.g. C_FLK,A3")],
    format: Annotated[str, Query(description="pdf or xlsx")] = "pdf",
    period_type: PeriodType = "month",
    scope_type: ScopeType = "total",
    scope_id: Annotated[str | None, Query(description="Scope id (one report per scope)")] = None,
    stratum_type: StratumType = "all",
    stratum: Stratum = None,
    period_from: Annotated[str | None, Query(description="First period: YYYY, YYYY-Qn or YYYY-MM")] = None,
    period_to: Annotated[str | None, Query(description="Last period (inclusive), same formats")] = None,
    lang: Annotated[str, Query(description="Report language: sv or en")] = "sv",
    compare: Annotated[
        str | None,
        Query(description="Also the level below the scope side by side: region, municipality or unit"),
    ] = None,
) -> Response:
    """The steering-group report (PDF or Excel) of ``naravard followup report`` for one scope and stratum. The
    doctor scope is for analysts and administrators (403 for a unit manager)."""
    return report_response(
        request,
        actor,
        fmt=format,
        indicators=split_codes(indicators, "indicators"),
        period_type=period_type,
        scope_type=scope_type,
        scope_id=scope_id,
        period_from=period_from,
        period_to=period_to,
        stratum_type=stratum_type,
        stratum=stratum,
        lang=lang,
        compare=compare or None,
    )
