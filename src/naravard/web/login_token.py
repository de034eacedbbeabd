"""The login form's CSRF token, bound to the server (issue 20).

Before login there is no session to bind a token to, so the form uses a double submit: the same token in a
cookie and in a form field. Equal alone is not enough: an attacker who can plant a cookie (from a sibling
subdomain) plants a pair of their own choosing and logs the victim in as the attacker. So the token is signed
with a key only the server has and carries its expiry; a pair the server did not issue, or issued too long
ago, is refused. The login also refuses a post another site sent (`Sec-Fetch-Site`, `Origin`), which stops
the attacker who planted a cookie from a token they fetched themselves."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from starlette.requests import Request

from naravard.config import Settings

LIFETIME_SECONDS = 3600
_PURPOSE = b"naravard login form v1"


def key(settings: Settings) -> bytes:
    """The signing key: derived from the secret key (the audit key where a development setup has none),
    never the key itself, so a token reveals nothing usable elsewhere."""
    base = (settings.secret_key or settings.audit_hmac_key).encode()
    return hmac.new(base, _PURPOSE, hashlib.sha256).digest()


def _signature(signing_key: bytes, payload: str) -> str:
    digest = hmac.new(signing_key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(signing_key: bytes, *, now: float | None = None) -> str:
    """A fresh token: ``<nonce>.<expiry>.<signature>``."""
    expires = int((time.time() if now is None else now) + LIFETIME_SECONDS)
    payload = f"{secrets.token_urlsafe(18)}.{expires}"
    return f"{payload}.{_signature(signing_key, payload)}"


def valid(signing_key: bytes, token: str, *, now: float | None = None) -> bool:
    """Whether the server issued ``token`` and it has not expired."""
    try:
        nonce, expires, signature = token.split(".")
        deadline = int(expires)
    except ValueError:
        return False
    if not nonce or not token.isascii():
        return False
    if not hmac.compare_digest(signature.encode(), _signature(signing_key, f"{nonce}.{expires}").encode()):
        return False
    return (time.time() if now is None else now) <= deadline


def same_origin_post(request: Request) -> bool:
    """Whether a form post came from our own pages: a browser says where a request comes from in
    ``Sec-Fetch-Site`` (a sibling subdomain is ``same-site``, not ``same-origin``) and ``Origin``. A client
    that sends neither (not a browser) passes; the signed token still binds it."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin in (f"{request.url.scheme}://{host}",)
