"""Staff pages for the admin area."""

from __future__ import annotations

from flask import Blueprint

from engage.auth.access import staff_only

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
staff_only(bp)


@bp.get("/users")
def users() -> str:
    """Placeholder until the admin area lands."""
    return "users"
