"""The organisation register's shapes for the API and the administrator's pages."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class OrganizationIn(BaseModel):
    """An organisation (vårdgivare, huvudman) as the administrator enters it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=32)  # an OrganizationKind value
    org_number: str = Field(min_length=1, max_length=11)  # NNNNNN-NNNN
    hsa_id: str = Field(min_length=1, max_length=31)
    municipality_code: str | None = Field(default=None, max_length=4)


class OrganizationOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    org_number: str
    hsa_id: str
    municipality_code: str | None
    units: int = 0


class CareUnitIn(BaseModel):
    """A care unit (vårdenhet) as the administrator enters it; `organization` is the organisation's HSA-id
    or organisationsnummer."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=32)  # a UnitKind value
    hsa_id: str = Field(min_length=1, max_length=31)
    organization: str = Field(min_length=1, max_length=31)
    municipality_code: str = Field(min_length=1, max_length=4)
    accepts_listing: bool = False


class CareUnitOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    hsa_id: str
    municipality_code: str
    organization_id: uuid.UUID
    organization_name: str
    organization_hsa_id: str
    accepts_listing: bool


class CatalogueProblem(BaseModel):
    """One rule a row of the unit catalogue breaks: the file's line number (the header is line 1)."""

    row: int
    field: str
    rule: str


class CatalogueReport(BaseModel):
    """The result of checking (and perhaps importing) the region's unit catalogue."""

    rows: int  # data rows in the file
    valid_rows: int
    problems: list[CatalogueProblem]
    imported: bool  # whether anything was written
    created: list[str] = []  # HSA-ids of new units
    updated: list[str] = []  # HSA-ids of existing units changed by the file
    unchanged: list[str] = []  # HSA-ids already as the file has them
    skipped_rows: list[int] = []  # rows with a problem, left out of a partial import
