"""Where a user's follow-up pages open: a unit manager's on their own unit. The platform's care unit and the
lake's unit are linked by the HSA-id (the name Swedish regions give a unit across systems), since the lake's
unit ids are pseudonyms or the region's own numbers. A unit the lake does not hold (a municipal home-care
unit, a lake without HSA-ids) opens on its municipality when the lake has units there; anything else (a
regional office), and every analyst and administrator, opens on the whole ("total"), as before.

The unit is read through the organisation register's service (no patient data: nothing is audit-logged)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from naravard.actor import Actor, Role
from naravard.errors import NotFound
from naravard.followup.results.scopes import Names
from naravard.organizations import service as org_service

# Roles whose follow-up is of their own unit; analysts and administrators follow the region as a whole.
OWN_UNIT_ROLES = frozenset({Role.UNIT_MANAGER})
# Unit kinds (organizations' UnitKind) that serve the whole region: an office's municipality is its address,
# not the area it answers for, so its managers open on the whole too.
REGIONAL_UNIT_KINDS = frozenset({"administration"})

TOTAL = "total"


@dataclass(frozen=True, slots=True)
class OwnScope:
    """The actor's own place in the lake. ``scope`` is where the dashboard opens (``unit:<lake id>``,
    ``municipality:<code>`` or ``total``); ``unit_id`` the lake's id of the actor's unit when the lake holds
    it; ``municipality`` the municipality that holds the unit when the lake has units there; ``unit_name``
    the platform unit's name (None when the actor has no unit of their own)."""

    scope: str = TOTAL
    unit_id: str | None = None
    municipality: str | None = None
    unit_name: str | None = None


def own_scope(session: Session, *, actor: Actor, names: Names) -> OwnScope:
    """The actor's own unit in the lake ``names`` describes: by its HSA-id, else its municipality, else
    nothing (``total``)."""
    if actor.role not in OWN_UNIT_ROLES or actor.unit_id is None:
        return OwnScope()
    try:
        unit = org_service.get_unit(session, actor.unit_id)
    except NotFound:  # the assignment's unit was removed meanwhile: nothing of one's own to open on
        return OwnScope()
    lake_id = names.unit_of_hsa(unit.hsa_id)
    if lake_id is not None:
        mun = names.unit_municipality.get(lake_id)
        return OwnScope(f"unit:{lake_id}", lake_id, mun, unit.name)
    if unit.kind not in REGIONAL_UNIT_KINDS and names.has_municipality(unit.municipality_code):
        code = unit.municipality_code
        return OwnScope(f"municipality:{code}", None, code, unit.name)
    return OwnScope(unit_name=unit.name)
