"""The notifications context's tables."""

from __future__ import annotations
