"""Staff pages of the feedback stream: the filtered list and one item's explanation.

Every role reads feedback; a manager only their customers' (404 for anything else).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from engage.admin.forms import page_or_400
from engage.analysis import engine
from engage.analysis.metrics import sentiment_word
from engage.auth.access import (
    agreements_query,
    can_see_customer,
    customers_query,
    staff_only,
    visible_customer_ids,
)
from engage.explain import queries
from engage.explain.forms import PARAMETERS, SOURCE_LABELS, FeedbackFilterForm
from engage.extensions import db
from engage.feedback import load_keyword_map
from engage.models import Aspect, Feedback, FeedbackSource

bp = Blueprint("feedback", __name__, url_prefix="/staff/feedback")
staff_only(bp)

PER_PAGE = 25


def _link(endpoint: str, **values: Any) -> str | None:
    """The URL of a page another area provides, or None while it does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _visible(feedback_id: int) -> Feedback:
    item = queries.feedback_item(feedback_id)
    if item is None or not can_see_customer(current_user, item.customer_id):
        abort(404)
    return item


@bp.get("")
def index() -> str | tuple[str, int]:
    """The feedback stream, newest first, filtered by customer, SLA, source and more."""
    page = page_or_400(request.args, PARAMETERS)
    customers = sorted(
        db.session.scalars(customers_query(current_user)).all(),
        key=lambda c: c.display_name.casefold(),
    )
    form = FeedbackFilterForm(
        request.args,
        customers,
        db.session.scalars(agreements_query(current_user)).all(),
        db.session.scalars(select(Aspect).order_by(Aspect.position, Aspect.name)).all(),
    )
    context: dict[str, Any] = {"form": form, "source_labels": SOURCE_LABELS}
    if not form.validate():
        return render_template("engage/feedback/index.html", items=None, **context), 400
    filters = queries.Filters(
        customer_id=form.customer.data,
        agreement_id=form.agreement.data,
        source=form.source.data or "",
        aspect_id=form.aspect.data,
        sentiment=form.sentiment.data or "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    stmt = queries.feedback_query(filters, visible_customer_ids(current_user))
    items = db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_template(
        "engage/feedback/index.html",
        items=items,
        args=args,
        sentiment_word=sentiment_word,
        scales=queries.SCORE_SCALES,
        **context,
    )


@bp.get("/<int:feedback_id>")
def detail(feedback_id: int) -> str:
    """One piece of feedback: where it came from, its score and why."""
    item = _visible(feedback_id)
    source_url = None
    if item.source is FeedbackSource.SURVEY and item.answer is not None:
        source_url = _link(
            "staff_surveys.response", response_id=item.answer.response_id
        )
    elif item.source is FeedbackSource.SESSION and item.session_id is not None:
        source_url = _link("sessions.detail", session_id=item.session_id)
    return render_template(
        "engage/feedback/detail.html",
        item=item,
        explanation=queries.explain(item, load_keyword_map()),
        stored_aspects=queries.stored_aspects(item),
        source_url=source_url,
        source_labels=SOURCE_LABELS,
        sentiment_word=sentiment_word,
        scales=queries.SCORE_SCALES,
        engine_version=engine.ENGINE_VERSION,
    )


@bp.get("/answers/<int:answer_id>")
def for_answer(answer_id: int) -> Response:
    """The explanation page of the feedback made from a survey answer."""
    feedback_id = queries.feedback_id_for_answer(answer_id)
    if feedback_id is None:
        abort(404)
    _visible(feedback_id)
    return redirect(url_for("feedback.detail", feedback_id=feedback_id))
