"""The one rule for a folder a command replaces as a whole (results, a lake): it may write there only when
the folder is absent, empty, or holds nothing but what that command wrote before, so a mistyped ``--out``
(``~``, ``.``) can never lose someone's files."""

from __future__ import annotations

from pathlib import Path

from naravard.errors import Invalid


def check_out_dir(out: Path, marker: frozenset[str], what: str) -> Path:
    """``out`` resolved, refused unless it is absent, empty, or holds only ``marker`` names (a folder this
    command made before, which it may replace); never a file, the root or a folder inside a file."""
    out = Path(out).expanduser().resolve()
    if out.parent == out:
        raise Invalid(f"{out}: cannot write {what} to the root folder", field="out")
    for p in (out, *out.parents):
        if p.exists():
            if not p.is_dir():
                raise Invalid(f"{p}: is a file, not a folder", field="out")
            break
    if out.is_dir():
        names = {c.name for c in out.iterdir()}
        if names and not names <= marker:
            shown = ", ".join(sorted(names - marker)[:3])
            raise Invalid(
                f"{out}: folder is not empty and is not {what} made by naravard (it holds {shown}); "
                "choose a new or empty folder",
                field="out",
            )
    return out
