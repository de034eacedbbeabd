"""The targets page's content: every target (national, the targets file's, the region's own) with where it
comes from and whether it applies, and the form for the region's own, for those who may write them
(``target_service.WRITER_ROLES``). No rendering here: ``web`` renders (the import contract)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from naravard.actor import Actor
from naravard.errors import Invalid
from naravard.followup import service, target_service
from naravard.followup.indicators import INDICATORS
from naravard.followup.pages.charts import target_rule
from naravard.followup.pages.common import LABELS, Translate
from naravard.followup.pages.formats import fmt_date, fmt_value
from naravard.followup.results.scopes import Names
from naravard.followup.results.storage import SCOPES
from naravard.followup.schemas import TargetOut

ORIGIN_LABELS = {"national": "National", "file": "Targets file", "region": "The region's own"}
# "every unit" and so on: a target for a scope type without an id
EVERY = {
    "total": "Whole region (total)",
    "region": "Every region",
    "municipality": "Every municipality",
    "unit": "Every unit",
    "doctor": "Every doctor",
}


@dataclass
class TargetForm:
    """What the form shows: a new target, or a change of the region's own ``target_id`` at ``version``."""

    indicator: str = "C_FLK"
    scope_type: str = ""
    scope_id: str = ""
    value: str = ""
    source: str = ""
    baseline: str = ""  # a period: the value is then a factor
    target_id: uuid.UUID | None = None
    version: int | None = None
    fixed: dict[str, str] = field(default_factory=dict)  # indicator and scope of a change, in words
    current: TargetOut | None = None  # the target as stored, for a change


def parse_value(raw: str) -> float:
    """A target as typed: a decimal comma or point (``0,6`` or ``0.6``), spaces ignored."""
    text = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise Invalid("value %(value)r is not a number", field="value", params={"value": raw})
    return value


def shown_number(value: float, lang: str) -> str:
    """A value as the form takes it back: ``0,6`` in Swedish, ``0.6`` in English."""
    s = f"{value:g}"
    return s.replace(".", ",") if lang == "sv" else s


def scope_label(scope_type: str | None, scope_id: str | None, names: Names, t: Translate) -> str:
    if scope_type is None:
        return t("Every scope")
    if scope_id is None:
        return t(EVERY[scope_type])
    return f"{t(LABELS.get(scope_type, 'Doctor'))}: {names.name(scope_type, scope_id, t)}"


def target_shown(o: TargetOut, lang: str, t: Translate) -> str:
    """What a target says: its value in the indicator's unit (``60,0 %``), or a relative target's rule
    (``+20 % mot 2024``)."""
    if o.baseline:
        return target_rule({"target_factor": o.value, "target_baseline": o.baseline}, t, lang)
    return fmt_value(o.value, INDICATORS[o.indicator], lang)


def _row(o: TargetOut, names: Names, lang: str, t: Translate) -> dict[str, Any]:
    ind = INDICATORS[o.indicator]
    return {
        "o": o,
        "name": ind.name(lang),
        "scope": scope_label(o.scope_type, o.scope_id, names, t),
        "value": target_shown(o, lang, t),
        "origin": t(ORIGIN_LABELS[o.origin]),
        "changed": f"{o.changed_by}, {fmt_date(o.changed_at.date(), lang)}" if o.changed_at else "",
        "edit_url": f"/followup/targets?edit={o.id}#target-form" if o.id else None,
    }


def edit_form(
    db: Session, actor: Actor, target_id: uuid.UUID, names: Names, lang: str, t: Translate
) -> TargetForm:
    """The form for a change of the region's own target as it is now (its version goes in a hidden field)."""
    o = target_service.get_target(db, actor=actor, target_id=target_id)
    return TargetForm(
        indicator=o.indicator,
        scope_type=o.scope_type or "",
        scope_id=o.scope_id or "",
        value=shown_number(o.value, lang),
        source=o.source,
        baseline=o.baseline or "",
        target_id=o.id,
        version=o.version,
        fixed={"scope": scope_label(o.scope_type, o.scope_id, names, t)},
        current=o,
    )


def changed_meanwhile(o: TargetOut | None, lang: str, t: Translate, *, deleting: bool = False) -> str:
    """What another writer left, for the message of a refused (stale) change or delete."""
    if o is None:
        return t("This target was deleted meanwhile.")
    done = (
        "It was not deleted; check it and delete again if you still want to."
        if deleting
        else "Your change was not saved; check the form and save again."
    )
    return (
        t(
            "Someone else changed this target meanwhile: it is now %(value)s (version %(version)s, by %(who)s)."
        )
        % {
            "value": target_shown(o, lang, t),
            "version": o.version,
            "who": o.changed_by,
        }
        + " "
        + t(done)
    )


def delete_confirm(
    db: Session,
    actor: Actor,
    target_id: uuid.UUID,
    *,
    targets_file: Path | None,
    names: Names,
    lang: str,
    t: Translate,
) -> dict[str, Any]:
    """What the confirmation of a delete shows: the region's target as it is now (its version goes in a
    hidden field, so someone else's change meanwhile is refused, not deleted unseen) and what applies to the
    scope once it is gone: the file's or the national target it replaced, or none of the scope's own."""
    o = target_service.get_target(db, actor=actor, target_id=target_id)
    rows = target_service.list_targets(db, actor=actor, targets_file=targets_file)
    key = (o.indicator, o.scope_type, o.scope_id)
    under = [r for r in rows if r.origin != "region" and (r.indicator, r.scope_type, r.scope_id) == key]
    if under:
        after = t("Then this target applies instead: %(value)s (%(origin)s: %(source)s).") % {
            "value": target_shown(under[-1], lang, t),
            "origin": t(ORIGIN_LABELS[under[-1].origin]),
            "source": under[-1].source,
        }
    elif o.scope_type is None:  # a target for every scope: nothing wider may apply
        after = t("Then the indicator has no target.")
    else:
        after = t("Then this scope has no target of its own; a target for a wider scope may apply.")
    return {"row": _row(o, names, lang, t), "after": after}


def targets_context(
    db: Session,
    actor: Actor,
    *,
    targets_file: Path | None,
    names: Names,
    lang: str,
    t: Translate,
    form: TargetForm | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The context of ``followup/targets.html``: the list, and the form (a new target unless ``form``); with
    ``confirm`` (``delete_confirm``), the question whether to delete a target, above the list."""
    rows = target_service.list_targets(db, actor=actor, targets_file=targets_file)
    may_doctor = actor.role in service.DOCTOR_SCOPE_ROLES
    return {
        "rows": [_row(o, names, lang, t) for o in rows],
        "can_write": target_service.may_write(actor),
        "form": form or TargetForm(),
        "indicators": [{"code": c, "name": i.name(lang), "unit": i.unit} for c, i in INDICATORS.items()],
        "scope_types": [
            {"value": "", "name": t("Every scope")},
            *(
                {
                    "value": st,
                    "name": t(LABELS.get(st, "Whole region (total)" if st == "total" else "Doctor")),
                }
                for st in SCOPES
                if st != "doctor" or may_doctor
            ),
        ],
        "confirm": confirm,
        "message": None,
        "error": None,
    }
