"""Twenty editors saving one plan at once, each in its own session and transaction, on both databases:
exactly one save per base version succeeds, the others get the precondition failure, and no version is lost
(the conditional update of `care_plan.current_version_no` and the unique (plan_id, version_no))."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from naravard import migrate
from naravard.careplans import service
from naravard.careplans.models import CarePlanVersion
from naravard.careplans.schemas import CreatePlan, PlanContent
from naravard.db import make_engine, make_session_factory, transaction
from naravard.errors import PreconditionFailed
from tests.conftest import AUDIT_KEY, require_postgres, temporary_pg_database
from tests.integration.careplans.helpers import content, plan_env

EDITORS = 20
ROUNDS = 2


@pytest.fixture(params=["sqlite", "postgresql"])
def committed_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'careplans.db'}"
        migrate.upgrade(url)
        yield url
        return
    require_postgres()
    with temporary_pg_database("naravard_careplans") as url:
        migrate.upgrade(url)
        yield url


def test_twenty_parallel_editors(committed_url: str) -> None:
    engine = make_engine(committed_url, pool_size=EDITORS + 2)
    factory = make_session_factory(engine, audit_key=AUDIT_KEY)
    try:
        with transaction(factory) as db:
            e = plan_env(db)
            actor = e.coordinator.actor
            base_content = content(e)
            plan = service.create_plan(
                db,
                actor=actor,
                request=CreatePlan.model_validate({"person_id": e.patient.id, "content": base_content}),
            )
        winners: list[str] = []
        for round_no in range(ROUNDS):
            base = 1 + round_no
            barrier = threading.Barrier(EDITORS)
            results: dict[int, object] = {}

            def edit(
                i: int,
                base: int = base,
                barrier: threading.Barrier = barrier,
                results: dict[int, object] = results,
            ) -> None:
                text = f"Mål från redaktör {i} ({uuid.uuid4().hex[:6]})"
                body = PlanContent.model_validate({**base_content, "goals": [{"text": text}]})
                barrier.wait()
                try:
                    with transaction(factory) as s:
                        service.save_plan(s, actor=actor, plan_id=plan.id, base_version=base, content=body)
                    results[i] = text
                except Exception as exc:
                    results[i] = exc

            threads = [threading.Thread(target=edit, args=(i,)) for i in range(EDITORS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            ok = [v for v in results.values() if isinstance(v, str)]
            failed = [v for v in results.values() if not isinstance(v, str)]
            assert len(results) == EDITORS
            assert len(ok) == 1, failed[:3]
            assert all(isinstance(f, PreconditionFailed) for f in failed), {type(f).__name__ for f in failed}
            winners.append(ok[0])
        with transaction(factory) as db:
            rows = list(
                db.scalars(
                    select(CarePlanVersion)
                    .where(CarePlanVersion.plan_id == plan.id)
                    .order_by(CarePlanVersion.version_no)
                )
            )
            assert [r.version_no for r in rows] == list(range(1, ROUNDS + 2))
            saved = [PlanContent.model_validate_json(r.content).goals[0].text for r in rows[1:]]
            assert saved == winners
            current = service.get_plan(db, actor=actor, plan_id=plan.id)
            assert current.version_no == ROUNDS + 1 and current.content.goals[0].text == winners[-1]
    finally:
        engine.dispose()
