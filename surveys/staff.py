"""The staff side of surveys: one blueprint, routes grouped by module."""

from __future__ import annotations

from flask import Blueprint

from engage.auth.access import staff_only

bp = Blueprint("staff_surveys", __name__, url_prefix="/staff/surveys")
staff_only(bp)

# Each module adds its routes to ``bp``.
import surveys.builder.routes  # noqa: E402, F401
import surveys.invitations.routes  # noqa: E402, F401
import surveys.results.routes  # noqa: E402, F401
