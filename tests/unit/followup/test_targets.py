"""Targets without a database: the checks every source passes, and which target applies (the most specific;
among equally specific ones the region's own over the file's over the national)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from naravard.errors import Invalid
from naravard.followup.targets import (
    DEFAULT_TARGETS,
    Target,
    checked,
    load_targets,
    merge_targets,
    replaced,
    target_for,
)


def _file(tmp_path: Path, entries: object) -> Path:
    path = tmp_path / "targets.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def test_database_over_file_over_national_at_equal_specificity(tmp_path: Path) -> None:
    base = load_targets(_file(tmp_path, [{"indicator": "C_FLK", "value": 0.6}]))
    region = [Target("C_FLK", 0.7, origin="region")]
    assert target_for(base, "C_FLK", "unit", "1").value == 0.6  # type: ignore[union-attr]
    merged = merge_targets(base, region)
    t = target_for(merged, "C_FLK", "unit", "1")
    assert t is not None and (t.value, t.origin) == (0.7, "region")
    # the order of the list does not decide: the origin does
    t = target_for([*region, *base], "C_FLK", "unit", "1")
    assert t is not None and t.origin == "region"
    assert replaced(merged) == [t.key == ("C_FLK", None, None) and t.origin != "region" for t in merged]


def test_more_specific_wins_over_a_later_source(tmp_path: Path) -> None:
    base = load_targets(
        _file(
            tmp_path,
            [
                {"indicator": "C_FLK", "value": 0.9, "scope_type": "unit", "scope_id": "1011"},
                {"indicator": "C_FLK", "value": 0.65, "scope_type": "municipality"},
            ],
        )
    )
    merged = merge_targets(base, [Target("C_FLK", 0.7, origin="region")])

    def value(scope_type: str, scope_id: str) -> float:
        t = target_for(merged, "C_FLK", scope_type, scope_id)
        assert t is not None
        return t.value

    assert value("unit", "1011") == 0.9  # the file's one unit, over the region's any-scope target
    assert value("municipality", "2180") == 0.65  # the file's scope type, over the region's any-scope
    assert value("unit", "1012") == 0.7  # the region's any-scope, over the national any-scope
    assert value("total", "all") == 0.7
    unit = merge_targets(base, [Target("C_FLK", 0.95, "unit", "1011", origin="region")])
    assert target_for(unit, "C_FLK", "unit", "1011").value == 0.95  # type: ignore[union-attr]


def test_national_targets_apply_without_other_sources() -> None:
    t = target_for(merge_targets(load_targets(None), []), "A3_P90", "unit", "7")
    assert t is not None and t.origin == "national" and t.value == 3.0
    assert all(t.origin == "national" for t in DEFAULT_TARGETS)


@pytest.mark.parametrize(
    ("args", "field", "needle"),
    [
        (("NOPE", 0.5), "indicator", "unknown indicator 'NOPE'"),
        (("C_FLK", 55.0), "value", "from 0 to 1"),
        (("C_FLK", -0.1), "value", "from 0 to 1"),
        (("C_COC", 1.5), "value", "from 0 to 1"),  # an index is a fraction too
        (("A3_P90", -1.0), "value", "0 or more"),
        (("K_MT_ED", -0.5), "value", "0 or more"),
        (("C_FLK", float("nan")), "value", "is not a number"),
        (("C_FLK", 0.5, "planet"), "scope_type", "unknown scope type 'planet'"),
        (("C_FLK", 0.5, None, "2180"), "scope_id", "scope_id needs a scope_type"),
        (("C_FLK", 0.5, "total", "all"), "scope_id", "takes no scope_id"),
        (("C_FLK", 0.5, "unit", "10 11"), "scope_id", "is not a scope id"),
    ],
)
def test_checks_name_the_field(args: tuple[object, ...], field: str, needle: str) -> None:
    with pytest.raises(Invalid) as exc:
        checked(*args)  # type: ignore[arg-type]
    assert exc.value.field == field and needle in exc.value.message


def test_checked_keeps_good_values_and_blanks_scope() -> None:
    assert checked("A3_P90", 5, " ", "") == Target("A3_P90", 5.0)
    assert checked("C_FLK", 1, "unit", " 1011 ").key == ("C_FLK", "unit", "1011")
    assert checked("K_MT_ED", 2.5).value == 2.5  # a rate per patient may exceed 1


def test_file_entries_are_checked_like_the_database(tmp_path: Path) -> None:
    with pytest.raises(Invalid) as exc:
        load_targets(_file(tmp_path, [{"indicator": "C_FLK", "value": 60}]))
    assert "entry 1: C_FLK is a share" in exc.value.message and exc.value.field == "value"
    with pytest.raises(Invalid) as exc:
        load_targets(_file(tmp_path, [{"indicator": "C_FLK", "value": 0.6, "scope_type": "kommun"}]))
    assert exc.value.field == "scope_type"
    with pytest.raises(Invalid, match="entry 1 names unknown indicator"):
        load_targets(_file(tmp_path, [{"indicator": "X", "value": 1}]))
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(Invalid, match="cannot read targets"):
        load_targets(bad)
    loaded = load_targets(
        _file(
            tmp_path, [{"indicator": "C_FLK", "value": "0.6", "scope_id": 2180, "scope_type": "municipality"}]
        )
    )
    assert loaded[-1] == Target("C_FLK", 0.6, "municipality", "2180", str(tmp_path / "targets.json"), "file")
