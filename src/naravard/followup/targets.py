"""Targets per indicator and scope, returned with results so a UI or report can mark a miss.

A module table holds the national targets; an optional YAML or JSON file adds or overrides entries:
``[{"indicator": "C_FLK", "value": 0.6, "scope_type": "unit", "scope_id": "1011"}]`` (scope fields optional;
the most specific match wins: scope id, then scope type, then any scope).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from naravard.errors import Invalid
from naravard.followup.indicators import INDICATORS


@dataclass(frozen=True, slots=True)
class Target:
    indicator: str
    value: float
    scope_type: str | None = None
    scope_id: str | None = None
    source: str = ""


DEFAULT_TARGETS: tuple[Target, ...] = (
    Target("C_FLK", 0.55, source="ÖK 2021-2022 Mål 1: >= 55 % with a named fast läkarkontakt"),
    Target("A0", 1.0, source="Vårdgaranti: contact the same day (HSL 9 kap. 1 §)"),
    Target("A3", 1.0, source="Vårdgaranti: medical assessment within 3 days"),
    Target("A90V", 1.0, source="Vårdgaranti: first specialist visit within 90 days"),
    Target("A90T", 1.0, source="Vårdgaranti: treatment within 90 days of decision"),
    Target("A90VW", 1.0, source="Vårdgaranti: nobody waiting more than 90 days for a first specialist visit"),
    Target("A90TW", 1.0, source="Vårdgaranti: nobody waiting more than 90 days for treatment"),
    Target("A3_P90", 3.0, source="90 % assessed within the 3-day guarantee"),
    Target("A90V_P90", 90.0, source="90 % seen within the 90-day guarantee"),
)


def load_targets(path: Path | None = None) -> list[Target]:
    targets = list(DEFAULT_TARGETS)
    if path is None:
        return targets
    text = Path(path).read_text(encoding="utf-8")
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml  # type: ignore[import-untyped]
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise Invalid(
                "%(path)s: reading YAML needs PyYAML; use a .json file",
                field="targets",
                params={"path": path},
            ) from exc
        raw = yaml.safe_load(text)
    else:
        raw = json.loads(text)
    for i, item in enumerate(raw or []):
        code = item.get("indicator")
        if code not in INDICATORS:
            raise Invalid(
                "%(path)s: entry %(n)s names unknown indicator %(code)r",
                field="indicator",
                params={"path": path, "n": i + 1, "code": code},
            )
        targets.append(
            Target(
                code,
                float(item["value"]),
                item.get("scope_type"),
                None if item.get("scope_id") is None else str(item["scope_id"]),
                item.get("source", str(path)),
            )
        )
    return targets


_CACHE: dict[Path, tuple[int, list[Target]]] = {}


def load_targets_cached(path: Path | None) -> list[Target]:
    """``load_targets(path)``, read once and again only when the file changes (pages and the API ask on every
    request; the file is the setting ``NARAVARD_TARGETS_FILE``)."""
    if path is None:
        return list(DEFAULT_TARGETS)
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise Invalid(
            "%(path)s: targets file not found (%(reason)s)",
            field="targets",
            params={"path": path, "reason": exc.strerror},
        ) from exc
    hit = _CACHE.get(path)
    if hit is None or hit[0] != mtime:
        hit = (mtime, load_targets(path))
        _CACHE[path] = hit
    return list(hit[1])


def target_for(targets: list[Target], indicator: str, scope_type: str, scope_id: str) -> Target | None:
    """The most specific target; later entries (from the file) override earlier ones of equal rank."""
    best: tuple[int, Target] | None = None
    for t in targets:
        if t.indicator != indicator:
            continue
        if t.scope_id is not None and (t.scope_type != scope_type or t.scope_id != scope_id):
            continue
        if t.scope_id is None and t.scope_type is not None and t.scope_type != scope_type:
            continue
        rank = 2 if t.scope_id is not None else 1 if t.scope_type is not None else 0
        if best is None or rank >= best[0]:
            best = (rank, t)
    return best[1] if best else None


def meets(target: Target, value: float | None, higher_is_better: bool) -> bool | None:
    if value is None:
        return None
    return value >= target.value - 1e-12 if higher_is_better else value <= target.value + 1e-12
