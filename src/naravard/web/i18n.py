"""The UI speaks Swedish by default, English on request. Messages are keyed by their English text.

Each context keeps its own Swedish words in ``<context>/messages.py`` (``SV: dict[str, str]``, declared in
`naravard.contexts.CONTEXTS`), the shell its own in `naravard.web.messages`; `catalogue` merges them once.
Two catalogues may hold the same key only with the same Swedish text (`merge` refuses otherwise, and
`tests/unit/test_messages.py` checks every catalogue).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from types import MappingProxyType

from naravard.contexts import CONTEXTS

SHELL_MESSAGES = "naravard.web.messages"


def catalogue_modules() -> tuple[str, ...]:
    """The modules whose ``SV`` make up the catalogue: the shell's, then each context's in CONTEXTS order."""
    return (SHELL_MESSAGES, *(context.messages for context in CONTEXTS if context.messages))


def catalogues() -> dict[str, Mapping[str, str]]:
    """Each catalogue by the module that holds it."""
    return {module: import_module(module).SV for module in catalogue_modules()}


def merge(catalogues: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """One catalogue of several; a key two of them translate differently is a ValueError naming both."""
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for where, entries in catalogues.items():
        for english, swedish in entries.items():
            if english in merged and merged[english] != swedish:
                raise ValueError(
                    f"{english!r} is {merged[english]!r} in {origin[english]} but {swedish!r} in {where}"
                )
            merged[english] = swedish
            origin.setdefault(english, where)
    return merged


@cache
def catalogue() -> Mapping[str, str]:
    """The Swedish of every English text the UI shows, merged once (read-only)."""
    return MappingProxyType(merge(catalogues()))


def translate(text: str, lang: str) -> str:
    if lang == "en":
        return text
    return catalogue().get(text, text)
