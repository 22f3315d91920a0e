"""Error pages: a clear message, a rolled-back session, never a traceback."""

from __future__ import annotations

import secrets

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from engage.extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your account may not do this."),
    404: ("Not found", "There is nothing here, or it is not yours to see."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than Engage accepts (1 MiB)."),
    429: ("Slow down", "Too many attempts. Wait a little and try again."),
}


def register_errorhandlers(app: Flask) -> None:
    """Render HTTP errors with the site layout and log unexpected ones with an id."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        db.session.rollback()
        return (
            render_template(
                "errors/error.html",
                code=400,
                title="Form expired",
                message="This form had expired or was sent from elsewhere. "
                "Go back, reload the page and send it again.",
            ),
            400,
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        if code >= 500:
            return _internal(error)
        title, message = MESSAGES.get(code, (error.name, error.description or ""))
        template = "errors/404.html" if code == 404 else "errors/error.html"
        return render_template(template, code=code, title=title, message=message), code

    @app.errorhandler(Exception)
    def _internal(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        incident = secrets.token_hex(4)
        if not isinstance(error, HTTPException) or (error.code or 500) >= 500:
            app.logger.exception("incident %s", incident, exc_info=error)
        code = getattr(error, "code", None) or 500
        if isinstance(error, InternalServerError) or code == 500:
            code = 500
        return render_template("errors/500.html", code=code, incident=incident), code
