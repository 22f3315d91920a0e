"""Staff survey pages: the survey list, per-survey results and one response."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from engage.actions.signals import is_detractor
from engage.analysis.metrics import MIN_N
from engage.auth.access import visible_customer_ids
from engage.extensions import db
from engage.models import Survey
from surveys.results import queries
from surveys.staff import bp

_ID = re.compile(r"[0-9]{1,9}")


def _link(endpoint: str, **values: Any) -> str | None:
    """The URL of a page another area provides, or None while it does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _int_arg(name: str, default: int | None) -> int | None:
    """A single plain-digits query argument; anything else is a 400."""
    values = request.args.getlist(name)
    if not values or values == [""]:
        return default
    if len(values) > 1 or not _ID.fullmatch(values[0]):
        abort(400)
    return int(values[0])


@bp.get("/")
def index() -> str:
    """Every survey with its invitation funnel (only invitations the user may see)."""
    rows = queries.survey_rows(visible_customer_ids(current_user))
    links = {
        row.survey.id: {
            "edit": _link("staff_surveys.edit", survey_id=row.survey.id),
            "invitations": _link("staff_surveys.invitations", survey_id=row.survey.id),
        }
        for row in rows
    }
    create_url = _link("staff_surveys.create") if current_user.can_edit else None
    return render_template(
        "surveys/results/index.html", rows=rows, links=links, create_url=create_url
    )


@bp.get("/<int:survey_id>/results")
def results(survey_id: int) -> str:
    """A survey's figures with n and 95 % intervals, then its responses."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    customer_ids = visible_customer_ids(current_user)
    choices = queries.agreement_choices(survey.id, customer_ids)
    agreement_id = _int_arg("agreement", None)
    if agreement_id is not None and agreement_id not in {a.id for a in choices}:
        abort(400)
    page = _int_arg("page", 1)
    if page is None or page < 1:
        abort(400)
    figures = queries.summary(survey.id, customer_ids, agreement_id)
    pagination, rows = queries.responses_page(
        survey.id, customer_ids, agreement_id, page
    )
    filters = {"agreement": agreement_id} if agreement_id is not None else {}
    return render_template(
        "surveys/results/results.html",
        survey=survey,
        choices=choices,
        agreement_id=agreement_id,
        figures=figures,
        pagination=pagination,
        rows=rows,
        filters=filters,
        min_n=MIN_N,
    )


@bp.get("/responses/<int:response_id>")
def response(response_id: int) -> str:
    """One response, every question with its answer; 404 outside the user's customers."""
    found = queries.response_detail(response_id, visible_customer_ids(current_user))
    if found is None:
        abort(404)
    answered, views = found
    signals = [
        (v.question.kind.value, v.answer.number if v.answer else None, v.compound)
        for v in views
    ]
    return render_template(
        "surveys/results/response.html",
        response=answered,
        views=views,
        # Visible already; managers and admins may act on a detractor's answer.
        can_open_action=current_user.can_edit and is_detractor(signals),
    )
