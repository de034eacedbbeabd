"""Import-linter contract types that read the contexts from `naravard.contexts.CONTEXTS`, so a new context is
independent of the others, and out of shared plumbing's reach, from its one line there (pyproject.toml,
``contract_types``). Only `lint-imports` imports this module; the app never does."""

from __future__ import annotations

from typing import Any

from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract

from naravard.contexts import CONTEXTS

# The audit trail's models, chain and service are themselves shared plumbing (any context writes rows).
PLUMBING_REACHES = frozenset({"audit"})


def context_modules() -> list[str]:
    return [f"naravard.{c.name}" for c in CONTEXTS]


class ContextIndependenceContract(IndependenceContract):
    """An independence contract over every context of CONTEXTS (``modules`` is not written in the config)."""

    type_name = "context_independence"

    def __init__(self, name: str, session_options: dict[str, Any], contract_options: dict[str, Any]) -> None:
        super().__init__(name, session_options, {**contract_options, "modules": context_modules()})


class PlumbingContract(ForbiddenContract):
    """A forbidden contract whose forbidden modules are every context of CONTEXTS but the audit trail."""

    type_name = "plumbing"

    def __init__(self, name: str, session_options: dict[str, Any], contract_options: dict[str, Any]) -> None:
        forbidden = [f"naravard.{c.name}" for c in CONTEXTS if c.name not in PLUMBING_REACHES]
        super().__init__(name, session_options, {**contract_options, "forbidden_modules": forbidden})
