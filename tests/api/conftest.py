from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from naravard.app import create_app
from naravard.config import Settings
from tests.conftest import AUDIT_KEY


@pytest.fixture()
def client(session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    settings = Settings(environment="test", audit_hmac_key=AUDIT_KEY.decode(), database_url="sqlite://")
    app = create_app(settings, session_factory=session_factory)
    # https: the session cookie is Secure, and httpx sends Secure cookies only over https.
    with TestClient(app, base_url="https://testserver") as c:
        yield c
