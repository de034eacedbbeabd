"""Request and response models of ``/api/followup``: the OpenAPI document then tells a client every field's
type, and the API can only ever return these fields."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

CI_LOW = (
    "lower bound of the 95 % confidence interval: Wilson score for shares, exact Poisson for rates; null for "
    "indices, mean days, quantile waits and suppressed cells (docs/indicators.md)"
)
CI_HIGH = "upper bound of the 95 % confidence interval (see ci_low)"
BEYOND_CHANCE = (
    "true when the whole 95 % interval is on the value's side of the target (the miss or the margin is "
    "larger than chance explains), false when the interval reaches the target; null without a target or "
    "an interval"
)
TARGET = (
    "the target the value is judged against; for a target relative to a baseline, the effective value "
    "(target_factor x the same indicator, scope and stratum in target_baseline, at most 1 for a share or "
    "index), null when that baseline cell is missing or suppressed"
)
TARGET_BASELINE = (
    "the baseline period of a relative target (2024, 2024-Q1, 2024-03); null for an absolute one"
)
TARGET_FACTOR = (
    "the factor of a relative target (1.2 = +20 % against target_baseline); null for an absolute one"
)
CHANGE = (
    "under a relative target, the value's relative change since target_baseline (0.05 = +5 %, against a "
    "target_factor of 1.2 = +20 %); null otherwise, or without a value in either period"
)
BASELINE = (
    "a period (YYYY, YYYY-Qn or YYYY-MM, e.g. 2024): the target is then relative to the result in that "
    "period, and value is a factor (1.2 = +20 %, 0.8 = -20 %); null or empty: an absolute target"
)


class IndicatorOut(BaseModel):
    code: str = Field(examples=["C_FLK"])
    name_sv: str
    name_en: str
    domain: str = Field(description="continuity, accessibility, participation or coordination")
    definition: str = Field(description="in English; definition_sv in Swedish")
    numerator: str
    denominator: str
    definition_sv: str
    numerator_sv: str
    denominator_sv: str
    source: str
    source_sv: str = Field(description="the source as the Swedish pages cite it")
    unit: str = Field(description="share, index, days or rate")
    quantile: float | None = Field(description="0.5 or 0.9 for a median or 90th-percentile wait")
    higher_is_better: bool
    doctor_scope: bool = Field(description="given per fixed doctor")
    stratum_types: list[str] = Field(
        description="the stratum types of its results: all, age_band, sex, and for some (A3) profession, "
        "mode and ownership",
        examples=[["all", "age_band", "sex", "profession", "mode", "ownership"]],
    )


class ResultRow(BaseModel):
    indicator: str
    period_type: str = Field(description="month, quarter or year")
    period: str = Field(examples=["2025-03", "2025-Q1", "2025"])
    period_start: dt.date
    scope_type: str = Field(description="total, region, municipality, unit or doctor")
    scope_id: str = Field(description="'all' for the total; a region, municipality, unit or doctor id")
    stratum_type: str = Field(
        description="all, age_band or sex; for A3 also profession, mode (of contact) or ownership"
    )
    stratum: str = Field(examples=["all", "65-79", "F", "LK", "phone", "private"])
    numerator: float | None = Field(description="null when suppressed (and for quantiles)")
    denominator: float | None = Field(description="null when suppressed")
    value: float | None = Field(description="null when suppressed")
    suppressed: bool = Field(description="a small cell, or its complement (docs/indicators.md)")
    target: float | None = Field(description=TARGET)
    target_baseline: str | None = Field(description=TARGET_BASELINE)
    target_factor: float | None = Field(description=TARGET_FACTOR)
    change_since_baseline: float | None = Field(description=CHANGE)
    meets_target: bool | None = Field(description="null without a target or a value")
    beyond_chance: bool | None = Field(description=BEYOND_CHANCE)
    ci_low: float | None = Field(description=CI_LOW)
    ci_high: float | None = Field(description=CI_HIGH)


class SeriesPoint(BaseModel):
    period: str
    stratum: str
    value: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool
    target: float | None = Field(description=TARGET)
    target_baseline: str | None = Field(description=TARGET_BASELINE)
    target_factor: float | None = Field(description=TARGET_FACTOR)
    change_since_baseline: float | None = Field(description=CHANGE)
    meets_target: bool | None
    beyond_chance: bool | None = Field(description=BEYOND_CHANCE)
    ci_low: float | None = Field(description=CI_LOW)
    ci_high: float | None = Field(description=CI_HIGH)


class TargetIn(BaseModel):
    """A new target of the region's own. Checked like the targets file's entries (``targets.checked``)."""

    model_config = ConfigDict(extra="forbid")

    indicator: str = Field(examples=["C_FLK"])
    scope_type: str | None = Field(
        default=None, description="total, region, municipality, unit or doctor; empty: every scope"
    )
    scope_id: str | None = Field(default=None, description="one scope's id (with scope_type), e.g. 2180")
    value: float = Field(
        allow_inf_nan=False,
        description="in the indicator's unit: a share or index from 0 to 1 (0.6, not 60), days or a rate 0 "
        "or more; with a baseline, a factor above 0 and at most 10 (1.2 for +20 %)",
        examples=[0.6],
    )
    source: str = Field(
        description="the decision or source, 1-300 characters", examples=["HSN 2026-03-12 § 4"]
    )
    baseline: str | None = Field(default=None, description=BASELINE, examples=["2024"])


class TargetChange(BaseModel):
    """A new value and source (and baseline) for an existing target, based on the ``version`` the client
    read."""

    model_config = ConfigDict(extra="forbid")

    value: float = Field(allow_inf_nan=False)
    source: str
    version: int = Field(description="the version read; another writer's change since gives 409")
    baseline: str | None = Field(
        default=None,
        description=BASELINE + "; left out: the target's baseline stays as it is",
        examples=["2024"],
    )


class TargetOut(BaseModel):
    """A target with where it comes from; the region's own also with id, version and last change."""

    origin: str = Field(description="national, file (the setting targets_file) or region (the database)")
    indicator: str
    scope_type: str | None = Field(description="null: every scope")
    scope_id: str | None = Field(description="null: every scope of scope_type")
    value: float = Field(description="in the indicator's unit; with a baseline, a factor (1.2 = +20 %)")
    source: str
    baseline: str | None = Field(
        default=None, description="the baseline period of a relative target; null for an absolute one"
    )
    in_effect: bool = Field(
        description="false when a later source has a target for the same indicator and scope (region over "
        "file over national)"
    )
    id: uuid.UUID | None = None
    version: int | None = None
    changed_by: str | None = None
    changed_at: dt.datetime | None = None
