"""Follow-up routes of the JSON API: indicator definitions, result rows with targets, dashboard series, and
the targets themselves (the region's own are written here; ``target_service`` decides who may).

Results are aggregates with small cells already suppressed when they were written, so reading them touches
no patient and writes no per-patient audit row; access is limited to the roles that do follow-up, and
per-doctor results to analysts and administrators (``service.check_scope_access``).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from naravard.actor import Actor, Role
from naravard.bounds import MAX_INT
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, Invalid
from naravard.followup import service, target_service
from naravard.followup.reports import report
from naravard.followup.reports.names import report_filename
from naravard.followup.results.scopes import Names, load_names
from naravard.followup.results.targets import Target
from naravard.followup.schemas import IndicatorOut, ResultRow, SeriesPoint, TargetChange, TargetIn, TargetOut

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


def targets_file(request: Request) -> Path | None:
    file: Path | None = request.app.state.settings.targets_file
    return file


def request_targets(request: Request, db: DbSession, _actor: FollowupActor) -> list[Target]:
    """The targets in effect: national, the setting ``targets_file``'s (read again only when it changes) and
    the region's own from the database. After the actor: nobody else makes us read them."""
    return target_service.effective_targets(db, targets_file=targets_file(request))


Targets = Annotated[list[Target], Depends(request_targets)]


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
    tg: Targets,
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
    """Result rows, each with ``target`` and ``meets_target`` and, for shares and rates, the 95 % confidence
    interval ``ci_low`` / ``ci_high``; suppressed cells have no numbers. The doctor scope is for analysts and
    administrators (403 for a unit manager)."""
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
        targets=tg,
        actor=actor,
    )


@router.get("/dashboard", response_model=dict[str, list[SeriesPoint]])
def dashboard(
    request: Request,
    actor: FollowupActor,
    tg: Targets,
    indicators: Annotated[str, Query(description="Indicator codes separated by commas, e.g. C_FLK,A3")],
    period_type: PeriodType = "month",
    scope_type: ScopeType = "total",
    scope_id: Annotated[str | None, Query(description="Scope id (one)")] = None,
) -> dict[str, list[dict[str, Any]]]:
    """One time series per indicator for one scope: period, value, numerator, denominator, target, and the
    95 % confidence interval of shares and rates."""
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
        targets=tg,
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
    targets: list[Target],
    compare: str | None = None,
) -> Response:
    """The report as a download, read with the actor's access (shared by the API and the pages), marked
    against ``targets`` (the request's: national, file and the region's own)."""
    names = _lake_names(request)
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
        targets=targets,
        lang=lang,
        actor=actor,
        compare=compare,
        names=names if compare else None,
    )
    name = report_filename(
        scope_type, scope_id, period_type, fmt, lang, indicators=indicators, names=names, compare=compare
    )
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
    tg: Targets,
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
        targets=tg,
        compare=compare or None,
    )


# --- targets ---------------------------------------------------------------------------------------------


@router.get("/targets", response_model=list[TargetOut])
def list_targets(request: Request, actor: FollowupActor, db: DbSession) -> list[TargetOut]:
    """Every target with its origin: national, file (the setting ``targets_file``) or region (the database,
    with id and version), in precedence order; ``in_effect`` is false where a later source has a target for
    the same indicator and scope. The most specific target applies to a result row."""
    return target_service.list_targets(db, actor=actor, targets_file=targets_file(request))


@router.get("/targets/{target_id}", response_model=TargetOut)
def get_target(target_id: uuid.UUID, actor: FollowupActor, db: DbSession) -> TargetOut:
    """One target of the region's own, with the version a change or delete must name."""
    return target_service.get_target(db, actor=actor, target_id=target_id)


@router.post("/targets", response_model=TargetOut, status_code=201)
def create_target(body: TargetIn, actor: CurrentActor, db: DbSession) -> TargetOut:
    """A target of the region's own (analysts only: 403 for others). One per indicator and scope: 409 when
    it exists. 422 names the field of a bad value (a share is from 0 to 1). With ``baseline`` the target is
    relative: ``value`` 1.2 is +20 % against the result in that period."""
    return target_service.create_target(db, actor=actor, data=body)


@router.put("/targets/{target_id}", response_model=TargetOut)
def update_target(target_id: uuid.UUID, body: TargetChange, actor: CurrentActor, db: DbSession) -> TargetOut:
    """A new value and source (and ``baseline``, when given), based on the ``version`` read: 409 when someone
    changed it since."""
    return target_service.update_target(db, actor=actor, target_id=target_id, data=body)


@router.delete("/targets/{target_id}", status_code=204, response_class=Response)
def delete_target(
    target_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    version: Annotated[
        int, Query(ge=0, le=MAX_INT, description="The version read; 409 when someone changed it since")
    ],
) -> Response:
    """Remove a target of the region's own; the file's or the national one applies again."""
    target_service.delete_target(db, actor=actor, target_id=target_id, version=version)
    return Response(status_code=204)
