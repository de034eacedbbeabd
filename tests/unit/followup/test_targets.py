"""Targets without a database: the checks every source passes, and which target applies (the most specific;
among equally specific ones the region's own over the file's over the national)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from naravard.errors import Invalid
from naravard.followup.results.targets import (
    DEFAULT_TARGETS,
    Target,
    at,
    change_words,
    check_value,
    checked,
    effective,
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


# --- relative targets: a factor against a baseline period (ÖK Mål 2) ------------------------------------


def test_relative_target_is_the_factor_times_the_baseline() -> None:
    coc = checked("C_COC", 1.2, baseline="2024")
    assert (coc.value, coc.baseline) == (1.2, "2024")  # an index's factor above 1 is not "a share above 1"
    # by hand: 0.50 x 1.2 = 0.60
    assert effective(coc, 0.50) == pytest.approx(0.60, abs=1e-12)
    # a share or index cannot pass 1: 0.90 x 1.2 = 1.08 is capped at 1.0
    assert effective(coc, 0.90) == 1.0
    assert effective(checked("C_FLK", 1.2, baseline="2024"), 0.95) == 1.0
    # a rate has no top: 1.5 visits x 1.2 = 1.8
    assert effective(checked("K_MT_ED", 1.2, baseline="2024"), 1.5) == pytest.approx(1.8)
    # lower is better: -20 % of 0.50 emergency visits per patient is 0.40
    assert effective(checked("K_MT_ED", 0.8, baseline="2024"), 0.50) == pytest.approx(0.40)
    # no baseline value (a missing or suppressed cell): no target
    assert effective(coc, None) is None
    # an absolute target is its own value, whatever the baseline cell
    assert effective(Target("C_COC", 0.6), None) == 0.6
    judged = at(coc, 0.6)
    assert (judged.value, judged.baseline, judged.key) == (0.6, None, coc.key)


@pytest.mark.parametrize(
    ("factor", "words"),
    [(1.2, "+20 %"), (0.8, "−20 %"), (1.125, "+12.5 %"), (1.0, "+0 %"), (2.0, "+100 %")],
)
def test_change_words(factor: float, words: str) -> None:
    assert change_words(factor) == words
    assert change_words(1.125, ",") == "+12,5 %"


@pytest.mark.parametrize(
    ("args", "baseline", "field", "needle"),
    [
        (("C_COC", 20.0), "2024", "value", "at most 10"),  # +20 % written as 20
        (("C_COC", 0.0), "2024", "value", "above 0"),
        (("K_MT_ED", -0.8), "2024", "value", "above 0"),
        (("C_COC", float("inf")), "2024", "value", "is not a number"),
        (("C_COC", 1.2), "2024-13", "baseline", "'2024-13' is not a period"),
        (("C_COC", 1.2), "2024-Q5", "baseline", "use YYYY, YYYY-Qn or YYYY-MM"),
        (("C_COC", 1.2), "last year", "baseline", "is not a period"),
        (("C_COC", 1.2), None, "value", "from 0 to 1"),  # without a baseline 1.2 is an index of 1.2
    ],
)
def test_relative_checks_name_the_field(
    args: tuple[str, float], baseline: str | None, field: str, needle: str
) -> None:
    with pytest.raises(Invalid) as exc:
        checked(*args, baseline=baseline)
    assert exc.value.field == field and needle in exc.value.message


def test_relative_checks_keep_good_values() -> None:
    assert checked("C_COC", 10, baseline=" 2024-Q1 ").baseline == "2024-Q1"
    assert checked("A3_P90", 0.8, baseline="2024-03") == Target("A3_P90", 0.8, baseline="2024-03")
    assert checked("C_FLK", 0.6, baseline="  ").baseline is None  # blank: absolute
    assert check_value("C_COC", 1.2, relative=True) == 1.2


def test_file_entries_take_a_baseline(tmp_path: Path) -> None:
    loaded = load_targets(
        _file(tmp_path, [{"indicator": "C_COC", "value": 1.2, "baseline": "2024", "source": "ÖK Mål 2"}])
    )
    assert loaded[-1] == Target("C_COC", 1.2, source="ÖK Mål 2", origin="file", baseline="2024")
    with pytest.raises(Invalid) as exc:
        load_targets(_file(tmp_path, [{"indicator": "C_COC", "value": 1.2, "baseline": "2024-13"}]))
    assert exc.value.field == "baseline" and "entry 1: baseline '2024-13'" in exc.value.message
    # a year written as a number (as YAML reads `baseline: 2024`) is the label
    numeric = load_targets(_file(tmp_path, [{"indicator": "C_COC_ALL", "value": 1.2, "baseline": 2024}]))
    assert numeric[-1].baseline == "2024"


def test_relative_and_absolute_replace_each_other_for_the_same_key() -> None:
    national = Target("C_FLK", 0.55)
    region = Target("C_FLK", 1.2, origin="region", baseline="2024")
    merged = merge_targets([national], [region])
    assert target_for(merged, "C_FLK", "unit", "1") is region
    assert replaced(merged) == [True, False]
    # and the other way round: the region's absolute target over a file's relative one
    file = Target("C_COC", 1.2, origin="file", baseline="2024")
    own = Target("C_COC", 0.6, origin="region")
    merged = merge_targets([file], [own])
    assert target_for(merged, "C_COC", "total", "all") is own and replaced(merged) == [True, False]
