"""What a protected identity hides (skyddade personuppgifter: sekretessmarkering and skyddad folkbokföring,
OSL 22 kap. 1 §), in one place: search, the overview and the follow-up export ask here. The access policy's
own part (a protected identity is never shared through consent) is in `consent.policy`."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from naravard.patients.models import Person

PROTECTED_NAME = "Skyddad identitet"


def findable_by_name() -> ColumnElement[bool]:
    """Never found by name, even where a care relationship exists: a name search is where a stranger
    would look, so the own unit finds the person by personnummer only."""
    return Person.protected_identity.is_(False)


def masked_in_search(person: Person, *, readable: bool) -> bool:
    """An identity lookup that may not open the person shows the protected identity without name, birth
    date, sex or unit (the searcher typed the number, so the number itself tells nothing new)."""
    return person.protected_identity and not readable


def shows_address(person: Person) -> bool:
    """Address and municipality are never shown for a protected identity, not even to its own unit."""
    return not person.protected_identity


def exported_municipality(*, protected: bool, municipality_code: str | None) -> str | None:
    """The follow-up export keeps only what statistics need: a protected identity's municipality is left
    out (the lake uses the listing unit's), so the export never narrows down where they live."""
    return None if protected else municipality_code
