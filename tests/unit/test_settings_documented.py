"""Every setting is documented in docs/settings.md, and the documentation names no setting that is gone."""

from __future__ import annotations

import re
from pathlib import Path

from naravard.config import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
ROW = re.compile(r"^\|\s*`(?P<name>[a-z_]+)`\s*\|\s*`(?P<env>NARAVARD_[A-Z_]+)`\s*\|", re.MULTILINE)


def documented() -> dict[str, str]:
    return {m["name"]: m["env"] for m in ROW.finditer(DOC.read_text(encoding="utf-8"))}


def test_every_setting_has_a_row_with_its_environment_variable() -> None:
    rows = documented()
    missing = sorted(set(Settings.model_fields) - set(rows))
    assert not missing, f"settings missing from docs/settings.md: {missing}"
    wrong = {
        name: env
        for name, env in rows.items()
        if name in Settings.model_fields and env != f"NARAVARD_{name.upper()}"
    }
    assert not wrong, f"wrong environment variable in docs/settings.md: {wrong}"


def test_no_documented_setting_is_unknown() -> None:
    unknown = sorted(set(documented()) - set(Settings.model_fields))
    assert not unknown, f"docs/settings.md documents settings that do not exist: {unknown}"


def test_every_setting_has_a_description_in_code() -> None:
    undescribed = sorted(name for name, field in Settings.model_fields.items() if not field.description)
    assert not undescribed, f"Settings fields without a description: {undescribed}"
