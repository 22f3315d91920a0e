"""Staff pages for the agreements area."""

from __future__ import annotations

from flask import Blueprint

from engage.auth.access import staff_only

bp = Blueprint("agreements", __name__, url_prefix="/staff")
staff_only(bp)


@bp.get("/agreements")
def tree() -> str:
    """Placeholder until the agreements area lands."""
    return "tree"


@bp.get("/agreements/<int:agreement_id>")
def detail(agreement_id: int) -> str:
    """Placeholder until the agreements area lands."""
    return "detail"
