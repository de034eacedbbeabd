"""Follow-up pages: a dashboard of trends with targets, a comparison of municipalities and units with
drill-down region -> municipality -> unit, and the steering-group report of what a page shows, as PDF or
Excel. Charts are Plotly figures drawn by the plotly.js that ships in the ``plotly`` wheel, served from our own
origin (the machines are offline; no CDN).

The routes are thin: the pages' content is built in ``page_dashboard`` and ``page_compare``; this module
renders it, and is the only follow-up module that imports the web shell (the import contract)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import plotly
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from naravard.followup.api import FollowupActor, report_response
from naravard.followup.page_common import (
    DEFAULT_INDICATORS,
    REPORT_SCOPES,
    Translate,
    parse_scope,
    parse_stratum,
)
from naravard.followup.page_compare import compare_context
from naravard.followup.page_dashboard import dashboard_context
from naravard.followup.scopes import load_names
from naravard.web.templating import language_of, render, translate

router = APIRouter(include_in_schema=False)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_URL = f"/followup/static/plotly.min.js?v={plotly.__version__}"  # the version busts the long cache


@router.get("/followup/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed wheel; cached for a year (the URL carries the version)."""
    return FileResponse(
        PLOTLY_JS,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


def _lang(request: Request) -> tuple[str, Translate]:
    # translate comes through templating: the import contract lets follow-up pages use only that web module
    lang = language_of(request)
    return lang, lambda text: translate(text, lang)


@router.get("/followup", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    actor: FollowupActor,
    indicator: Annotated[list[str] | None, Query()] = None,
    period_type: str = "month",
    scope: str = "total",
    stratum_type: str = "all",
) -> HTMLResponse:
    lang, tr = _lang(request)
    status, ctx = dashboard_context(
        request,
        actor,
        indicator=indicator,
        period_type=period_type,
        scope=scope,
        stratum_type=stratum_type,
        lang=lang,
        t=tr,
        plotly_url=PLOTLY_URL,
    )
    return render(request, "followup/dashboard.html", status_code=status, **ctx)


@router.get("/followup/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    actor: FollowupActor,
    indicator: str = "C_FLK",
    period_type: str = "year",
    period: str | None = None,
    parent: str | None = None,
    stratum: str | None = None,
) -> HTMLResponse:
    """Municipalities and units side by side for one indicator, period and stratum (``sex:F``,
    ``age_band:65-79``; empty for everyone)."""
    lang, tr = _lang(request)
    status, ctx = compare_context(
        request,
        actor,
        indicator=indicator,
        period_type=period_type,
        period=period,
        parent=parent,
        stratum=stratum,
        lang=lang,
        t=tr,
        plotly_url=PLOTLY_URL,
    )
    return render(request, "followup/compare.html", status_code=status, **ctx)


@router.get("/followup/report.{fmt}")
def report_download(
    request: Request,
    actor: FollowupActor,
    fmt: str,
    indicator: Annotated[list[str] | None, Query()] = None,
    period_type: str = "month",
    scope: str = "total",
    period_from: str | None = None,
    period_to: str | None = None,
    stratum: str | None = None,
    compare: str | None = None,
) -> Response:
    """The steering-group report of a page's choices (the pages' parameters; ``stratum`` as on the
    comparison page, ``compare``: the level the comparison page shows side by side), in the page's
    language. Errors are the error page: 422 for a bad choice, 403 for a scope the actor may not see (the
    doctor scope is for analysts and administrators)."""
    scope_type, scope_id = parse_scope(scope, REPORT_SCOPES)
    stratum_type, stratum_id = parse_stratum(stratum)
    return report_response(
        request,
        actor,
        fmt=fmt,
        indicators=[c for c in indicator or [] if c] or list(DEFAULT_INDICATORS),
        period_type=period_type,
        scope_type=scope_type,
        scope_id=scope_id,
        period_from=period_from or None,
        period_to=period_to or None,
        stratum_type=stratum_type,
        stratum=stratum_id,
        lang=language_of(request),
        compare=compare or None,
    )


__all__ = ["load_names", "router"]  # load_names: callers and tests find it here
