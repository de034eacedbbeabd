"""`/api/docs` needs nothing from outside: the page points at Swagger UI's script, style and icon on our own
origin, the app serves them, and the page's CSP allows its one inline script by its hash only."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.testclient import TestClient

from naravard.app import API_DOCS_ASSETS


def test_the_docs_page_loads_swagger_ui_from_our_own_origin(client: TestClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"):
        assert f'"{API_DOCS_ASSETS}/{asset}"' in html
    assert "'/api/openapi.json'" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "the page loads something from elsewhere"
    assert '"validatorUrl": null' in html  # no badge from validator.swagger.io

    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_swagger_ui_assets_are_served(client: TestClient) -> None:
    expected = {
        "swagger-ui-bundle.js": ("javascript", b"SwaggerUIBundle"),
        "swagger-ui.css": ("text/css", b".swagger-ui"),
        "favicon.png": ("image/png", b"\x89PNG"),
    }
    for asset, (media_type, content) in expected.items():
        response = client.get(f"{API_DOCS_ASSETS}/{asset}")
        assert response.status_code == 200, asset
        assert media_type in response.headers["content-type"], asset
        assert content in response.content[:200_000], asset
    assert client.get(f"{API_DOCS_ASSETS}/no-such-file.js").status_code == 404
    # the shell's own static files are still there, under the same /static/
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_the_openapi_document_lists_the_operations(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    assert "get" in document["paths"]["/api/patients"]
    assert "/api/docs" not in document["paths"]
