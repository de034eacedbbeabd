"""The import contracts of pyproject.toml hold on the tree, and hold by construction: a copy of the package
with one forbidden import added breaks them, each case naming its contract and the import. The contexts the
contracts list are the contexts of `naravard.contexts`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from naravard.contexts import CONTEXTS
from naravard.lint_contracts import ContextIndependenceContract, PlumbingContract

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _lint(project: Path, src: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with `project`'s pyproject.toml on the package under `src` (first on the path, before
    the editable install)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            LINT_IMPORTS,
            "--config",
            str(project / "pyproject.toml"),
            "--no-cache",
            "--no-logo",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_tree_keeps_every_contract() -> None:
    result = _lint(ROOT, SRC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_cover_every_context_from_its_one_line() -> None:
    """A new context is independent of the others, and out of shared plumbing's reach, from its line in
    `naravard.contexts.CONTEXTS`: the two contracts read the contexts from there instead of listing them
    (audit's models, chain and service are themselves plumbing, so audit is the one context plumbing
    reaches)."""
    contracts = _contracts()
    assert contracts["contexts"]["type"] == "context_independence" and "modules" not in contracts["contexts"]
    assert contracts["plumbing"]["type"] == "plumbing" and "forbidden_modules" not in contracts["plumbing"]
    independence = ContextIndependenceContract("c", {}, {})
    assert {str(m) for m in independence.modules} == {f"naravard.{c.name}" for c in CONTEXTS}  # type: ignore[attr-defined]
    plumbing = PlumbingContract("p", {}, {"source_modules": ["naravard.db"]})
    forbidden = {str(m) for m in plumbing.forbidden_modules}  # type: ignore[attr-defined]
    assert forbidden == {f"naravard.{c.name}" for c in CONTEXTS} - {"naravard.audit"}


# (file, text appended to it, the contract it breaks, the import lint-imports reports)
FORBIDDEN = [
    pytest.param(
        "followup/x_demo.py",
        "from naravard.synth import lake\n",
        "The follow-up read side never imports synth",
        "naravard.followup.x_demo -> naravard.synth.lake",
        id="followup-imports-synth",
    ),
    pytest.param(
        "contacts/service.py",
        "\nimport fastapi\n",
        "Services never import FastAPI",
        "naravard.contacts.service -> fastapi",
        id="service-imports-fastapi",
    ),
    pytest.param(
        "patients/x_policy.py",
        "from naravard.consent import policy\n",
        "Contexts are independent",
        "naravard.patients.x_policy -> naravard.consent.policy",
        id="context-reaches-past-a-service",
    ),
    pytest.param(
        "synth/x_rows.py",
        "from naravard.patients.models import Person\n",
        "Contexts are independent",
        "naravard.synth.x_rows -> naravard.patients.models",
        id="synth-writes-a-model",
    ),
    pytest.param(
        "patients/models.py",
        "\nfrom naravard.patients import service\n",
        "Inside a context",
        "naravard.patients.models -> naravard.patients.service",
        id="models-import-their-service",
    ),
    pytest.param(
        "db.py",
        "\nfrom naravard.patients import service\n",
        "Shared plumbing never imports a context",
        "naravard.db -> naravard.patients.service",
        id="plumbing-imports-a-context",
    ),
]


@pytest.mark.parametrize(("path", "text", "contract", "line"), FORBIDDEN)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, path: str, text: str, contract: str, line: str
) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        SRC / "naravard",
        src / "naravard",
        ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "migrations"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = src / "naravard" / path
    with target.open("a", encoding="utf-8") as f:
        f.write(text)
    result = _lint(tmp_path, src)
    out = " ".join((result.stdout + result.stderr).split())  # lint-imports wraps long lines
    assert result.returncode == 1, out
    broken = out[out.index("Broken contracts") :]
    assert contract in broken and line in broken, out
