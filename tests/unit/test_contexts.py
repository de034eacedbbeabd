"""`naravard.contexts.CONTEXTS` is the one list the app, the CLI, the templates, the catalogue and the models
are wired from: every context is in it, every part it declares exists, and every part a context has is
declared (a router or a command left out of the list would silently not be served)."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
import typer
from fastapi import APIRouter
from typer.main import get_command

from naravard.contexts import CONTEXTS, Context, load

SRC = Path(__file__).resolve().parents[2] / "src" / "naravard"
BY_NAME = {context.name: context for context in CONTEXTS}


def test_every_package_with_a_service_is_a_context() -> None:
    packages = sorted(p.parent.name for p in SRC.glob("*/service.py"))
    assert packages, "no context found under src/naravard"
    missing = [name for name in packages if name not in BY_NAME]
    assert not missing, f"add these packages to naravard.contexts.CONTEXTS: {missing}"


def test_names_are_unique_and_are_packages() -> None:
    assert len(BY_NAME) == len(CONTEXTS)
    for context in CONTEXTS:
        assert (SRC / context.name / "__init__.py").is_file(), context.name


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda c: c.name)
def test_every_declared_part_exists(context: Context) -> None:
    for router in (context.api, context.web):
        if router:
            assert router.startswith(f"{context.package}."), router
            assert isinstance(load(router), APIRouter), router
    for command in context.cli:
        assert command.target.startswith(f"{context.package}."), command
        target = load(command.target)
        assert isinstance(target, typer.Typer) or callable(target), command
    if context.models:
        assert isinstance(load(context.models), types.ModuleType)
    if context.messages:
        catalogue = load(context.messages).SV
        assert isinstance(catalogue, dict) and catalogue, context.messages
    assert context.templates == (SRC / context.name / "templates").is_dir(), context.name


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda c: c.name)
def test_every_part_a_context_has_is_declared(context: Context) -> None:
    home = SRC / context.name
    assert bool(context.api) == (home / "api.py").is_file(), f"{context.name}: api.py and api="
    assert bool(context.web) == (home / "web.py").is_file(), f"{context.name}: web.py and web="
    assert bool(context.cli) == (home / "cli.py").is_file(), f"{context.name}: cli.py and cli="
    assert bool(context.models) == (home / "models.py").is_file(), f"{context.name}: models.py and models="
    assert bool(context.messages) == (home / "messages.py").is_file(), f"{context.name}: messages.py"


def test_the_commands_users_type_are_all_there() -> None:
    """The names in the README, the docs and the tests (`naravard users create`, `naravard followup extract`,
    ...) stay what they were when the commands moved into their contexts."""
    from naravard.cli import app

    root = get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    assert set(root.commands) == {
        "serve",
        "demo",
        "db",
        "users",
        "audit",
        "followup",
        "import",
        "synth",
        "contacts",
        "careplans",  # naravard careplans list / show / export (issue 15)
        "units",  # naravard units import (issue 20)
        "governance",  # naravard governance remind (issue 17)
        "coordination",  # naravard coordination import (issue 16)
        "notifications",  # naravard notifications deliver (issue 16)
        "lake",  # naravard lake init / revert (issue 21)
    }
    groups = {
        name: set(command.commands)  # type: ignore[attr-defined]
        for name, command in root.commands.items()
        if hasattr(command, "commands")
    }
    assert groups == {
        "db": {"upgrade"},
        "users": {"create", "unlock"},
        "audit": {"verify", "seal"},
        "followup": {"run", "report", "extract"},
        "contacts": {"import", "propose", "deliver"},
        "careplans": {"list", "show", "export"},
        "units": {"import"},
        "governance": {"remind"},
        "coordination": {"import"},
        "notifications": {"deliver"},
        "lake": {"init", "revert"},
    }


def test_the_app_serves_every_declared_router_in_order(tmp_path: Path) -> None:
    """Every context's API router (under /api), then every page router, each in CONTEXTS order: the order
    decides which of two routes matching a path wins."""
    from naravard.app import create_app
    from naravard.config import Settings

    settings = Settings(audit_hmac_key="k" * 32, database_url=f"sqlite:///{tmp_path / 'never-opened.db'}")
    app = create_app(settings)
    # FastAPI (pinned) keeps each included router whole, as the route `original_router`
    included = [r.original_router for r in app.routes if hasattr(r, "original_router")]
    declared = [load(c.api) for c in CONTEXTS if c.api] + [load(c.web) for c in CONTEXTS if c.web]
    assert [id(r) for r in included] == [id(r) for r in declared]
