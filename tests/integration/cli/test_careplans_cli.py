"""`naravard careplans list|show|export` (issue 15): as a named user (their password), through the service's
access checks, each read audited under that user; errors are one line and a non-zero exit. Both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from naravard import migrate
from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.careplans import service
from naravard.careplans.models import CarePlan
from naravard.careplans.schemas import CreatePlan, PlanState, TransitionRequest
from naravard.cli import app
from naravard.db import make_engine, make_session_factory, transaction, utcnow
from tests import factories
from tests.conftest import AUDIT_KEY, require_postgres, temporary_pg_database
from tests.integration.careplans.helpers import content, plan_env

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own: the commands commit."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'careplans.db'}"
        migrate.upgrade(url)
        yield url
        return
    require_postgres()
    with temporary_pg_database("naravard_careplans_cli") as url:
        migrate.upgrade(url)
        yield url


def test_list_show_export_as_a_named_user(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARAVARD_AUDIT_HMAC_KEY", AUDIT_KEY.decode())
    monkeypatch.setenv("NARAVARD_PASSWORD", factories.password())
    engine = make_engine(database_url)
    factory = make_session_factory(engine, audit_key=AUDIT_KEY)
    try:
        with transaction(factory) as db:
            e = plan_env(db)
            coordinator = e.coordinator.user.username
            other = factories.user(db, role=Role.CLINICIAN, at=e.other_hc).user.username
            plan = service.create_plan(
                db,
                actor=e.coordinator.actor,
                request=CreatePlan.model_validate({"person_id": e.patient.id, "content": content(e)}),
            )
            service.transition(
                db,
                actor=e.coordinator.actor,
                plan_id=plan.id,
                base_version=1,
                request=TransitionRequest(to=PlanState.PROPOSED),
            )
            db.execute(
                update(CarePlan)
                .where(CarePlan.id == plan.id)
                .values(proposed_at=utcnow() - timedelta(days=20))
            )
        db_opt = ["--database", database_url]

        listed = runner.invoke(app, ["careplans", "list", "--user", coordinator, *db_opt])
        assert listed.exit_code == 0, listed.output
        assert str(plan.id) in listed.output and "more than 14 days" in listed.output
        assert "1 plan(s) need attention." in listed.output

        shown = runner.invoke(app, ["careplans", "show", str(plan.id), "--user", coordinator, *db_opt])
        assert shown.exit_code == 0, shown.output
        assert "state proposed, version 2" in shown.output and "Gå till affären själv" in shown.output

        out = tmp_path / "plan.pdf"
        exported = runner.invoke(
            app, ["careplans", "export", str(plan.id), "--user", coordinator, "--pdf", str(out), *db_opt]
        )
        if "WeasyPrint" in exported.output:  # printing needs the Pango libraries
            pytest.skip("WeasyPrint is not usable here")
        assert exported.exit_code == 0, exported.output
        assert out.read_bytes().startswith(b"%PDF")

        # another health centre of the region: no care relationship, no consent -> refused, one line
        refused = runner.invoke(app, ["careplans", "show", str(plan.id), "--user", other, *db_opt])
        assert refused.exit_code == 2 and "error:" in refused.output and "Traceback" not in refused.output
        unknown = runner.invoke(app, ["careplans", "show", "not-a-uuid", "--user", coordinator, *db_opt])
        assert unknown.exit_code == 2 and "not a plan id" in unknown.output
        monkeypatch.setenv("NARAVARD_PASSWORD", "wrong password")
        bad_login = runner.invoke(app, ["careplans", "list", "--user", coordinator, *db_opt])
        assert bad_login.exit_code == 2 and "error:" in bad_login.output

        with transaction(factory) as db:
            rows = list(db.scalars(select(AuditEvent).where(AuditEvent.action.like("careplans:plan:%"))))
            by_user = [(r.action, r.outcome, r.username) for r in rows if r.username in (coordinator, other)]
            assert ("careplans:plan:list", "allowed", coordinator) in by_user
            assert by_user.count(("careplans:plan:read", "allowed", coordinator)) == 2  # show and export
            assert ("careplans:plan:read", "denied", other) in by_user
    finally:
        engine.dispose()
