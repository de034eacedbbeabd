"""Every bounded context, declared once: its routers, commands, models, templates and messages.

The app (`naravard.app`), the command line (`naravard.cli`), the templates (`naravard.web.templating`), the
Swedish catalogue (`naravard.web.i18n`), the model registry and Alembic (`naravard.models_registry`) all
iterate `CONTEXTS`, so a new context is its package plus one line here (docs/architecture.md, "Adding a
context"). The entries are import strings, not imports: this module imports no context, and each reader
loads only what it needs, when it needs it (the CLI does not import FastAPI, the app not Typer).
`tests/unit/test_contexts.py` checks that every package with a ``service.py`` is declared and that every
declared string resolves.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Command:
    """A top-level command of `naravard`: ``name`` is what users type after ``naravard``; ``target`` is
    ``"module:attribute"`` of a Typer app (a group: ``naravard followup run``) or of a function (one
    command: ``naravard import``; its help is the function's docstring)."""

    name: str
    target: str


@dataclass(frozen=True)
class Context:
    """One bounded context, the package ``naravard.<name>``. Each field is ``"module:attribute"`` (a
    router, the models or messages module) or None when the context has no such part."""

    name: str
    api: str | None = None  # an APIRouter, included under /api
    web: str | None = None  # an APIRouter of HTML pages
    cli: tuple[Command, ...] = ()
    models: str | None = None  # imported so that Base.metadata holds the context's tables
    templates: bool = False  # naravard/<name>/templates/ is on the template path
    messages: str | None = None  # a module with SV: dict[str, str], Swedish keyed by the English text

    @property
    def package(self) -> str:
        return f"naravard.{self.name}"


# The order is the order of the routes (an earlier router wins a path both match), of the commands in
# `naravard --help` and of the template folders.
CONTEXTS: tuple[Context, ...] = (
    Context(
        "accounts",
        api="naravard.accounts.api:router",
        web="naravard.accounts.web:router",
        cli=(Command("users", "naravard.accounts.cli:app"),),
        models="naravard.accounts.models",
        templates=True,
        messages="naravard.accounts.messages",
    ),
    Context(
        "patients",
        api="naravard.patients.api:router",
        web="naravard.patients.web:router",
        models="naravard.patients.models",
        templates=True,
        messages="naravard.patients.messages",
    ),
    Context(
        "consent",
        api="naravard.consent.api:router",
        web="naravard.consent.web:router",
        models="naravard.consent.models",
        templates=True,
        messages="naravard.consent.messages",
    ),
    Context(
        "contacts",
        api="naravard.contacts.api:router",
        web="naravard.contacts.web:router",
        cli=(Command("contacts", "naravard.contacts.cli:app"),),
        models="naravard.contacts.models",
        templates=True,
        messages="naravard.contacts.messages",
    ),
    Context(
        "careplans",
        api="naravard.careplans.api:router",
        web="naravard.careplans.web:router",
        cli=(Command("careplans", "naravard.careplans.cli:app"),),
        models="naravard.careplans.models",
        templates=True,
        messages="naravard.careplans.messages",
    ),
    Context(
        "coordination",
        api="naravard.coordination.api:router",
        web="naravard.coordination.web:router",
        cli=(Command("coordination", "naravard.coordination.cli:app"),),
        models="naravard.coordination.models",
        templates=True,
        messages="naravard.coordination.messages",
    ),
    Context(
        "organizations",
        api="naravard.organizations.api:router",
        web="naravard.organizations.web:router",
        cli=(Command("units", "naravard.organizations.cli:app"),),
        models="naravard.organizations.models",
        templates=True,
        messages="naravard.organizations.messages",
    ),
    Context(
        "notifications",
        api="naravard.notifications.api:router",
        web="naravard.notifications.web:router",
        cli=(Command("notifications", "naravard.notifications.cli:app"),),
        models="naravard.notifications.models",
        templates=True,
        messages="naravard.notifications.messages",
    ),
    Context(
        "audit",
        api="naravard.audit.api:router",
        web="naravard.audit.web:router",
        cli=(Command("audit", "naravard.audit.cli:app"),),
        models="naravard.audit.models",
        templates=True,
        messages="naravard.audit.messages",
    ),
    Context(
        "followup",
        api="naravard.followup.api:router",
        web="naravard.followup.web:router",
        cli=(
            Command("followup", "naravard.followup.cli:app"),
            Command("import", "naravard.followup.cli:import_csv"),
            Command("lake", "naravard.followup.cli:lake_app"),
        ),
        models="naravard.followup.models",
        templates=True,
        messages="naravard.followup.messages",
    ),
    Context(
        "governance",
        api="naravard.governance.api:router",
        web="naravard.governance.web:router",
        cli=(Command("governance", "naravard.governance.cli:app"),),
        models="naravard.governance.models",
        templates=True,
        messages="naravard.governance.messages",
    ),
    Context("synth", cli=(Command("synth", "naravard.synth.cli:synth"),)),
)


def load(target: str) -> Any:
    """The object an import string names: ``"package.module:attribute"``, or a module without ``:``."""
    module, _, attribute = target.partition(":")
    loaded = import_module(module)
    return getattr(loaded, attribute) if attribute else loaded
