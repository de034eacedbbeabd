"""The organisation register for administrators: organisations, care units and the import of the region's
unit catalogue (`naravard units import` does the same from the command line)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse

from naravard.deps import CurrentActor, DbSession
from naravard.organizations import service
from naravard.organizations.catalogue import MAX_BYTES
from naravard.organizations.schemas import (
    CareUnitIn,
    CareUnitOut,
    CatalogueReport,
    OrganizationIn,
    OrganizationOut,
)

router = APIRouter(tags=["organizations"])


@router.get("/organizations", response_model=list[OrganizationOut])
def organizations(actor: CurrentActor, db: DbSession) -> list[OrganizationOut]:
    """Every organisation with its number of care units (administrators only; 403 otherwise)."""
    return service.admin_organizations(db, actor=actor)


@router.post("/organizations", response_model=OrganizationOut, status_code=201)
def create_organization(body: OrganizationIn, actor: CurrentActor, db: DbSession) -> OrganizationOut:
    return service.create_organization(db, actor=actor, data=body)


@router.get("/organizations/{hsa_id}", response_model=OrganizationOut)
def organization(hsa_id: str, actor: CurrentActor, db: DbSession) -> OrganizationOut:
    return service.get_organization(db, actor=actor, hsa_id=hsa_id)


@router.put("/organizations/{hsa_id}", response_model=OrganizationOut)
def update_organization(
    hsa_id: str, body: OrganizationIn, actor: CurrentActor, db: DbSession
) -> OrganizationOut:
    return service.update_organization(db, actor=actor, hsa_id=hsa_id, data=body)


@router.get("/units", response_model=list[CareUnitOut])
def units(
    actor: CurrentActor, db: DbSession, q: Annotated[str, Query(max_length=100)] = ""
) -> list[CareUnitOut]:
    """Care units by name; `q` matches the name or HSA-id (administrators only)."""
    return service.admin_units(db, actor=actor, query=q)


@router.post("/units", response_model=CareUnitOut, status_code=201)
def create_unit(body: CareUnitIn, actor: CurrentActor, db: DbSession) -> CareUnitOut:
    return service.create_unit(db, actor=actor, data=body)


@router.get("/units/{hsa_id}", response_model=CareUnitOut)
def unit(hsa_id: str, actor: CurrentActor, db: DbSession) -> CareUnitOut:
    return service.get_admin_unit(db, actor=actor, hsa_id=hsa_id)


@router.put("/units/{hsa_id}", response_model=CareUnitOut)
def update_unit(hsa_id: str, body: CareUnitIn, actor: CurrentActor, db: DbSession) -> CareUnitOut:
    return service.update_unit(db, actor=actor, hsa_id=hsa_id, data=body)


@router.post(
    "/units/import",
    response_model=CatalogueReport,
    responses={422: {"model": CatalogueReport, "description": "The file has bad rows; nothing imported."}},
)
def import_units(
    actor: CurrentActor,
    db: DbSession,
    file: Annotated[
        UploadFile, File(description="The unit catalogue: id,name,kind,organisation,municipality")
    ],
    import_valid_rows: bool = False,
) -> CatalogueReport | JSONResponse:
    """Check the whole file; import it when every row is good, or only its good rows when
    `import_valid_rows` is true. A file with bad rows and no such request imports nothing: 422 with every
    bad row (row number, field, rule). Idempotent by HSA-id: known units are updated and reported."""
    content = file.file.read(MAX_BYTES + 1)
    report = service.import_catalogue(db, actor=actor, content=content, import_valid_rows=import_valid_rows)
    if not report.imported:
        return JSONResponse(report.model_dump(mode="json"), status_code=422)
    return report
