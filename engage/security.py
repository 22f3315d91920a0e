"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response

#: No inline script anywhere; everything comes from this origin (DESIGN.md section 7).
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def register_security_headers(app: Flask) -> None:
    """Add CSP, nosniff, framing, referrer and (in production) HSTS headers."""
    hsts = app.config["ENV_NAME"] == "production"

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # same-origin keeps survey tokens in-house yet lets Flask-WTF's HTTPS
        # referrer check pass (SECURITY.md case 14).
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if hsts:
            headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")
        return response
