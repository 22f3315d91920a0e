"""Staff pages for action items: my actions, opening one from feedback, closing it.

Admins and managers (for their customers) open and change items; viewers read. An item
outside a manager's customers does not exist for them (404).
"""

from __future__ import annotations

from typing import cast

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from engage import audit
from engage.actions import service
from engage.actions.forms import ActionFilterForm, ActionForm
from engage.actions.service import Source
from engage.admin.forms import page_or_400, strict_int
from engage.auth.access import (
    can_edit_customer,
    can_see_customer,
    require,
    role_required,
    staff_only,
)
from engage.extensions import db
from engage.models import (
    ActionItem,
    ActionStatus,
    Feedback,
    ListeningSession,
    Response,
    Role,
    User,
)

bp = Blueprint("actions", __name__, url_prefix="/staff/actions")
staff_only(bp)
editors_only = role_required(Role.ADMIN, Role.MANAGER)

PER_PAGE = 25
FILTER_PARAMETERS = {"scope", "status", "overdue", "page"}
SOURCE_PARAMETERS = ("feedback_id", "response_id", "session_id")


def _user() -> User:
    return cast(User, current_user._get_current_object())


@bp.app_template_global()
def due_label(item: ActionItem) -> str:
    """How an item's due date reads today ("Overdue by 3 days")."""
    return service.due_text(item.due_on, item.status, service.today())


@bp.app_template_global()
def is_overdue(item: ActionItem) -> bool:
    """Whether an item is still open after its due date."""
    return item.is_overdue(service.today())


@bp.app_template_global()
def can_open_action(item: Feedback) -> bool:
    """Whether to offer "Open action item" for a feedback row to the current user."""
    if not current_user.is_authenticated or not current_user.can_edit:
        return False
    if not service.feedback_is_negative(item):
        return False
    editable: dict[int, bool] = g.setdefault("engage_editable_customers", {})
    if item.customer_id not in editable:
        editable[item.customer_id] = can_see_customer(_user(), item.customer_id)
    return editable[item.customer_id]


def _item_or_404(item_id: int) -> ActionItem:
    """The item, if it exists and the current user may see its customer."""
    item = db.session.get(ActionItem, item_id)
    if item is None or not can_see_customer(_user(), item.customer_id):
        abort(404)
    return item


def _source() -> Source | None:
    """What ``?feedback_id=``, ``?response_id=`` or ``?session_id=`` names, if any.

    404 when it does not exist or the user may not see it; 403 when they may not
    change its customer.
    """
    given = [name for name in SOURCE_PARAMETERS if name in request.args]
    if not given:
        return None
    if len(given) > 1:
        abort(400)
    try:
        source_id = strict_int(request.args[given[0]])
    except ValueError:
        abort(400)
    source: Source | None = None
    if source_id is not None and given[0] == "feedback_id":
        feedback = db.session.get(Feedback, source_id)
        source = service.from_feedback(feedback) if feedback else None
    elif source_id is not None and given[0] == "response_id":
        response = db.session.get(Response, source_id)
        source = service.from_response(response) if response else None
    elif source_id is not None:
        session = db.session.get(ListeningSession, source_id)
        source = service.from_session(session) if session else None
    if source is None:
        abort(404)
    if not can_see_customer(_user(), source.customer.id):
        abort(404)
    require(can_edit_customer(_user(), source.customer))
    return source


def _back_to(source: Source | None) -> str:
    """Where Cancel goes: the page the item was opened from, else the list."""
    if source is not None and source.session_id is not None:
        return url_for("sessions.detail", session_id=source.session_id)
    if source is not None and source.response_id is not None:
        return url_for("staff_surveys.response", response_id=source.response_id)
    if source is not None and source.feedback_id is not None:
        return url_for("feedback.detail", feedback_id=source.feedback_id)
    return url_for(".index")


@bp.get("")
def index() -> str:
    """My actions (or all the user may see), soonest due first, overdue flagged."""
    page = page_or_400(request.args, FILTER_PARAMETERS)
    form = ActionFilterForm(request.args)
    if not form.validate():
        abort(400)
    stmt = service.items_query(
        _user(),
        mine=form.scope.data != "all",
        status=form.status.data or "",
        overdue_only=bool(form.overdue.data),
        on=service.today(),
    )
    pagination = db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)
    return render_template(
        "engage/actions/index.html",
        form=form,
        items=list(pagination.items),
        pagination=pagination,
        filters=form.query_args(),
    )


@bp.route("/new", methods=["GET", "POST"])
@editors_only
def new() -> WerkzeugResponse | str:
    """Open an action item, from a statement, feedback or survey response if given."""
    user = _user()
    source = _source()
    form = ActionForm(user=user, source=source)
    if request.method == "GET":
        form.owner_id.data = user.id
        if source is not None:
            form.customer_id.data = source.customer.id
            form.agreement_id.data = source.agreement.id if source.agreement else None
            form.quote.data = source.quote
            form.title.data = source.title
        elif request.args.get("customer_id", "").isdigit():
            form.customer_id.data = int(request.args["customer_id"])
    if form.validate_on_submit():
        item = service.create_item(user, source, **form.values())
        audit.record(
            user,
            "action.create",
            item,
            f"Opened action item “{item.title}” for {item.customer.display_name}",
            owner=item.owner.email if item.owner else None,
            due_on=item.due_on,
            status=item.status,
            feedback_id=item.feedback_id,
            response_id=item.response_id,
            session_id=item.session_id,
        )
        db.session.commit()
        flash("Opened the action item.", "success")
        return redirect(url_for(".detail", item_id=item.id), code=303)
    return render_template(
        "engage/actions/form.html",
        form=form,
        source=source,
        title="Open an action item",
        cancel_url=_back_to(source),
    )


@bp.get("/<int:item_id>")
def detail(item_id: int) -> str:
    """One item: what it answers, who owns it, when it is due."""
    item = _item_or_404(item_id)
    return render_template(
        "engage/actions/detail.html",
        item=item,
        can_edit=can_edit_customer(_user(), item.customer),
        statuses=list(ActionStatus),
    )


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
def edit(item_id: int) -> WerkzeugResponse | str:
    """Change an item; a status change is recorded in the audit log."""
    item = _item_or_404(item_id)
    user = _user()
    require(can_edit_customer(user, item.customer))
    form = ActionForm(obj=item, user=user, item=item)
    back = url_for(".detail", item_id=item.id)
    if form.validate_on_submit():
        return _save_changes(item, user, form.values(), back)
    return render_template(
        "engage/actions/form.html",
        form=form,
        source=None,
        title="Edit action item",
        cancel_url=back,
    )


@bp.post("/<int:item_id>/status")
def set_status(item_id: int) -> WerkzeugResponse:
    """Move an item to another status in one click (done, in progress, reopened)."""
    item = _item_or_404(item_id)
    user = _user()
    require(can_edit_customer(user, item.customer))
    try:
        status = ActionStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    back = url_for(".detail", item_id=item.id)
    return _save_changes(item, user, {"status": status}, back)


def _save_changes(
    item: ActionItem, user: User, values: dict[str, object], back: str
) -> WerkzeugResponse:
    was = item.status
    changes = service.update_item(item, **values)
    if not changes:
        flash("Nothing changed.", "info")
        return redirect(back, code=303)
    action = "action.status" if "status" in changes else "action.update"
    summary = f"Edited action item “{item.title}”: {', '.join(changes)}"
    if item.status is not was:
        summary = f"Action item “{item.title}”: {was.label} → {item.status.label}"
    audit.record(user, action, item, summary, changes=changes)
    db.session.commit()
    flash("Saved the action item.", "success")
    return redirect(back, code=303)
