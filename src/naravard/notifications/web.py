"""The notifications context's pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
