"""The security headers every response must carry (issue 20), as one check the API tests, the header tests and
the browser walk of every page share: it says in words what is missing or wrong."""

from __future__ import annotations

from collections.abc import Mapping


def header_offences(headers: Mapping[str, str], *, tls: bool, cacheable: bool = False) -> list[str]:
    """What is wrong with a response's headers (names case-insensitive); empty when all is well."""
    h = {k.lower(): v for k, v in headers.items()}
    found: list[str] = []
    csp = h.get("content-security-policy", "")
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";") if d.strip()}
    script = directives.get("script-src", directives.get("default-src", ""))
    if not csp:
        found.append("no Content-Security-Policy")
    elif "'unsafe-inline'" in script or "'unsafe-eval'" in script or not script:
        found.append(f"the CSP allows inline script: {script!r}")
    if directives.get("frame-ancestors") != "frame-ancestors 'none'":
        found.append("the CSP lacks frame-ancestors 'none'")
    expected = {
        "x-content-type-options": ("nosniff",),
        "referrer-policy": ("same-origin", "no-referrer", "strict-origin"),
        "cross-origin-opener-policy": ("same-origin",),
    }
    for name, allowed in expected.items():
        if h.get(name) not in allowed:
            found.append(f"{name}: {h.get(name)!r}, expected one of {allowed}")
    if "camera=()" not in h.get("permissions-policy", ""):
        found.append(f"permissions-policy: {h.get('permissions-policy')!r}")
    hsts = h.get("strict-transport-security")
    if tls and not (hsts and "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 15552000):
        found.append(f"no HSTS over TLS: {hsts!r}")
    if not tls and hsts:
        found.append("HSTS over plain http")
    if not cacheable and "no-store" not in h.get("cache-control", ""):
        found.append(f"cache-control: {h.get('cache-control')!r}, expected no-store")
    return found
