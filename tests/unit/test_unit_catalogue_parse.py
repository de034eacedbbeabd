"""The unit catalogue's parser (issue 20), without a database: every broken rule of every row, by line."""

from __future__ import annotations

from naravard.organizations.catalogue import parse_catalogue

ORGS = {"SE2321000198-RG", "232100-0198"}
KINDS = {"health_centre", "mobile_team"}


def _parse(text: str) -> tuple[list[str], list[tuple[int, str, str]]]:
    parsed = parse_catalogue(text.encode("utf-8"), known_organizations=ORGS, unit_kinds=KINDS)
    return [r.hsa_id for r in parsed.rows], [(p.row, p.field, p.rule) for p in parsed.problems]


def test_columns_in_any_order_swedish_headings_blank_lines_and_quotes() -> None:
    rows, problems = _parse(
        "Namn;HSA-id;Typ;Kommun;Vårdgivare\n"
        '"Norr; hälsocentral";SE2321000198-A1;health_centre;2180;232100-0198\n'
        "\n"
        "Team;SE2321000198-A2;mobile_team;2181;SE2321000198-RG\n"
    )
    assert (rows, problems) == (["SE2321000198-A1", "SE2321000198-A2"], [])


def test_every_rule_of_every_row_with_its_line() -> None:
    rows, problems = _parse(
        "id,name,kind,organisation,municipality\n"
        "SE2321000198-A1,Ok,health_centre,SE2321000198-RG,2180\n"
        "se-1,,castle,nobody,2180x\n"
        "SE2321000198-A1,Dubblett,health_centre,SE2321000198-RG,2180\n"
        "SE2321000198-A4,Sex,health_centre,SE2321000198-RG,2180,extra\n"
        f"SE2321000198-A5,{'x' * 201},health_centre,SE2321000198-RG,2180\n"
    )
    assert rows == ["SE2321000198-A1"]
    assert [(row, field) for row, field, _ in problems] == [
        (3, "name"),
        (3, "id"),
        (3, "kind"),
        (3, "organisation"),
        (3, "municipality"),
        (4, "id"),
        (5, "row"),
        (6, "name"),
    ]


def test_a_file_that_is_not_a_catalogue() -> None:
    assert _parse("")[1] == [
        (1, "header", "the first line must name the columns id, name, kind, organisation, municipality")
    ]
    assert _parse("id,name,kind,organisation,municipality\n")[1] == [(1, "file", "the file has no rows")]
    unreadable = parse_catalogue(b"\xc3\x28", known_organizations=ORGS, unit_kinds=KINDS)
    assert [(p.row, p.field) for p in unreadable.problems] == [(0, "file")]
