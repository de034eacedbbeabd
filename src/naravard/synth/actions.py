"""The generator's audit action: a demo region was created."""

from __future__ import annotations

from enum import StrEnum


class SynthAction(StrEnum):
    REGION_CREATE = "synth:region:create"
