"""Staff pages for listening sessions: the list, one session, logging and editing.

Admins and managers (for their customers) log sessions; viewers read. A session outside
a manager's customers does not exist for them (404).
"""

from __future__ import annotations

from typing import Any, cast

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

from engage import audit
from engage.admin.forms import page_or_400
from engage.analysis.metrics import sentiment_word
from engage.auth.access import (
    can_edit_customer,
    can_see_customer,
    customers_query,
    require,
    role_required,
    staff_only,
)
from engage.extensions import db
from engage.models import ListeningSession, Role, User
from engage.sessions import service
from engage.sessions.forms import SessionFilterForm, SessionForm
from engage.sessions.statements import in_log_order, session_statements

bp = Blueprint("sessions", __name__, url_prefix="/staff/sessions")
staff_only(bp)
editors_only = role_required(Role.ADMIN, Role.MANAGER)

PER_PAGE = 20
FILTER_PARAMETERS = {"customer", "agreement", "from", "to", "channel", "page"}


bp.add_app_template_global(sentiment_word, "sentiment_word")


def _user() -> User:
    return cast(User, current_user._get_current_object())


def _session_or_404(session_id: int) -> ListeningSession:
    """The session, if it exists and the current user may see its customer."""
    session = db.session.get(ListeningSession, session_id)
    if session is None or not can_see_customer(_user(), session.customer_id):
        abort(404)
    return session


def _form_page(form: SessionForm, title: str, cancel_url: str) -> str:
    return render_template(
        "engage/sessions/form.html", form=form, title=title, cancel_url=cancel_url
    )


@bp.get("")
def index() -> tuple[str, int] | str:
    """Sessions the user may see, most recent first, filtered and paginated."""
    page = page_or_400(request.args, FILTER_PARAMETERS)
    user = _user()
    customers = list(db.session.scalars(customers_query(user)))
    form = SessionFilterForm(request.args, customers, service.filter_agreements(user))
    context: dict[str, Any] = {"form": form, "can_log": user.can_edit}
    if not form.validate():
        return render_template(
            "engage/sessions/index.html", sessions=None, **context
        ), 400
    pagination = db.paginate(
        service.sessions_query(user, form.filters()),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )
    sessions: list[ListeningSession] = list(pagination.items)
    return render_template(
        "engage/sessions/index.html",
        sessions=sessions,
        pagination=pagination,
        counts=service.statement_counts(s.id for s in sessions),
        filters=form.query_args(),
        **context,
    )


@bp.route("/new", methods=["GET", "POST"])
@editors_only
def new() -> Response | str:
    """Log a session: its facts, what was said, asked and promised."""
    user = _user()
    form = SessionForm(user=user)
    if request.method == "GET":
        form.facilitator_id.data = user.id
        raw = request.args.get("customer_id", "")
        if raw.isdigit():
            form.customer_id.data = int(raw)
    if form.validate_on_submit():
        customer = form.customer()
        assert customer is not None
        session = service.create_session(
            customer, form.agreements(), by=user, **form.values()
        )
        n = len(session.statements)
        audit.record(
            user,
            "session.create",
            session,
            f"Logged session “{session.title}” with {customer.display_name}",
            statements=n,
        )
        db.session.commit()
        flash(
            f"Logged the session: {n} statement{'s' if n != 1 else ''} scored.",
            "success",
        )
        return redirect(url_for(".detail", session_id=session.id), code=303)
    return _form_page(form, "Log a listening session", url_for(".index"))


@bp.get("/<int:session_id>")
def detail(session_id: int) -> str:
    """One session: its facts and every statement with its score, aspects and SLA."""
    session = _session_or_404(session_id)
    wanted = session_statements(session.notes, session.asks, session.commitments)
    return render_template(
        "engage/sessions/detail.html",
        session=session,
        groups=in_log_order(session.statements, wanted),
        can_edit=can_edit_customer(_user(), session.customer),
    )


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
def edit(session_id: int) -> Response | str:
    """Change a session; unchanged statements keep their scores and action items."""
    session = _session_or_404(session_id)
    user = _user()
    require(can_edit_customer(user, session.customer))
    form = SessionForm(obj=session, user=user, session=session)
    back = url_for(".detail", session_id=session.id)
    if request.method == "GET":
        form.agreement_ids.data = [a.id for a in session.agreements]
    if form.validate_on_submit():
        customer = form.customer()
        assert customer is not None
        changes = service.update_session(
            session, form.agreements(), customer=customer, **form.values()
        )
        if not changes:
            flash("Nothing changed.", "info")
            return redirect(back, code=303)
        summary = f"Edited session “{session.title}”: {', '.join(changes)}"
        audit.record(user, "session.update", session, summary, changes=changes)
        db.session.commit()
        flash("Saved the session.", "success")
        return redirect(back, code=303)
    return _form_page(form, "Edit listening session", back)


@bp.post("/<int:session_id>/delete")
def delete(session_id: int) -> Response:
    """Delete a session and its statements; action items opened from it stay."""
    session = _session_or_404(session_id)
    user = _user()
    require(can_edit_customer(user, session.customer))
    summary = f"Deleted session “{session.title}” ({session.held_on.isoformat()})"
    audit.record(user, "session.delete", session, summary)
    service.delete_session(session)
    db.session.commit()
    flash("Deleted the session.", "success")
    return redirect(url_for(".index"), code=303)
