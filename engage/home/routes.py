"""The staff overview: the portfolio at a glance."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engage.actions.service import due_for, today
from engage.agreements.overview import portfolio_overview
from engage.alerts.queries import alerts_for
from engage.auth.access import staff_only

bp = Blueprint("home", __name__)
staff_only(bp)


@bp.get("/")
def root() -> Response:
    """Send visitors to the staff overview (or the login page)."""
    return redirect(url_for("home.index"))


@bp.get("/staff/")
def index() -> str:
    """Counts, the SLAs that breached in the last measured month, my due actions."""
    return render_template(
        "engage/home/index.html",
        overview=portfolio_overview(current_user),
        my_actions=due_for(current_user, today()),
        my_alerts=alerts_for(current_user, limit=5, unread_only=True),
    )
