"""Imports every context's models so `Base.metadata` is complete (Alembic, tests, `create_all`)."""

from __future__ import annotations

from importlib import import_module

from naravard.contexts import CONTEXTS
from naravard.db import Base


def load_all() -> type[Base]:
    """`Base`, with the tables of every context that declares models in `naravard.contexts.CONTEXTS`."""
    for context in CONTEXTS:
        if context.models:
            import_module(context.models)
    return Base
