"""A demo region's pages and API as users of each follow-up role see them (shared by the page tests): an
analyst, a unit manager, an administrator and a clinician, with the UI language chosen per request."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient

from naravard import migrate
from naravard.actor import Role
from naravard.app import create_app
from naravard.config import Settings
from naravard.db import make_engine, make_session_factory
from naravard.followup import service
from tests import factories as f

KEY = "k" * 40


@dataclass
class Env:
    client: TestClient
    heads: dict[str, dict[str, str]]
    settings: Settings

    def get(self, who: str, path: str, ui_lang: str | None = None, **params: Any) -> httpx.Response:
        """GET as ``who`` (no session for an unknown name), with the UI language cookie ``ui_lang``."""
        c = self.client
        if ui_lang:
            c.cookies.set("lang", ui_lang)
        try:
            return c.get(path, headers=self.heads.get(who, {}), params=params, follow_redirects=False)
        finally:
            c.cookies.clear()


@contextmanager
def open_env(demo_settings: Settings) -> Iterator[Env]:
    """An app over ``demo_settings`` with one user of each role (each test module's ``env`` fixture)."""
    migrate.upgrade(demo_settings.database_url)
    factory = make_session_factory(make_engine(demo_settings.database_url), audit_key=KEY.encode())
    roles = {
        "analyst": Role.ANALYST,
        "manager": Role.UNIT_MANAGER,
        "admin": Role.ADMINISTRATOR,
        "clinician": Role.CLINICIAN,
    }
    with factory() as db:
        hc = f.unit(db, f.organization(db))
        heads = {k: f.user(db, role=r, at=hc).headers for k, r in roles.items()}
        db.commit()
    with TestClient(create_app(demo_settings), base_url="https://testserver") as c:
        yield Env(c, heads, demo_settings)


def flash(page: str) -> str:
    """The text of the page's error box (error page or the page's own flash)."""
    m = re.search(r'<div class="flash error" role="alert">(.*?)</div>', page, re.S)
    assert m is not None, page[:2000]
    return htmllib.unescape(m.group(1))


def doctor_id(env: Env) -> str:
    """A doctor with results (for the doctor scope's access rules)."""
    rows = service.query_results(env.settings.effective_results_dir, "C_COC", "year", "doctor")
    return str(rows[0]["scope_id"])
