"""Follow-up pages: a dashboard of trends with targets, a comparison of municipalities and units with
drill-down region -> municipality -> unit, the steering-group report of what a page shows, as PDF or
Excel, and the targets with a form for the region's own. Charts are Plotly figures drawn by the plotly.js
that ships in the ``plotly`` wheel, served from our own origin (the machines are offline; no CDN).

The routes are thin: the pages' content is built in ``page_dashboard``, ``page_compare`` and
``page_targets``; this module renders it, and is the only follow-up module that imports the web shell (the
import contract)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import plotly
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from naravard.actor import Actor
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Conflict, Invalid, NotFound
from naravard.followup import target_service
from naravard.followup.actions import FollowupAction
from naravard.followup.api import FollowupActor, Targets, report_response, targets_file
from naravard.followup.pages.common import (
    DEFAULT_INDICATORS,
    REPORT_SCOPES,
    Translate,
    parse_scope,
    parse_stratum,
)
from naravard.followup.pages.compare import compare_context
from naravard.followup.pages.dashboard import dashboard_context
from naravard.followup.pages.targets import (
    TargetForm,
    changed_meanwhile,
    delete_confirm,
    edit_form,
    parse_value,
    targets_context,
)
from naravard.followup.results.scopes import load_names
from naravard.followup.schemas import TargetChange, TargetIn
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
    db: DbSession,
    tg: Targets,
    indicator: Annotated[list[str] | None, Query()] = None,
    period_type: str = "month",
    scope: str | None = None,
    stratum_type: str = "all",
) -> HTMLResponse:
    """Trends of one scope; without ``scope``, of the user's own unit (a unit manager's; analysts and
    administrators see the total). ``scope=total`` is always the whole."""
    lang, tr = _lang(request)
    status, ctx = dashboard_context(
        request,
        db,
        actor,
        indicator=indicator,
        period_type=period_type,
        scope=scope,
        stratum_type=stratum_type,
        lang=lang,
        t=tr,
        plotly_url=PLOTLY_URL,
        targets=tg,
    )
    return render(request, "followup/dashboard.html", status_code=status, **ctx)


@router.get("/followup/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    actor: FollowupActor,
    db: DbSession,
    tg: Targets,
    indicator: str = "C_FLK",
    period_type: str = "year",
    period: str | None = None,
    parent: str | None = None,
    stratum: str | None = None,
) -> HTMLResponse:
    """Municipalities and units side by side for one indicator, period and stratum (``sex:F``,
    ``age_band:65-79``; empty for everyone). Without ``parent``, a unit manager's page opens on the
    municipality that holds their unit; their own unit is marked wherever it is listed."""
    lang, tr = _lang(request)
    status, ctx = compare_context(
        request,
        db,
        actor,
        indicator=indicator,
        period_type=period_type,
        period=period,
        parent=parent,
        stratum=stratum,
        lang=lang,
        t=tr,
        plotly_url=PLOTLY_URL,
        targets=tg,
    )
    return render(request, "followup/compare.html", status_code=status, **ctx)


@router.get("/followup/report.{fmt}")
def report_download(
    request: Request,
    actor: FollowupActor,
    tg: Targets,
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
        targets=tg,
        compare=compare or None,
    )


# --- targets -------------------------------------------------------------------------------------------------

DONE = {"created": "Saved.", "saved": "Saved.", "deleted": "Deleted."}
Text = Annotated[str, Form(max_length=2000)]


def _targets_page(
    request: Request,
    db: DbSession,
    actor: Actor,
    *,
    status: int = 200,
    form: TargetForm | None = None,
    message: str | None = None,
    error: str | None = None,
    delete: uuid.UUID | None = None,
) -> HTMLResponse:
    lang, tr = _lang(request)
    names = load_names(request.app.state.settings.effective_lake_dir)
    file = targets_file(request)
    confirm = (
        delete_confirm(db, actor, delete, targets_file=file, names=names, lang=lang, t=tr) if delete else None
    )
    ctx = targets_context(
        db, actor, targets_file=file, names=names, lang=lang, t=tr, form=form, confirm=confirm
    )
    return render(
        request, "followup/targets.html", status_code=status, **{**ctx, "message": message, "error": error}
    )


@router.get("/followup/targets", response_class=HTMLResponse)
def targets_page(
    request: Request,
    actor: FollowupActor,
    db: DbSession,
    edit: uuid.UUID | None = None,
    done: str = "",
    delete: uuid.UUID | None = None,
) -> HTMLResponse:
    """Every target and where it comes from; for analysts also the form for the region's own (``edit``: a
    target of the region's to change; ``delete``: one to delete, asked first: the list's delete button leads
    here, and only the confirmation's button posts the delete)."""
    lang, tr = _lang(request)
    message = tr(DONE[done]) if done in DONE else None
    if delete is not None and target_service.may_write(actor):
        try:
            return _targets_page(request, db, actor, delete=delete)
        except NotFound as exc:
            return _targets_page(request, db, actor, status=404, error=exc.text(tr))
    if edit is None or not target_service.may_write(actor):
        return _targets_page(request, db, actor, message=message)
    try:
        form = edit_form(db, actor, edit, load_names(request.app.state.settings.effective_lake_dir), lang, tr)
    except NotFound as exc:
        return _targets_page(request, db, actor, status=404, error=exc.text(tr))
    return _targets_page(request, db, actor, form=form, message=message)


@router.post("/followup/targets", response_model=None)
def create_target(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    indicator: Text = "",
    scope_type: Text = "",
    scope_id: Text = "",
    value: Text = "",
    source: Text = "",
    baseline: Text = "",
) -> Response:
    """A new target of the region's own from the form (relative with a ``baseline`` period); a bad field or
    an existing target shows the form again with what was typed."""
    target_service.require_writer(db, actor, FollowupAction.TARGET_CREATE)
    form = TargetForm(indicator, scope_type, scope_id, value, source, baseline)
    try:
        data = TargetIn(
            indicator=indicator,
            scope_type=scope_type,
            scope_id=scope_id,
            value=parse_value(value),
            source=source,
            baseline=baseline or None,
        )
        target_service.create_target(db, actor=actor, data=data)
    except (Invalid, Conflict) as exc:
        db.rollback()
        return _targets_page(
            request, db, actor, status=exc.status_code, form=form, error=exc.text(_lang(request)[1])
        )
    return RedirectResponse("/followup/targets?done=created", status_code=303)


@router.post("/followup/targets/{target_id}", response_model=None)
def update_target(
    request: Request,
    target_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    version: Annotated[int, Form()],
    value: Text = "",
    source: Text = "",
    baseline: Text = "",
    indicator: Text = "",
    scope_type: Text = "",
    scope_id: Text = "",
) -> Response:
    """A change based on the form's hidden ``version``. Someone else's change meanwhile: 409, their value in
    the message and the form at their version with what was typed; deleted meanwhile: 404, the form as a new
    target."""
    target_service.require_writer(db, actor, FollowupAction.TARGET_UPDATE)
    lang, tr = _lang(request)
    typed = TargetForm(indicator, scope_type, scope_id, value, source, baseline)
    try:
        # the form always states the baseline: empty makes the target absolute
        data = TargetChange(
            value=parse_value(value), source=source, version=version, baseline=baseline or None
        )
        target_service.update_target(db, actor=actor, target_id=target_id, data=data)
    except NotFound as exc:
        db.rollback()
        return _targets_page(request, db, actor, status=404, form=typed, error=exc.text(tr))
    except (Invalid, Conflict) as exc:
        db.rollback()
        names = load_names(request.app.state.settings.effective_lake_dir)  # only to show the form again
        try:
            now = edit_form(db, actor, target_id, names, lang, tr)
        except NotFound as gone:
            return _targets_page(request, db, actor, status=404, form=typed, error=gone.text(tr))
        now.value, now.source, now.baseline = value, source, baseline  # what was typed, at the version now
        error = changed_meanwhile(now.current, lang, tr) if isinstance(exc, Conflict) else exc.text(tr)
        return _targets_page(request, db, actor, status=exc.status_code, form=now, error=error)
    return RedirectResponse("/followup/targets?done=saved", status_code=303)


@router.post("/followup/targets/{target_id}/delete", response_model=None)
def delete_target(
    request: Request,
    target_id: uuid.UUID,
    actor: CurrentActor,
    db: DbSession,
    version: Annotated[int, Form()],
) -> Response:
    """Delete based on the hidden ``version`` of the confirmation (``targets_page`` with ``delete``: the list's
    button only asks); someone else's change meanwhile: 409 and the target as it is now in the form, not
    deleted."""
    lang, tr = _lang(request)
    try:
        target_service.delete_target(db, actor=actor, target_id=target_id, version=version)
    except NotFound as exc:
        db.rollback()
        return _targets_page(request, db, actor, status=404, error=exc.text(tr))
    except Conflict:
        db.rollback()
        names = load_names(request.app.state.settings.effective_lake_dir)
        try:
            form = edit_form(db, actor, target_id, names, lang, tr)
        except NotFound as gone:  # deleted by someone else while we tried
            return _targets_page(request, db, actor, status=404, error=gone.text(tr))
        error = changed_meanwhile(form.current, lang, tr, deleting=True)
        return _targets_page(request, db, actor, status=409, form=form, error=error)
    return RedirectResponse("/followup/targets?done=deleted", status_code=303)


__all__ = ["load_names", "router"]  # load_names: callers and tests find it here
