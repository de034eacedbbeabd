"""The formats of the organisation register's identifiers: pure checks, each the rule broken or None."""

from __future__ import annotations

import re

# HSA-id: the country code, the organisation's ten-digit number, a hyphen and the unit's own letters or
# digits (SE2321000198-RG, SE2321000198-E123); at most 31 characters (the column's width).
HSA_ID = re.compile(r"SE\d{10}-[A-Za-z0-9]{1,18}")
ORG_NUMBER = re.compile(r"\d{6}-\d{4}")
MUNICIPALITY = re.compile(r"\d{4}")

HSA_RULE = "an HSA-id is SE, ten digits, a hyphen and up to 18 letters or digits"
ORG_NUMBER_RULE = "an organisationsnummer is six digits, a hyphen and four digits"
MUNICIPALITY_RULE = "a municipality code is four digits"


def check_hsa_id(value: str) -> str | None:
    return None if HSA_ID.fullmatch(value) else HSA_RULE


def check_org_number(value: str) -> str | None:
    return None if ORG_NUMBER.fullmatch(value) else ORG_NUMBER_RULE


def check_municipality(value: str) -> str | None:
    return None if MUNICIPALITY.fullmatch(value) else MUNICIPALITY_RULE
