"""OpenID Connect, the protocol side: the authorization code flow with PKCE against one identity provider
per audience (staff, patients), and the ID token's verification (docs/adr/0005-oidc-logins.md).

Authlib does the protocol's security parts: the state, nonce and PKCE values and the S256 challenge
(`authlib.common.security`, `authlib.oauth2.rfc7636`), the authorization URL, and the ID token's claims
(`authlib.oidc.core.CodeIDToken`: iss, aud, exp, iat, nonce, azp, at_hash), with its signature checked by
joserfc (Authlib's JOSE library) against the provider's published keys. The three calls to the provider
(discovery, keys, token) are plain HTTPS requests from the standard library, with a timeout.

Nothing here touches the database: `oidc_service` links the verified identity to an account.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from naravard.config import Settings

HTTP_TIMEOUT = 10.0  # seconds, each call to the provider
METADATA_TTL = 3600.0  # discovery documents and keys are fetched again after an hour (key rotation)
LEEWAY = 60  # seconds of clock skew allowed on exp and iat
# Signature algorithms we accept, whatever the provider advertises: asymmetric only (never "none", never
# HS256 with the client secret).
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class Audience(StrEnum):
    STAFF = "staff"
    PATIENT = "patient"


class OidcError(Exception):
    """The login at the provider could not be completed or verified; `reason` is for the audit row."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ProviderConfig:
    audience: Audience
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    claim: str  # the ID token claim mapped to the account


@dataclass(frozen=True)
class Authorization:
    """Where to send the browser, and what the callback must find again."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class VerifiedIdentity:
    """What a verified ID token says: who (issuer, subject) and the mapped claim's value (None: absent)."""

    audience: Audience
    issuer: str
    subject: str
    claim_value: str | None


def provider_config(settings: Settings, audience: Audience) -> ProviderConfig | None:
    """The audience's provider from the settings (`NARAVARD_OIDC_<AUDIENCE>_*`); None when no issuer is set."""
    prefix = f"oidc_{audience.value}_"
    issuer = str(getattr(settings, prefix + "issuer")).strip().rstrip("/")
    if not issuer:
        return None
    return ProviderConfig(
        audience=audience,
        issuer=issuer,
        client_id=str(getattr(settings, prefix + "client_id")),
        client_secret=str(getattr(settings, prefix + "client_secret")),
        scopes=str(getattr(settings, prefix + "scopes")),
        claim=str(getattr(settings, prefix + "claim")),
    )


def configured_audiences(settings: Settings) -> list[Audience]:
    return [audience for audience in Audience if provider_config(settings, audience) is not None]


# --- calls to the provider -----------------------------------------------------------------------------

_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def _request_json(request: urllib.request.Request) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            body = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as error:
        try:
            problem = json.loads(error.read(10_000))
        except ValueError:
            problem = {}
        code = problem.get("error", error.code) if isinstance(problem, dict) else error.code
        raise OidcError("oidc_flow_invalid", f"the identity provider answered {code}") from error
    except (OSError, ValueError) as error:
        raise OidcError("oidc_flow_invalid", "the identity provider could not be reached") from error
    if not isinstance(body, dict):
        raise OidcError("oidc_flow_invalid", "the identity provider's answer is not a JSON object")
    return body


def _get_cached(url: str, *, force: bool = False) -> dict[str, Any]:
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(url)
    if hit is not None and not force and now - hit[0] < METADATA_TTL:
        return hit[1]
    body = _request_json(urllib.request.Request(url, headers={"Accept": "application/json"}))
    with _cache_lock:
        _cache[url] = (now, body)
    return body


def metadata(config: ProviderConfig) -> dict[str, Any]:
    """The provider's discovery document; its issuer must be exactly the configured one (OIDC Discovery
    4.3), so a document served elsewhere cannot name another issuer."""
    document = _get_cached(f"{config.issuer}/.well-known/openid-configuration")
    if document.get("issuer", "").rstrip("/") != config.issuer:
        raise OidcError("oidc_flow_invalid", "the discovery document names another issuer")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(key), str):
            raise OidcError("oidc_flow_invalid", f"the discovery document has no {key}")
    return document


def authorization(config: ProviderConfig, *, redirect_uri: str) -> Authorization:
    """A new authorization request: fresh state, nonce and PKCE verifier, and the URL to send the browser to."""
    state, nonce, verifier = generate_token(43), generate_token(43), generate_token(64)
    url = add_params_to_uri(
        metadata(config)["authorization_endpoint"],
        [
            ("response_type", "code"),
            ("client_id", config.client_id),
            ("redirect_uri", redirect_uri),
            ("scope", config.scopes),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", create_s256_code_challenge(verifier)),
            ("code_challenge_method", "S256"),
        ],
    )
    return Authorization(url=url, state=state, nonce=nonce, code_verifier=verifier)


def _token_request(
    config: ProviderConfig, *, code: str, redirect_uri: str, code_verifier: str
) -> dict[str, Any]:
    """Redeem the code at the token endpoint (client_secret_basic, RFC 6749 2.3.1: both parts form-encoded)."""
    body = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
    ).encode()
    credentials = (
        f"{urllib.parse.quote(config.client_id, safe='')}:{urllib.parse.quote(config.client_secret, safe='')}"
    )
    request = urllib.request.Request(
        metadata(config)["token_endpoint"],
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
        },
    )
    return _request_json(request)


def _keys(document: dict[str, Any], *, force: bool = False) -> Any:
    """The provider's published keys (a JWK set), as joserfc imports them."""
    return _get_cached(document["jwks_uri"], force=force)


def verify_id_token(
    config: ProviderConfig, id_token: str, *, nonce: str, access_token: str | None
) -> dict[str, Any]:
    """The ID token's claims, after checking its signature with the provider's keys (fetched again once when
    the key id is unknown: the provider rotated its keys) and its claims: iss the configured issuer, aud
    our client id, exp not passed, iat present, nonce the one we sent, azp and at_hash when present."""
    document = metadata(config)
    # header parameters besides the registered ones are ignored, not refused (as Authlib's own client does)
    registry = JWSRegistry(algorithms=ALGORITHMS, strict_check_header=False)
    try:
        try:
            token = jwt.decode(id_token, KeySet.import_key_set(_keys(document)), registry=registry)
        except InvalidKeyIdError:
            keys = KeySet.import_key_set(_keys(document, force=True))
            token = jwt.decode(id_token, keys, registry=registry)
        claims = CodeIDToken(
            token.claims,
            token.header,
            {
                "iss": {"essential": True, "value": config.issuer},
                "aud": {"essential": True, "value": config.client_id},
            },
            {"nonce": nonce, "client_id": config.client_id, "access_token": access_token},
        )
        claims.validate(leeway=LEEWAY)
    except (JoseError, ValueError) as error:
        raise OidcError("oidc_flow_invalid", f"the ID token was refused: {error}") from error
    # belt and braces: CodeIDToken refuses a missing or other nonce already
    if claims.get("nonce") != nonce:
        raise OidcError("oidc_flow_invalid", "the ID token's nonce is not the one sent")
    return dict(claims)


def redeem(
    config: ProviderConfig, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
) -> VerifiedIdentity:
    """Exchange the authorization code for tokens and verify the ID token; the identity it names."""
    tokens = _token_request(config, code=code, redirect_uri=redirect_uri, code_verifier=code_verifier)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("oidc_flow_invalid", "the token response has no ID token")
    access_token = tokens.get("access_token")
    claims = verify_id_token(
        config, id_token, nonce=nonce, access_token=access_token if isinstance(access_token, str) else None
    )
    value = claims.get(config.claim)
    return VerifiedIdentity(
        audience=config.audience,
        issuer=config.issuer,
        subject=str(claims["sub"]),
        claim_value=value.strip() if isinstance(value, str) and value.strip() else None,
    )
