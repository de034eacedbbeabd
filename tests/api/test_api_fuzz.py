"""A bounded fuzz run of the whole API (issue 20): schemathesis generates requests for every operation of
`/api/openapi.json`, logged in as a clinician and as an administrator, against the ASGI app on SQLite, and
checks each answer: no 5xx, and status, content type, headers and body as the document declares them.

Bounded and deterministic: few examples per operation (`EXAMPLES`), derandomized, no shrinking and no
example database; the failures of the whole run are listed together."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session, sessionmaker

from naravard import migrate
from naravard.actor import Role
from naravard.app import create_app
from naravard.config import Settings
from naravard.db import make_engine, make_session_factory
from naravard.models_registry import load_all
from tests import factories as f
from tests.conftest import AUDIT_KEY

# examples per operation and role: valid input, and input the schema forbids (out of range, wrong type)
EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 2}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Run last: they end the token's session (every later request would be a 401).
ENDS_THE_SESSION = ("/api/auth/logout", "/api/auth/logout-all")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'naravard.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    load_all().metadata.create_all(engine)  # tables whose migration is still being written
    factory: sessionmaker[Session] = make_session_factory(engine, audit_key=AUDIT_KEY)
    with factory() as db:
        region = f.organization(db)
        unit = f.unit(db, region)
        patient = f.person(db, listed_at=unit)
        f.relationship(db, patient, unit)
        tokens = {
            "clinician": f.user(db, role=Role.CLINICIAN, at=unit).token,
            "administrator": f.user(db, role=Role.ADMINISTRATOR, at=unit).token,
        }
        db.commit()
    settings = Settings(
        environment="test",
        audit_hmac_key=AUDIT_KEY.decode(),
        database_url=url,
        audit_seal_seconds=0,
        results_dir=folder / "results",
    )
    app = create_app(settings, session_factory=factory)
    yield app, tokens
    engine.dispose()


def _fuzz(
    operation: Any, mode: GenerationMode, token: str, failures: list[str], statuses: Counter[int]
) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    sent = 0

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the app raised: a 500
            failures.append(f"{operation.label} -> raised {type(exc).__name__}: {str(exc)[:300]}")
            return
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # every failure, not only the first
            for failure in getattr(exc, "exceptions", [exc]):
                text = " / ".join(line.strip() for line in str(failure).strip().splitlines()[:4])
                failures.append(f"{operation.label} -> {response.status_code}: {text[:300]}")

    with suppress(Unsatisfiable):  # nothing to get wrong (an operation without input, negative mode)
        run()
    return sent


def test_every_operation_answers_within_its_schema(world: tuple[Any, dict[str, str]]) -> None:
    app, tokens = world
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    assert len(operations) > 100  # every context's API is in the document
    operations.sort(key=lambda op: op.path in ENDS_THE_SESSION)
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    started, sent = time.monotonic(), 0
    for token in tokens.values():
        for operation in operations:
            for mode in EXAMPLES:
                sent += _fuzz(operation, mode, token, failures, statuses)
    elapsed = time.monotonic() - started
    print(f"fuzz: {sent} requests, {len(operations)} operations x {len(tokens)} roles, {elapsed:.1f} s")
    print(f"fuzz: statuses {sorted(statuses.items())}")
    assert statuses[200] + statuses[201] + statuses[204] > 50  # the run got past validation and the gate
    unique = sorted(set(failures))
    assert not unique, f"{len(unique)} failures:\n" + "\n".join(unique[:60])
