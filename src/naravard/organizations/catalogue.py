"""The region's unit catalogue (HSA-style CSV: id, name, kind, organisation, municipality), read and checked
as a whole: every row's every broken rule, with the file's line number. Pure: the service says which
organisations and kinds exist and does the writing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from naravard.organizations.rules import check_hsa_id, check_municipality
from naravard.organizations.schemas import CatalogueProblem

COLUMNS = ("id", "name", "kind", "organisation", "municipality")
# English spelling and Swedish headings read too (a header names the columns, in any order)
ALIASES = {
    "organization": "organisation",
    "hsa-id": "id",
    "hsa_id": "id",
    "namn": "name",
    "typ": "kind",
    "organisation": "organisation",
    "kommun": "municipality",
    "vårdgivare": "organisation",
}
MAX_BYTES = 5_000_000
MAX_ROWS = 50_000
MAX_NAME = 200

REQUIRED = "required"
UNKNOWN_KIND = "not a known kind of unit"
UNKNOWN_ORGANISATION = "no organisation with this HSA-id or organisationsnummer"
TOO_LONG = "at most 200 characters"
DUPLICATE = "the same HSA-id is on an earlier row"
FIELD_COUNT = "the row must have 5 fields"
NOT_UTF8 = "the file is not UTF-8 text"
TOO_LARGE = "the file is larger than 5 MB or has more than 50,000 rows"
NO_HEADER = "the first line must name the columns id, name, kind, organisation, municipality"
NO_ROWS = "the file has no rows"
NOT_CSV = "the file is not a readable CSV file"


@dataclass(frozen=True)
class CatalogueRow:
    line: int
    hsa_id: str
    name: str
    kind: str
    organization: str  # as the file names it: HSA-id or organisationsnummer
    municipality_code: str


@dataclass
class Parsed:
    rows: list[CatalogueRow]
    problems: list[CatalogueProblem]


def _decode(content: bytes) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def parse_catalogue(content: bytes, *, known_organizations: set[str], unit_kinds: set[str]) -> Parsed:
    """The good rows, and every problem (row 1 is the header; a problem on row 0 or 1 is the file's)."""
    if len(content) > MAX_BYTES:
        return Parsed([], [CatalogueProblem(row=0, field="file", rule=TOO_LARGE)])
    text = _decode(content)
    if text is None or "\x00" in text:
        return Parsed([], [CatalogueProblem(row=0, field="file", rule=NOT_UTF8)])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header or []]
    if header is None or sorted(names) != sorted(COLUMNS):
        return Parsed([], [CatalogueProblem(row=1, field="header", rule=NO_HEADER)])
    index = {name: names.index(name) for name in COLUMNS}
    rows: list[CatalogueRow] = []
    problems: list[CatalogueProblem] = []
    seen: set[str] = set()
    try:
        numbered = list(enumerate(reader, start=2))
    except csv.Error:  # a field past the csv module's limit, an unclosed quote at the end
        return Parsed([], [CatalogueProblem(row=0, field="file", rule=NOT_CSV)])
    for n, fields in numbered:
        if n > MAX_ROWS + 1:
            return Parsed([], [CatalogueProblem(row=0, field="file", rule=TOO_LARGE)])
        if not fields or all(not f.strip() for f in fields):
            continue  # a blank line
        if len(fields) != len(COLUMNS):
            problems.append(CatalogueProblem(row=n, field="row", rule=FIELD_COUNT))
            continue
        value = {name: fields[i].strip() for name, i in index.items()}
        found: list[CatalogueProblem] = []
        for name in COLUMNS:
            if not value[name]:
                found.append(CatalogueProblem(row=n, field=name, rule=REQUIRED))
        if value["id"]:
            if (rule := check_hsa_id(value["id"])) is not None:
                found.append(CatalogueProblem(row=n, field="id", rule=rule))
            elif value["id"] in seen:
                found.append(CatalogueProblem(row=n, field="id", rule=DUPLICATE))
            seen.add(value["id"])
        if len(value["name"]) > MAX_NAME:
            found.append(CatalogueProblem(row=n, field="name", rule=TOO_LONG))
        if value["kind"] and value["kind"] not in unit_kinds:
            found.append(CatalogueProblem(row=n, field="kind", rule=UNKNOWN_KIND))
        if value["organisation"] and value["organisation"] not in known_organizations:
            found.append(CatalogueProblem(row=n, field="organisation", rule=UNKNOWN_ORGANISATION))
        if value["municipality"] and (rule := check_municipality(value["municipality"])) is not None:
            found.append(CatalogueProblem(row=n, field="municipality", rule=rule))
        if found:
            problems.extend(found)
            continue
        rows.append(
            CatalogueRow(
                n, value["id"], value["name"], value["kind"], value["organisation"], value["municipality"]
            )
        )
    if not rows and not problems:
        problems.append(CatalogueProblem(row=1, field="file", rule=NO_ROWS))
    return Parsed(rows, problems)
