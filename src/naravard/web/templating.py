"""Jinja2 environment over every context's `templates/` folder, with the UI helpers templates use."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from naravard.contexts import CONTEXTS
from naravard.web.i18n import translate


def template_packages() -> tuple[str, ...]:
    """The packages whose ``templates/`` make up the template path: the shell's (layout, error pages), then
    each context's that has templates, in CONTEXTS order. Each context's templates are in a folder of its
    own name (``patients/overview.html``), so the order decides nothing but the shell's names."""
    return ("naravard.web", *(context.package for context in CONTEXTS if context.templates))


def build_environment() -> Environment:
    loaders = [PackageLoader(package, "templates") for package in template_packages()]
    return Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(["html"]))


STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local_time(value: datetime | None) -> str:
    """A moment as the region's staff and patients read it: Swedish local time, to the minute."""
    return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def language_of(request: Request) -> str:
    lang = request.cookies.get("lang") or request.app.state.settings.default_language
    return "en" if lang == "en" else "sv"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Full page, or only the block `content` when htmx asks for a partial (HX-Request)."""
    env: Environment = request.app.state.templates
    lang = language_of(request)
    ctx = {
        "request": request,
        "lang": lang,
        "t": lambda text: translate(text, lang),
        "actor": getattr(request.state, "actor", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "request_id": getattr(request.state, "request_id", ""),
        "is_htmx": request.headers.get("HX-Request") == "true",
        "local": local_time,
        **context,
    }
    html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code)
