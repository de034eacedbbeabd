"""The administrator's pages of the organisation register: organisations, care units and the import of the
region's unit catalogue (/admin/organisationer, /admin/enheter, /admin/enheter/import). Every page calls the
service function the API calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, NaravardError
from naravard.organizations import service
from naravard.organizations.catalogue import MAX_BYTES
from naravard.organizations.schemas import CareUnitIn, OrganizationIn
from naravard.web.errors import validation_messages
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

INVALID_FORM = "The form has values that cannot be saved; check them and try again."
ORG_KINDS = [k.value for k in service.OrganizationKind]
UNIT_KINDS = [k.value for k in service.UnitKind]


def _error_text(request: Request, write: Callable[[], object]) -> tuple[str | None, int]:
    """Run one service write; (None, 200) when it succeeded, else the reason in the page's language and its
    status. A refusal (403) is raised on, to the error page (its audit row is kept)."""
    lang = language_of(request)
    try:
        write()
    except ValidationError as exc:
        return " ".join([translate(INVALID_FORM, lang), *validation_messages(exc.errors(), lang)]), 422
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        text = exc.text(lambda s: translate(s, lang))
        return text, exc.status_code
    return None, 200


def _org_form(name: str, kind: str, org_number: str, hsa_id: str, municipality_code: str) -> dict[str, str]:
    return {
        "name": name,
        "kind": kind,
        "org_number": org_number,
        "hsa_id": hsa_id,
        "municipality_code": municipality_code,
    }


@router.get("/admin/organisationer", response_class=HTMLResponse)
def organizations_page(
    request: Request, actor: CurrentActor, db: DbSession, sparat: Annotated[str, Query(max_length=20)] = ""
) -> HTMLResponse:
    return _organizations(request, actor, db, saved=bool(sparat))


def _organizations(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    saved: bool = False,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "organizations/organizations.html",
        status_code=status,
        organizations=service.admin_organizations(db, actor=actor),
        kinds=ORG_KINDS,
        typed=typed or {},
        error=error,
        saved=saved,
    )


@router.post("/admin/organisationer", response_model=None)
def create_organization(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    org_number: Annotated[str, Form(max_length=20)] = "",
    hsa_id: Annotated[str, Form(max_length=40)] = "",
    municipality_code: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse | RedirectResponse:
    service.require_administrator(db, actor=actor, action=service.OrganizationAction.ORGANIZATION_CREATE)
    typed = _org_form(name, kind, org_number, hsa_id, municipality_code)
    error, status = _error_text(
        request,
        lambda: service.create_organization(
            db, actor=actor, data=OrganizationIn(**{**typed, "municipality_code": municipality_code or None})
        ),
    )
    if error:
        db.rollback()
        return _organizations(request, actor, db, typed=typed, error=error, status=status)
    return RedirectResponse("/admin/organisationer?sparat=1", status_code=303)


@router.get("/admin/organisationer/{hsa_id}", response_class=HTMLResponse)
def organization_page(request: Request, hsa_id: str, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    org = service.get_organization(db, actor=actor, hsa_id=hsa_id)
    typed = _org_form(org.name, org.kind, org.org_number, org.hsa_id, org.municipality_code or "")
    return render(
        request, "organizations/organization.html", org=org, kinds=ORG_KINDS, typed=typed, error=None
    )


@router.post("/admin/organisationer/{hsa_id}", response_model=None)
def update_organization(
    request: Request,
    hsa_id: str,
    actor: CurrentActor,
    db: DbSession,
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    org_number: Annotated[str, Form(max_length=20)] = "",
    new_hsa_id: Annotated[str, Form(max_length=40)] = "",
    municipality_code: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse | RedirectResponse:
    service.require_administrator(db, actor=actor, action=service.OrganizationAction.ORGANIZATION_UPDATE)
    typed = _org_form(name, kind, org_number, new_hsa_id, municipality_code)
    error, status = _error_text(
        request,
        lambda: service.update_organization(
            db,
            actor=actor,
            hsa_id=hsa_id,
            data=OrganizationIn(**{**typed, "municipality_code": municipality_code or None}),
        ),
    )
    if error:
        db.rollback()
        org = service.get_organization(db, actor=actor, hsa_id=hsa_id)
        return render(
            request,
            "organizations/organization.html",
            status_code=status,
            org=org,
            kinds=ORG_KINDS,
            typed=typed,
            error=error,
        )
    return RedirectResponse("/admin/organisationer?sparat=1", status_code=303)


# --- Care units ----------------------------------------------------------------------------------------------


def _unit_form(
    name: str, kind: str, hsa_id: str, organization: str, municipality_code: str, accepts_listing: str
) -> dict[str, str]:
    return {
        "name": name,
        "kind": kind,
        "hsa_id": hsa_id,
        "organization": organization,
        "municipality_code": municipality_code,
        "accepts_listing": accepts_listing,
    }


def _unit_in(typed: dict[str, str]) -> CareUnitIn:
    return CareUnitIn(**{**typed, "accepts_listing": typed["accepts_listing"] == "1"})


def _units(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    query: str = "",
    saved: bool = False,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "organizations/units.html",
        status_code=status,
        units=service.admin_units(db, actor=actor, query=query, limit=200),
        organizations=service.admin_organizations(db, actor=actor),
        kinds=UNIT_KINDS,
        query=query,
        typed=typed or {},
        error=error,
        saved=saved,
    )


@router.get("/admin/enheter", response_class=HTMLResponse)
def units_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    q: Annotated[str, Query(max_length=100)] = "",
    sparat: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    return _units(request, actor, db, query=q, saved=bool(sparat))


@router.post("/admin/enheter", response_model=None)
def create_unit(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    hsa_id: Annotated[str, Form(max_length=40)] = "",
    organization: Annotated[str, Form(max_length=40)] = "",
    municipality_code: Annotated[str, Form(max_length=10)] = "",
    accepts_listing: Annotated[str, Form(max_length=1)] = "",
) -> HTMLResponse | RedirectResponse:
    service.require_administrator(db, actor=actor, action=service.OrganizationAction.CARE_UNIT_CREATE)
    typed = _unit_form(name, kind, hsa_id, organization, municipality_code, accepts_listing)
    error, status = _error_text(request, lambda: service.create_unit(db, actor=actor, data=_unit_in(typed)))
    if error:
        db.rollback()
        return _units(request, actor, db, typed=typed, error=error, status=status)
    return RedirectResponse("/admin/enheter?sparat=1", status_code=303)


@router.get("/admin/enheter/import", response_class=HTMLResponse)
def import_page(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    service.require_administrator(db, actor=actor, action=service.OrganizationAction.CATALOGUE_IMPORT)
    return render(request, "organizations/import.html", report=None, error=None)


@router.post("/admin/enheter/import", response_class=HTMLResponse)
def import_catalogue(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    file: Annotated[UploadFile, File()],
    import_valid_rows: Annotated[str, Form(max_length=1)] = "",
) -> HTMLResponse:
    """Check the uploaded catalogue and import it (or only its good rows, when asked); the page lists every
    bad row and what was created, updated and skipped."""
    content = file.file.read(MAX_BYTES + 1)
    report = service.import_catalogue(
        db, actor=actor, content=content, import_valid_rows=import_valid_rows == "1"
    )
    return render(
        request,
        "organizations/import.html",
        status_code=200 if report.imported else 422,
        report=report,
        error=None,
    )


@router.get("/admin/enheter/{hsa_id}", response_class=HTMLResponse)
def unit_page(request: Request, hsa_id: str, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    unit = service.get_admin_unit(db, actor=actor, hsa_id=hsa_id)
    typed = _unit_form(
        unit.name,
        unit.kind,
        unit.hsa_id,
        unit.organization_hsa_id,
        unit.municipality_code,
        "1" if unit.accepts_listing else "",
    )
    return render(
        request,
        "organizations/unit.html",
        unit=unit,
        organizations=service.admin_organizations(db, actor=actor),
        kinds=UNIT_KINDS,
        typed=typed,
        error=None,
    )


@router.post("/admin/enheter/{hsa_id}", response_model=None)
def update_unit(
    request: Request,
    hsa_id: str,
    actor: CurrentActor,
    db: DbSession,
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    new_hsa_id: Annotated[str, Form(max_length=40)] = "",
    organization: Annotated[str, Form(max_length=40)] = "",
    municipality_code: Annotated[str, Form(max_length=10)] = "",
    accepts_listing: Annotated[str, Form(max_length=1)] = "",
) -> HTMLResponse | RedirectResponse:
    service.require_administrator(db, actor=actor, action=service.OrganizationAction.CARE_UNIT_UPDATE)
    typed = _unit_form(name, kind, new_hsa_id, organization, municipality_code, accepts_listing)
    error, status = _error_text(
        request, lambda: service.update_unit(db, actor=actor, hsa_id=hsa_id, data=_unit_in(typed))
    )
    if error:
        db.rollback()
        unit = service.get_admin_unit(db, actor=actor, hsa_id=hsa_id)
        return render(
            request,
            "organizations/unit.html",
            status_code=status,
            unit=unit,
            organizations=service.admin_organizations(db, actor=actor),
            kinds=UNIT_KINDS,
            typed=typed,
            error=error,
        )
    return RedirectResponse(f"/admin/enheter?sparat=1&q={quote(new_hsa_id.strip())}", status_code=303)
