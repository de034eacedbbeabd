"""Targets per indicator and scope, returned with results so a UI or report can mark a miss.

Three sources, lowest precedence first (``ORIGINS``): the national targets of this module, an optional YAML
or JSON file (the setting ``targets_file``): ``[{"indicator": "C_FLK", "value": 0.6, "scope_type": "unit",
"scope_id": "1011", "source": "..."}]``, and the region's own targets in the database (``target_service``).
The most specific match wins (scope id, then scope type, then any scope); among equally specific entries the
later source wins: the region's decision over the file, the file over the national table.

A target is absolute (C_FLK 0.55) or relative to a baseline period (``"baseline": "2024"``): its value is then
a factor, and a result row is judged against factor x the value of the same indicator, scope and stratum in
the baseline period (``effective``). ÖK God och nära vård 2021-2022 Mål 2 is of that kind: a 20 % increase of
the continuity index against the starting point (domain.md 2.2), which no fixed number can say for every
unit.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from naravard.errors import Invalid
from naravard.followup.indicators import INDICATORS
from naravard.followup.indicators.periods import bounds, last_complete, period_type_of
from naravard.followup.results.storage import SCOPES

ORIGINS = ("national", "file", "region")  # lowest precedence first
_ORIGIN_RANK = {o: i for i, o in enumerate(ORIGINS)}
# the ids the results use: region and municipality codes, unit and doctor ids (pseudonymised numbers)
_SCOPE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# a share or a mean index is a fraction (0.55, not 55); waits in days and rates per patient have no top
_FRACTION_UNITS = frozenset({"share", "index"})
# a relative target's factor: ten times the baseline is already beyond any steering group's plan, and refusing
# more catches a change written as per cent (20 for +20 %)
MAX_FACTOR = 10.0


@dataclass(frozen=True, slots=True)
class Target:
    indicator: str
    value: float  # in the indicator's unit; with a baseline, a factor (1.2 = +20 %, 0.8 = -20 %)
    scope_type: str | None = None
    scope_id: str | None = None
    source: str = ""
    origin: str = "national"  # one of ORIGINS: decides among equally specific entries
    baseline: str | None = None  # a period label (2024, 2024-Q1, 2024-03): the target is relative to it

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        """What an entry is a target for; a later source's entry with the same key replaces it."""
        return (self.indicator, self.scope_type, self.scope_id)


# the sources in Swedish: they name Swedish decisions and laws, and the pages show them as they are
DEFAULT_TARGETS: tuple[Target, ...] = (
    Target("C_FLK", 0.55, source="ÖK 2021-2022 Mål 1: minst 55 % med namngiven fast läkarkontakt"),
    Target("A0", 1.0, source="Vårdgarantin: kontakt samma dag (HSL 9 kap. 1 §)"),
    Target("A3", 1.0, source="Vårdgarantin: medicinsk bedömning inom 3 dagar (HSL 9 kap. 1 §)"),
    Target("A90V", 1.0, source="Vårdgarantin: första besök i specialiserad vård inom 90 dagar"),
    Target("A90T", 1.0, source="Vårdgarantin: behandling inom 90 dagar från beslut"),
    Target("A90VW", 1.0, source="Vårdgarantin: ingen väntar mer än 90 dagar på första besök"),
    Target("A90TW", 1.0, source="Vårdgarantin: ingen väntar mer än 90 dagar på behandling"),
    Target("A3_P90", 3.0, source="Vårdgarantin: 90 % bedömda inom 3 dagar"),
    Target("A90V_P90", 90.0, source="Vårdgarantin: 90 % har fått första besök inom 90 dagar"),
)


def check_scope(scope_type: str | None, scope_id: str | None) -> tuple[str | None, str | None]:
    """The scope of a target, blanks as None: a known scope type (or none: every scope), an id only with a
    type other than ``total``. An unknown type would never match a result row, so it is refused."""
    st = (scope_type or "").strip() or None
    sid = (scope_id or "").strip() or None
    if st is not None and st not in SCOPES:
        raise Invalid(
            "unknown scope type %(value)r; choose %(types)s",
            field="scope_type",
            params={"value": st, "types": list(SCOPES)},
        )
    if sid is not None:
        if st is None:
            raise Invalid("scope_id needs a scope_type", field="scope_id")
        if st == "total":
            raise Invalid("scope_type 'total' takes no scope_id", field="scope_id")
        if not _SCOPE_ID.match(sid):
            raise Invalid(
                "scope_id %(value)r is not a scope id (letters, digits, '.', '_' or '-'; at most 64)",
                field="scope_id",
                params={"value": sid},
            )
    return st, sid


def check_baseline(baseline: str | None, today: dt.date | None = None) -> str | None:
    """A relative target's baseline period, blank as None (an absolute target): a label as the results write
    them, whose form says its period type, so a yearly baseline serves monthly and quarterly rows too.

    With ``today`` (a new or changed target) the period must have ended: a baseline in the future has no
    result to measure against, and a running one's result still moves, so the target would move with it."""
    label = (baseline or "").strip() or None
    if label is None:
        return None
    span = bounds(label)
    if span is None:
        raise Invalid(
            "baseline %(value)r is not a period: use YYYY, YYYY-Qn or YYYY-MM, e.g. 2024",
            field="baseline",
            params={"value": label},
        )
    if today is not None and span[1] >= today:
        params = {
            "value": label,
            "end": span[1].isoformat(),
            "example": last_complete(period_type_of(label) or "year", today - dt.timedelta(days=1)),
        }
        if span[0] > today:
            raise Invalid(
                "baseline %(value)s is in the future; choose a period that has ended, e.g. %(example)s",
                field="baseline",
                params=params,
            )
        raise Invalid(
            "baseline %(value)s has not ended yet (it ends %(end)s); choose a period that has ended, e.g. "
            "%(example)s",
            field="baseline",
            params=params,
        )
    return label


def check_value(indicator: str, value: float, *, relative: bool = False) -> float:
    """A target the indicator's values can reach: a share or index from 0 to 1, days or a rate 0 or more
    (``Indicator.unit``). A share written as per cent (55) would never be met, so it is refused. A
    ``relative`` target's value is a factor above 0 and at most ``MAX_FACTOR``, whatever the unit (1.2 is a
    factor, not a share above 1)."""
    unit = INDICATORS[indicator].unit
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid("value %(value)r is not a number", field="value", params={"value": value})
    if relative:
        if not 0 < value <= MAX_FACTOR:
            raise Invalid(
                "a target against a baseline is a factor above 0 and at most %(max)s (1.2 for +20 %%, 0.8 "
                "for -20 %%), not %(value)s",
                field="value",
                params={"max": f"{MAX_FACTOR:g}", "value": value},
            )
        return float(value)
    if unit in _FRACTION_UNITS and not 0 <= value <= 1:
        raise Invalid(
            "%(code)s is a share or an index: its target is from 0 to 1 (0.55 for 55 %%), not %(value)s",
            field="value",
            params={"code": indicator, "value": value},
        )
    if value < 0:
        raise Invalid(
            "the target of %(code)s (%(unit)s) is 0 or more, not %(value)s",
            field="value",
            params={"code": indicator, "unit": unit, "value": value},
        )
    return float(value)


def checked(
    indicator: str,
    value: float,
    scope_type: str | None = None,
    scope_id: str | None = None,
    *,
    source: str = "",
    origin: str = "national",
    baseline: str | None = None,
    today: dt.date | None = None,
) -> Target:
    """A target after the one set of checks every source passes (the file, the database, the API); with a
    ``baseline`` period, relative to it. With ``today`` (a target being written: the page and the API) the
    baseline must have ended by then (``check_baseline``); a file's entries are read as they are."""
    if indicator not in INDICATORS:
        raise Invalid("unknown indicator %(code)r", field="indicator", params={"code": indicator})
    st, sid = check_scope(scope_type, scope_id)
    label = check_baseline(baseline, today)
    value = check_value(indicator, value, relative=label is not None)
    return Target(indicator, value, st, sid, source, origin, label)


def _file_entry(path: Path, n: int, item: Any) -> Target:
    if not isinstance(item, dict):
        raise Invalid(
            "%(path)s: entry %(n)s is not an object with indicator and value",
            field="targets",
            params={"path": path, "n": n},
        )
    code = item.get("indicator")
    if code not in INDICATORS:
        raise Invalid(
            "%(path)s: entry %(n)s names unknown indicator %(code)r",
            field="indicator",
            params={"path": path, "n": n, "code": code},
        )
    try:
        raw = item.get("value")
        value: Any = float(raw) if isinstance(raw, str) else raw  # check_value refuses anything else
        return checked(
            code,
            value,
            None if item.get("scope_type") is None else str(item["scope_type"]),
            None if item.get("scope_id") is None else str(item["scope_id"]),
            source=str(item.get("source") or path),
            origin="file",
            # YAML reads `baseline: 2024` as a number
            baseline=None if item.get("baseline") is None else str(item["baseline"]),
        )
    except (Invalid, ValueError) as exc:
        reason = exc.message if isinstance(exc, Invalid) else f"value {raw!r} is not a number"
        raise Invalid(
            "%(path)s: entry %(n)s: %(reason)s",
            field=exc.field if isinstance(exc, Invalid) else "value",
            params={"path": path, "n": n, "reason": reason},
        ) from exc


def _read(path: Path) -> Any:
    """The file's entries; a file that cannot be read or parsed is an ``Invalid`` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            try:
                import yaml  # type: ignore[import-untyped]
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise Invalid(
                    "%(path)s: reading YAML needs PyYAML; use a .json file",
                    field="targets",
                    params={"path": path},
                ) from exc
            try:
                return yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise ValueError(str(exc)) from exc
        return json.loads(text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
    except ValueError as exc:  # JSON, YAML (its errors are ValueErrors too) and bad UTF-8
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    raise Invalid(
        "%(path)s: cannot read targets (%(reason)s)", field="targets", params={"path": path, "reason": reason}
    )


def load_targets(path: Path | None = None) -> list[Target]:
    """The national targets, then those of the file at ``path`` (each checked like the database's)."""
    targets = list(DEFAULT_TARGETS)
    if path is None:
        return targets
    raw = _read(Path(path))
    if raw is not None and not isinstance(raw, list):
        raise Invalid(
            "%(path)s: cannot read targets (%(reason)s)",
            field="targets",
            params={"path": path, "reason": "not a list of entries"},
        )
    targets += [_file_entry(Path(path), i + 1, item) for i, item in enumerate(raw or [])]
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


def merge_targets(base: Iterable[Target], region: Iterable[Target]) -> list[Target]:
    """Every target in precedence order (``base``: national and file, from :func:`load_targets`; then the
    region's own): what :func:`target_for` chooses from and what the targets page lists."""
    return sorted([*base, *region], key=lambda t: _ORIGIN_RANK[t.origin])


def replaced(targets: list[Target]) -> list[bool]:
    """For each entry of ``merge_targets``' list: is it replaced by a later entry for the same indicator and
    scope (a file's or the region's), so it never applies?"""
    last = {t.key: i for i, t in enumerate(targets)}
    return [last[t.key] != i for i, t in enumerate(targets)]


def target_for(targets: list[Target], indicator: str, scope_type: str, scope_id: str) -> Target | None:
    """The most specific target; among equally specific ones the later source (``ORIGINS``), and within a
    source the later entry."""
    best: tuple[tuple[int, int], Target] | None = None
    for t in targets:
        if t.indicator != indicator:
            continue
        if t.scope_id is not None and (t.scope_type != scope_type or t.scope_id != scope_id):
            continue
        if t.scope_id is None and t.scope_type is not None and t.scope_type != scope_type:
            continue
        rank = (2 if t.scope_id is not None else 1 if t.scope_type is not None else 0, _ORIGIN_RANK[t.origin])
        if best is None or rank >= best[0]:
            best = (rank, t)
    return best[1] if best else None


def effective(target: Target, baseline_value: float | None) -> float | None:
    """The value a result row is judged against: an absolute target's own; a relative one's factor x
    ``baseline_value`` (the row's indicator, scope and stratum in the baseline period), None without it (the
    cell is missing or suppressed). A share or an index cannot pass 1, so neither can its target: +20 % on a
    baseline of 0.9 asks for 1.0, not an unreachable 1.08."""
    if target.baseline is None:
        return target.value
    if baseline_value is None:
        return None
    value = target.value * baseline_value
    return min(value, 1.0) if INDICATORS[target.indicator].unit in _FRACTION_UNITS else value


def at(target: Target, value: float) -> Target:
    """The absolute target a relative one comes to for one row (``effective``), for ``meets`` and
    ``beyond_chance``."""
    return replace(target, value=value, baseline=None)


def change_words(factor: float, decimal: str = ".") -> str:
    """A relative target's factor as a change in per cent: 1.2 -> ``+20 %``, 0.8 -> ``−20 %``, 1.125 ->
    ``+12.5 %`` (``decimal``: the decimal sign, "," in Swedish)."""
    pct = round((factor - 1) * 100, 1)
    number = f"{abs(pct):.1f}".removesuffix(".0").replace(".", decimal)
    return f"{'−' if pct < 0 else '+'}{number} %"


def meets(target: Target, value: float | None, higher_is_better: bool) -> bool | None:
    if value is None:
        return None
    return value >= target.value - 1e-12 if higher_is_better else value <= target.value + 1e-12


def beyond_chance(
    target: Target, value: float | None, ci: tuple[float, float] | None, higher_is_better: bool
) -> bool | None:
    """Whether the whole 95 % interval ``ci`` is on the value's side of the target: a unit of 40 patients
    at 50 % against a target of 55 % may miss it by chance alone, and a manager should not chase that.
    None without a value or an interval (indices, days, quantiles)."""
    if value is None or ci is None:
        return None
    side = meets(target, value, higher_is_better)
    return meets(target, ci[0], higher_is_better) == side == meets(target, ci[1], higher_is_better)
