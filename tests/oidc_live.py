"""A real OpenID Connect provider for the OIDC login tests: panva's `oidc-provider` from npm, run by Node.js
(`tests/oidc_provider/provider.mjs`), installed by `.ci/run` (`npm ci` in tests/oidc_provider).

`oidc_provider` (session scope) starts it on a free port of 127.0.0.1 with two confidential clients, one per
audience, and the users of the tests; a test adds the users it needs with `OidcProvider.add_account` (the
provider reads its user file at each login). Outside CI a missing Node.js or `npm ci` skips the OIDC tests
with the reason; under CI=true it fails them.

A login at the provider is its own development login form (any login name, any password); the user's
claims are the ones configured for that login name.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import free_port

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
STAFF_CLAIM = "employeeHsaId"
PATIENT_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
PATIENT_SCOPE = "https://id.oidc.se/scope/naturalPersonNumber"
CLIENTS = {
    "staff": ("naravard-staff", "staff-secret-for-tests-only-0123456789"),
    "patient": ("naravard-patient", "patient-secret-for-tests-only-0123456789"),
}


@dataclass
class OidcProvider:
    issuer: str
    accounts_file: Path
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_account(self, login: str, claims: dict[str, Any]) -> str:
        """A user at the provider: `login` is what its login form takes; the claims its ID token holds."""
        with self._lock:
            self.accounts[login] = claims
            tmp = self.accounts_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.accounts), encoding="utf-8")
            tmp.replace(self.accounts_file)
        return login

    def settings(self) -> dict[str, str]:
        """The `NARAVARD_OIDC_*` settings for both audiences against this provider."""
        return {
            "oidc_staff_issuer": self.issuer,
            "oidc_staff_client_id": CLIENTS["staff"][0],
            "oidc_staff_client_secret": CLIENTS["staff"][1],
            "oidc_staff_scopes": "openid",
            "oidc_staff_claim": STAFF_CLAIM,
            "oidc_patient_issuer": self.issuer,
            "oidc_patient_client_id": CLIENTS["patient"][0],
            "oidc_patient_client_secret": CLIENTS["patient"][1],
            "oidc_patient_scopes": f"openid {PATIENT_SCOPE}",
            "oidc_patient_claim": PATIENT_CLAIM,
        }


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the OIDC provider for the tests is missing under CI: {reason}")
    pytest.skip(f"OIDC provider tests skipped: {reason} (run .ci/run, or `npm ci` in tests/oidc_provider)")


def _client(audience: str) -> dict[str, Any]:
    client_id, secret = CLIENTS[audience]
    return {
        "client_id": client_id,
        "client_secret": secret,
        # native: a loopback redirect URI matches on any port (RFC 8252 7.3), as the test servers' are free
        "application_type": "native",
        "redirect_uris": [f"http://127.0.0.1/login/oidc/{audience}/callback"],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": "RS256",
    }


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js (`node`) is not installed")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        _unavailable("the npm package oidc-provider is not installed in tests/oidc_provider")
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = free_port()
    provider = OidcProvider(issuer=f"http://127.0.0.1:{port}", accounts_file=folder / "accounts.json")
    provider.add_account("nobody-known", {STAFF_CLAIM: "SE0000000000-E999", PATIENT_CLAIM: "191212121212"})
    provider.add_account("no-claim", {})
    config = {
        "port": port,
        "accounts_file": str(provider.accounts_file),
        "clients": [_client("staff"), _client("patient")],
        "scopes": {"openid": ["sub", STAFF_CLAIM], PATIENT_SCOPE: [PATIENT_CLAIM]},
    }
    config_file = folder / "config.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(
        [str(node), str(PROVIDER_DIR / "provider.mjs"), str(config_file)],
        cwd=PROVIDER_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NODE_ENV": "development"},
    )
    try:
        deadline = time.monotonic() + 20
        discovery = f"{provider.issuer}/.well-known/openid-configuration"
        while True:
            try:
                if httpx.get(discovery, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the OIDC provider did not start: {(folder / 'provider.log').read_text()[-2000:]}"
                )
            time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


LOGIN_FORM = re.compile(r'<form[^>]*action="(?P<action>[^"]+)"[^>]*method="post"')


def provider_login(client: httpx.Client, authorize_url: str, login: str) -> httpx.Response:
    """Through the provider's login form with an httpx client that follows redirects: the response is the
    provider's redirect back to the relying party's callback (not followed), as a browser would get it."""
    page = client.get(authorize_url, follow_redirects=True)
    assert page.status_code == 200, page.text[:500]
    match = LOGIN_FORM.search(page.text)
    assert match, page.text[:1000]
    action = httpx.URL(str(page.url)).join(match["action"])
    response = client.post(action, data={"prompt": "login", "login": login, "password": "any"})
    # the provider resumes the authorization, then answers with the redirect to our callback
    while response.is_redirect and "/login/oidc/" not in response.headers["location"]:
        response = client.get(httpx.URL(str(response.url)).join(response.headers["location"]))
    return response
