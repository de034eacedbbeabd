"""The ID token's verification (accounts/oidc.py), without a provider: tokens signed here with a key of our
own, the provider's discovery document and keys put in the module's cache. A signature by another key,
another issuer or audience, an expired token, a wrong or missing nonce and an unsigned token are refused;
the mapped claim is read from a good one. The settings give one provider per audience."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from naravard.accounts import oidc, oidc_service
from naravard.config import Settings

ISSUER = "https://idp.region.example"
CLIENT = "naravard-staff"
NONCE = "the-nonce-we-sent"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
CONFIG = oidc.ProviderConfig(
    audience=oidc.Audience.STAFF,
    issuer=ISSUER,
    client_id=CLIENT,
    client_secret="secret",
    scopes="openid",
    claim="employeeHsaId",
)


@pytest.fixture(autouse=True)
def provider_documents() -> Iterator[None]:
    now = time.monotonic()
    oidc._cache[f"{ISSUER}/.well-known/openid-configuration"] = (
        now,
        {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/auth",
            "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/jwks",
        },
    )
    oidc._cache[f"{ISSUER}/jwks"] = (now, {"keys": [KEY.as_dict(private=False)]})
    yield
    oidc._cache.clear()


def _token(key: RSAKey = KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "subject-1",
        "aud": CLIENT,
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "employeeHsaId": "SE2321000149-A1B2",
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def test_a_good_token_gives_its_claims() -> None:
    claims = oidc.verify_id_token(CONFIG, _token(), nonce=NONCE, access_token=None)
    assert claims["sub"] == "subject-1" and claims["employeeHsaId"] == "SE2321000149-A1B2"


@pytest.mark.parametrize(
    ("why", "token"),
    [
        ("signed by another key", lambda: _token(OTHER_KEY)),
        ("another issuer", lambda: _token(iss="https://evil.example")),
        ("another audience", lambda: _token(aud="someone-else")),
        ("expired", lambda: _token(exp=int(time.time()) - 3600)),
        ("another nonce", lambda: _token(nonce="replayed")),
        ("no nonce", lambda: _token(nonce=None)),
        ("no expiry", lambda: _token(exp=None)),
        ("no subject", lambda: _token(sub=None)),
    ],
)
def test_a_bad_token_is_refused(why: str, token: Any) -> None:
    with pytest.raises(oidc.OidcError) as refused:
        oidc.verify_id_token(CONFIG, token(), nonce=NONCE, access_token=None)
    assert refused.value.reason == "oidc_flow_invalid", why


def test_an_unsigned_token_is_refused() -> None:
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    body = _token().split(".")[1]
    with pytest.raises(oidc.OidcError):
        oidc.verify_id_token(CONFIG, f"{header}.{body}.", nonce=NONCE, access_token=None)


def test_a_discovery_document_naming_another_issuer_is_refused() -> None:
    oidc._cache[f"{ISSUER}/.well-known/openid-configuration"][1]["issuer"] = "https://evil.example"
    with pytest.raises(oidc.OidcError):
        oidc.metadata(CONFIG)


def test_the_authorization_request_carries_pkce_state_and_nonce() -> None:
    request = oidc.authorization(CONFIG, redirect_uri="https://naravard.example/login/oidc/staff/callback")
    assert request.url.startswith(f"{ISSUER}/auth?response_type=code&client_id={CLIENT}")
    assert f"state={request.state}" in request.url and f"nonce={request.nonce}" in request.url
    assert "code_challenge_method=S256" in request.url and request.code_verifier not in request.url
    again = oidc.authorization(CONFIG, redirect_uri="https://naravard.example/cb")
    assert len({request.state, request.nonce, again.state, again.nonce}) == 4  # fresh each time


def test_one_provider_per_audience_from_the_settings() -> None:
    assert oidc.configured_audiences(Settings()) == []
    settings = Settings(
        oidc_staff_issuer="https://siths-idp.example/",
        oidc_staff_client_id="c1",
        oidc_patient_issuer="https://bankid-idp.example",
    )
    assert oidc.configured_audiences(settings) == [oidc.Audience.STAFF, oidc.Audience.PATIENT]
    staff = oidc.provider_config(settings, oidc.Audience.STAFF)
    assert (
        staff is not None and staff.issuer == "https://siths-idp.example" and staff.claim == "employeeHsaId"
    )
    patient = oidc.provider_config(settings, oidc.Audience.PATIENT)
    assert patient is not None and patient.claim == "https://id.oidc.se/claim/personalIdentityNumber"


def test_every_refusal_has_words_for_the_page() -> None:
    for reason in ("oidc_unknown_identity", "oidc_claim_missing", "oidc_flow_invalid", "account_inactive"):
        assert oidc_service.OidcRefused(reason).words != oidc_service.REFUSED
    assert oidc_service.OidcRefused("something else").words == oidc_service.REFUSED
