"""The Swedish catalogue: one per context (``<context>/messages.py``) and the shell's (`naravard.web.messages`),
merged by `naravard.web.i18n`. Every English key has a Swedish text, and no two catalogues disagree on one."""

from __future__ import annotations

from collections import defaultdict

import pytest

from naravard.contexts import CONTEXTS
from naravard.web.i18n import SHELL_MESSAGES, catalogue, catalogues, merge, translate


def test_the_catalogues_are_the_shells_and_every_declared_contexts() -> None:
    assert list(catalogues()) == [SHELL_MESSAGES, *(c.messages for c in CONTEXTS if c.messages)]


@pytest.mark.parametrize("module", list(catalogues()))
def test_every_key_has_a_swedish_text(module: str) -> None:
    entries = catalogues()[module]
    assert entries, f"{module}: an empty catalogue"
    for english, swedish in entries.items():
        assert isinstance(english, str) and english, f"{module}: an empty key"
        assert isinstance(swedish, str) and swedish.strip(), f"{module}: no Swedish for {english!r}"


def test_no_key_has_two_swedish_texts() -> None:
    texts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module, entries in catalogues().items():
        for english, swedish in entries.items():
            texts[english][swedish].append(module)
    disagreements = {english: dict(by) for english, by in texts.items() if len(by) > 1}
    assert not disagreements, f"keys translated differently by two catalogues: {disagreements}"


def test_the_merged_catalogue_holds_every_key() -> None:
    merged = catalogue()
    for entries in catalogues().values():
        assert all(merged[english] == swedish for english, swedish in entries.items())


def test_merge_refuses_two_texts_for_one_key() -> None:
    assert merge({"a": {"Save": "Spara"}, "b": {"Save": "Spara", "Back": "Tillbaka"}}) == {
        "Save": "Spara",
        "Back": "Tillbaka",
    }
    with pytest.raises(ValueError, match="'Save' is 'Spara' in a but 'Lagra' in b"):
        merge({"a": {"Save": "Spara"}, "b": {"Save": "Lagra"}})


def test_translate_swedish_english_and_unknown() -> None:
    assert translate("Log in", "sv") == "Logga in"  # the shell's
    assert translate("Patient overview", "sv") == "Patientöversikt"  # a context's
    assert translate("Log in", "en") == "Log in"
    assert translate("no such text", "sv") == "no such text"
