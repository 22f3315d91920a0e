"""The perception pages: the portfolio, and plotly.js served from the installed package."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engage.auth.access import customers_query
from engage.extensions import db
from engage.models import Level
from engage.perception import figures
from engage.perception.portfolio import PERIOD_CHOICES, portfolio
from engage.perception.vendor import (
    bundled_style_ids,
    plotly_css,
    plotly_path,
    plotly_version,
)

bp = Blueprint("perception", __name__)

#: A year: the URL carries the package version, so a new plotly gets a new URL.
PLOTLY_MAX_AGE = 365 * 24 * 3600


@bp.app_template_global()
def plotly_url() -> str:
    """The versioned URL of plotly.js, for a page that draws charts."""
    return url_for("perception.plotly_js", v=plotly_version())


@bp.app_template_global()
def plotly_css_url() -> str:
    """The versioned URL of plotly.js's base stylesheet."""
    return url_for("perception.plotly_stylesheet", v=plotly_version())


@bp.app_template_global()
def plotly_style_ids() -> tuple[str, ...]:
    """Ids that stop plotly.js from injecting its bundled inline styles."""
    return bundled_style_ids()


@bp.get("/static/vendor/plotly.min.js")
def plotly_js() -> Response:
    """plotly.js from the installed package; nothing is fetched from the internet."""
    return send_file(
        plotly_path(),
        mimetype="text/javascript",
        max_age=PLOTLY_MAX_AGE,
        conditional=True,
    )


@bp.get("/static/vendor/plotly.css")
def plotly_stylesheet() -> Response:
    """plotly.js's base CSS as a file, so the CSP needs no inline styles."""
    response = Response(plotly_css(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = PLOTLY_MAX_AGE
    return response


@bp.get("/staff/portfolio")
@login_required
def portfolio_page() -> str:
    """Every SLA: compliance against perception, watermelons first."""
    customers = list(db.session.scalars(customers_query(current_user)))
    customer_id = _choice("customer", {c.id for c in customers})
    raw_level = request.args.get("level", "")
    if raw_level and raw_level not in {lv.value for lv in Level}:
        abort(400)
    level = Level(raw_level) if raw_level else None
    months = _choice("months", set(PERIOD_CHOICES)) or 12
    result = portfolio(current_user, months, customer_id, level)
    points = [
        {
            "alignment": row.verdict.alignment,
            "x": 100 * share,
            "y": row.verdict.perception.value,
            "name": row.agreement.name,
            "n": row.verdict.perception.n,
            "url": url_for("agreements.detail", agreement_id=row.agreement.id),
        }
        for row in result.rows
        if (share := row.verdict.compliance.share) is not None
        and row.verdict.perception.value is not None
    ]
    return render_template(
        "engage/perception/portfolio.html",
        result=result,
        figure=figures.portfolio_scatter(points),
        plotted=len(points),
        customers=customers,
        customer_id=customer_id,
        levels=list(Level),
        level=level,
        months=months,
        period_choices=PERIOD_CHOICES,
    )


def _choice(name: str, allowed: set[int]) -> int | None:
    """An integer query argument from an allowlist; 400 for anything else."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in allowed:
        abort(400)
    return int(raw)
