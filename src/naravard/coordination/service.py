"""The coordination context's service: what the other contexts and the entry points call."""

from __future__ import annotations
