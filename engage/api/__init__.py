"""The JSON API (``/api/v1``), its OpenAPI document and its self-hosted docs page.

``init_api`` is called from ``app.register_blueprints``; ``register_api_errors`` from
``app.register_errorhandlers``, after the site's HTML error pages, so that anything
under ``/api/`` (unknown paths and methods included) answers JSON instead.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, current_app, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

#: The path every API URL starts with.
PREFIX = "/api/v1"
DESCRIPTION = (
    "Engage's JSON API for integrations. Authenticate with "
    "'Authorization: Bearer <key>'; admins create keys under Admin, API keys. "
    "Keys are organisation-wide: their scopes limit what they may do."
)


def current_api() -> Api:
    """The app's ``Api`` (one per app, so test apps do not share a spec)."""
    found: Api = current_app.extensions["engage_api"]
    return found


def init_api(app: Flask) -> None:
    """Bind the API and its docs page; ``routes`` exempts it from CSRF (no cookie
    auth) and limits it per key."""
    from engage.api import admin_routes, docs, routes

    api = Api(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "An Engage API key."},
    )
    app.extensions["engage_api"] = api
    api.register_blueprint(routes.blp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(admin_routes.bp)

    @app.after_request
    def _json_charset(response: Response) -> Response:
        if request.path.startswith(PREFIX) and response.mimetype == "application/json":
            response.headers["Content-Type"] = "application/json; charset=utf-8"
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _is_api() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def register_api_errors(app: Flask) -> None:
    """Answer errors under ``/api/`` as JSON, wrapping the site's HTML handlers."""
    spec = app.error_handler_spec[None][None]
    html_http = spec[HTTPException]
    html_other = spec[Exception]

    def http_error(error: HTTPException) -> Any:
        if not _is_api():
            return html_http(error)
        if (error.code or 500) >= 500:
            return other_error(error)
        from engage.extensions import db

        db.session.rollback()
        return current_api().handle_http_exception(error)

    def other_error(error: Exception) -> Any:
        if not _is_api():
            return html_other(error)
        from engage.extensions import db

        db.session.rollback()
        incident = secrets.token_hex(4)
        app.logger.exception("incident %s", incident, exc_info=error)
        # No traceback, SQL or version in the answer (SECURITY.md case 28); a 503
        # (database unavailable) keeps its code and Retry-After.
        code, headers = 500, {}
        if isinstance(error, HTTPException) and (error.code or 500) > 500:
            code = error.code or 500
            headers = {k: v for k, v in error.get_headers() if k == "Retry-After"}
        body = {
            "code": code,
            "status": "Service Unavailable" if code == 503 else "Internal Server Error",
            "message": f"Something went wrong on our side (incident {incident}).",
        }
        return body, code, headers

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, other_error)
