"""What every context's commands share (what `deps` is to the routes): the one-line failure, the settings
read once from the environment, and the layout of a demo data dir (`naravard demo` makes one; `audit
verify` and `followup extract` read its key and database with ``--data-dir``)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from naravard.config import Settings

console = Console(stderr=True)

DEMO_SECRETS = "demo-secrets.json"
DEMO_DATABASE = "naravard.db"


def fail(message: str, code: int = 2) -> typer.Exit:
    """One line on stderr and a non-zero exit."""
    console.print(f"[red]error:[/red] {escape(message)}", highlight=False)  # brackets are text, not markup
    return typer.Exit(code)


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment (NARAVARD_*), with the overrides that are not None; invalid ones
    fail in one line."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise fail(f"invalid settings: {where + ': ' if where else ''}{first.get('msg', exc)}") from exc


def has_demo_secrets(data_dir: Path) -> bool:
    return (data_dir / DEMO_SECRETS).exists()


def demo_secrets(data_dir: Path) -> dict[str, str]:
    """Secrets of a demo data dir, made once and kept in it (never in the repository)."""
    path = data_dir / DEMO_SECRETS
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text())
        return stored
    data_dir.mkdir(parents=True, exist_ok=True)
    values = {
        "secret_key": secrets.token_urlsafe(48),
        "audit_hmac_key": secrets.token_urlsafe(48),
        "demo_password": "demo-" + secrets.token_hex(4),
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def demo_database_url(data_dir: Path) -> str:
    """The SQLite database of a demo data dir."""
    return f"sqlite:///{(data_dir / DEMO_DATABASE).resolve()}"
