"""`/api/openapi.json` declares the errors the API gives (issue 20): every operation's problem JSON answers
with the `Problem` schema and content type, per what the operation is; and the document is valid OpenAPI
with every reference resolving. The fuzz run (test_api_fuzz.py) checks the answers against it."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

PROBLEM = "application/problem+json"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref" and isinstance(v, str)] + [
            r for v in node.values() for r in _refs(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_the_document_is_valid_and_every_reference_resolves(client: TestClient) -> None:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    errors = [e.message for e in OPENAPI_31_VALIDATOR.iter_errors(doc)]
    assert not errors, errors[:5]
    names = set(doc["components"]["schemas"])
    dangling = {ref for ref in _refs(doc) if ref.rsplit("/", 1)[-1] not in names}
    assert not dangling, dangling
    assert "HTTPValidationError" not in json.dumps(doc)  # FastAPI's 422 body, which the app never sends


def test_every_operation_declares_its_problem_answers(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    problem = doc["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    operations = [(m, p, o) for p, ops in doc["paths"].items() for m, o in ops.items()]
    assert len(operations) > 100
    for method, path, op in operations:
        codes = set(op["responses"])
        assert "422" in codes, (method, path)
        for code in codes - {"200", "201", "204"}:
            content = op["responses"][code]["content"]
            assert content[PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}, (
                method,
                path,
                code,
            )
        if method in ("post", "put", "patch", "delete"):
            assert {"400", "408", "413"} <= codes, (method, path)
        if op.get("security"):  # behind the login
            assert {"401", "403", "404"} <= codes, (method, path)
            if method != "get":
                assert {"409", "412"} <= codes, (method, path)
    by = {(m, p): o for m, p, o in operations}
    login = by[("post", "/api/auth/login")]
    assert {"401", "422", "429"} <= set(login["responses"]) and "security" not in login
    assert "403" not in login["responses"]  # not behind the login: no 403 claimed
    assert by[("get", "/api/patients")]["security"] == [{"bearer": []}]
    assert "429" in by[("get", "/api/patients")]["responses"]
    # a route's own error answer (the catalogue import's report) stays, with problem JSON besides
    report = by[("post", "/api/units/import")]["responses"]["422"]["content"]
    assert set(report) == {"application/json", PROBLEM}


def test_an_answer_is_what_the_document_says(client: TestClient) -> None:
    """A refusal of each kind is problem JSON of the declared shape (the fuzz run checks many more)."""
    doc = client.get("/api/openapi.json").json()
    required = doc["components"]["schemas"]["Problem"]["required"]
    for response in (
        client.get("/api/patients"),  # 401
        client.get("/api/audit/events", params={"offset": -1}),  # 401 before 422? either is declared
        client.post("/api/auth/login", json={"username": "x"}),  # 422
    ):
        assert (
            str(response.status_code)
            in doc["paths"][response.url.path][response.request.method.lower()]["responses"]
        )
        assert response.headers["content-type"].startswith(PROBLEM)
        assert set(required) <= set(response.json())
