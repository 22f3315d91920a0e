"""The signed-in user's alerts: the list, marking read, and the navigation count."""

from __future__ import annotations

from typing import cast

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from engage.alerts import queries
from engage.auth.access import staff_only
from engage.extensions import db
from engage.models import Alert, User, utcnow

bp = Blueprint("alerts", __name__, url_prefix="/staff/alerts")
#: Alerts are rare (one per change of an SLA's verdict); the page shows this many.
LIMIT = 200
staff_only(bp)


def _user() -> User:
    return cast(User, current_user._get_current_object())


@bp.app_template_global()
def unread_alert_count() -> int:
    """The navigation badge's number; 0 for visitors who are not signed in."""
    if not current_user.is_authenticated:
        return 0
    return queries.unread_count(_user())


@bp.get("")
def index() -> str:
    """My alerts, unread first."""
    return render_template(
        "engage/alerts/index.html",
        alerts=queries.alerts_for(_user(), limit=LIMIT),
        limit=LIMIT,
    )


@bp.post("/<int:alert_id>/read")
def mark_read(alert_id: int) -> Response:
    """Mark one of my alerts read; anyone else's answers 404."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.user_id != _user().id:
        abort(404)
    if alert.read_at is None:
        alert.read_at = utcnow()
        db.session.commit()
    flash("Marked the alert as read.", "success")
    back = "home.index" if request.form.get("back") == "overview" else ".index"
    return redirect(url_for(back), code=303)


@bp.post("/read-all")
def mark_all_read() -> Response:
    """Mark every unread alert of mine read."""
    count = queries.mark_all_read(_user())
    db.session.commit()
    flash(
        f"Marked {count} alert{'s' if count != 1 else ''} as read."
        if count
        else "No unread alerts.",
        "success" if count else "info",
    )
    return redirect(url_for(".index"), code=303)
