"""Staff pages for the customers area."""

from __future__ import annotations

from flask import Blueprint

from engage.auth.access import staff_only

bp = Blueprint("customers", __name__, url_prefix="/staff")
staff_only(bp)


@bp.get("/customers")
def index() -> str:
    """Placeholder until the customers area lands."""
    return "customers"


@bp.get("/services")
def services() -> str:
    """Placeholder until the customers area lands."""
    return "services"
