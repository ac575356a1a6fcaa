"""HTTP hardening in one place: the security headers of every response (error pages included), the
CSP nonce that GOV.UK Frontend's inline `js-enabled` script carries, and which proxies and host
names the app trusts."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix


def csp_nonce() -> str:
    """This request's nonce, made when a page first asks for it."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return str(g.csp_nonce)


def _content_security_policy() -> str:
    script = "'self'" + (f" 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else "")
    return "; ".join([
        "default-src 'self'",
        f"script-src {script}",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ])


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _content_security_policy())
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure or request.scheme == "https" or _production():
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages are personal (a signed-in person's work, a sign-in form's CSRF token): no shared or
    # back-button cache keeps them. Static files are the same for everyone and may be cached.
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def _production() -> bool:
    from flask import current_app

    return bool(current_app.config.get("ENV_NAME") == "production")


def register(app: Flask) -> None:
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        # Only as many X-Forwarded-For/-Proto values as there are proxies we run are believed;
        # no forwarded host or port: absolute links come from BASE_URL, never from the request.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0)  # type: ignore[method-assign]  # Flask's documented way to wrap its WSGI app
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.context_processor
    def _nonce() -> dict[str, object]:
        # GOV.UK Frontend's page template puts this nonce on its inline script.
        return {"cspNonce": csp_nonce()}
