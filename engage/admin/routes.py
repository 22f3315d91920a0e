"""Staff pages for the admin area: staff accounts, the aspect list and the audit log.

Every route needs the admin role; managers and viewers get 403.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms import Field

from engage import rescoring
from engage.admin import keywords, service
from engage.admin.audit_log import audit_actions, audit_query, detail_lines
from engage.admin.forms import (
    AUDIT_PARAMETERS,
    AspectForm,
    AuditFilterForm,
    EditUserForm,
    NewUserForm,
    SetPasswordForm,
    page_or_400,
)
from engage.auth.access import role_required, staff_only
from engage.extensions import db
from engage.models import Aspect, Role, User

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
staff_only(bp)
admin_only = role_required(Role.ADMIN)

AUDIT_PER_PAGE = 50


def _actor() -> User:
    user: User = current_user._get_current_object()
    return user


def _commit_or_error(field: Field, message: str) -> bool:
    """Commit; on a unique-key race, roll back and show ``message`` on ``field``."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        field.errors = [*field.errors, message]
        return False
    return True


# --- staff accounts -------------------------------------------------------------


@bp.get("/users")
@admin_only
def users() -> str:
    """Every staff account with its role, status, customers and last sign-in."""
    return render_template("engage/admin/users.html", users=service.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def user_new() -> Response | str:
    """Create a staff account with an initial password."""
    form = NewUserForm()
    if form.validate_on_submit():
        user = service.create_user(
            _actor(),
            email=form.email.data or "",
            name=form.name.data or "",
            role=form.role.data,
            password=form.password.data or "",
            customer_ids=form.customers.data or [],
        )
        taken = "A staff account with this email already exists."
        if _commit_or_error(form.email, taken):
            flash(f"Created {user.role.value} {user.email}.", "success")
            return redirect(url_for("admin.users"), code=303)
    return render_template("engage/admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def user_edit(user_id: int) -> Response | str:
    """Change a staff member's name, role, customers or whether they may sign in."""
    user = db.get_or_404(User, user_id)
    form = EditUserForm(user=user, actor=_actor())
    if form.validate_on_submit():
        try:
            changes = service.update_user(
                _actor(),
                user,
                name=form.name.data or "",
                role=form.role.data,
                active=bool(form.active.data),
                customer_ids=form.customers.data or [],
            )
        except service.AccountError as error:  # another admin changed at the same time
            field = form.active if error.field == "active" else form.role
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            if changes:
                flash(f"Saved {user.email}.", "success")
            else:
                flash(f"Nothing changed for {user.email}.", "info")
            return redirect(url_for("admin.users"), code=303)
    return render_template("engage/admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_only
def user_password(user_id: int) -> Response | str:
    """Set a new password for a staff member and sign out all their sessions."""
    user = db.get_or_404(User, user_id)
    if user.id == _actor().id:
        # Changing one's own password asks for the current one (a stolen session
        # must not be enough to take the account over).
        flash("Change your own password here.", "info")
        return redirect(url_for("auth.change_password"), code=303)
    form = SetPasswordForm()
    if form.validate_on_submit():
        ended = service.set_password(_actor(), user, form.password.data or "")
        db.session.commit()
        flash(
            f"New password set for {user.email}; {ended} session(s) signed out.",
            "success",
        )
        return redirect(url_for("admin.users"), code=303)
    return render_template(
        "form_page.html",
        title="Set a new password",
        subtitle=user.email,
        intro=f"Setting a new password signs {user.email} out everywhere; "
        "they then sign in with the new one.",
        form=form,
        cancel_url=url_for("admin.user_edit", user_id=user.id),
    )


# --- aspects --------------------------------------------------------------------


@bp.get("/aspects")
@admin_only
def aspects() -> str:
    """The aspect list in display order, with usage, keywords and shared keywords."""
    rows = service.aspects_with_usage()
    return render_template(
        "engage/admin/aspects.html",
        rows=rows,
        conflicts=keywords.conflicts(keywords.ordered_aspects()),
        rescore_job=rescoring.latest_job(),
    )


@bp.route("/aspects/new", methods=["GET", "POST"])
@admin_only
def aspect_new() -> Response | str:
    """Add an aspect at the end of the list."""
    form = AspectForm()
    if form.validate_on_submit():
        aspect = service.create_aspect(
            _actor(), form.name.data or "", form.description.data or ""
        )
        if _commit_or_error(form.name, "An aspect with this name already exists."):
            flash(f"Added aspect {aspect.name}.", "success")
            return redirect(url_for("admin.aspects"), code=303)
    return _aspect_form(form, "Add an aspect")


@bp.route("/aspects/<int:aspect_id>/edit", methods=["GET", "POST"])
@admin_only
def aspect_edit(aspect_id: int) -> Response | str:
    """Rename an aspect or change its description."""
    aspect = db.get_or_404(Aspect, aspect_id)
    form = AspectForm(aspect=aspect)
    if form.validate_on_submit():
        service.update_aspect(
            _actor(), aspect, form.name.data or "", form.description.data or ""
        )
        if _commit_or_error(form.name, "An aspect with this name already exists."):
            flash(f"Saved aspect {aspect.name}.", "success")
            return redirect(url_for("admin.aspects"), code=303)
    return _aspect_form(form, f"Edit aspect {aspect.name}")


def _aspect_form(form: AspectForm, title: str) -> str:
    return render_template(
        "form_page.html",
        title=title,
        form=form,
        cancel_url=url_for("admin.aspects"),
    )


@bp.post("/aspects/<int:aspect_id>/<any(activate, deactivate):change>")
@admin_only
def aspect_active(aspect_id: int, change: str) -> Response:
    """Offer an aspect for new clauses and feedback again, or stop offering it."""
    aspect = db.get_or_404(Aspect, aspect_id)
    service.set_aspect_active(_actor(), aspect, change == "activate")
    db.session.commit()
    flash(
        f"{aspect.name} is now {'active' if aspect.active else 'inactive'}.", "success"
    )
    return redirect(url_for("admin.aspects", _anchor=f"aspect-{aspect.id}"), code=303)


@bp.post("/aspects/<int:aspect_id>/move/<any(up, down):direction>")
@admin_only
def aspect_move(aspect_id: int, direction: str) -> Response:
    """Move an aspect one place up or down the list."""
    aspect = db.get_or_404(Aspect, aspect_id)
    if service.move_aspect(_actor(), aspect, -1 if direction == "up" else 1):
        db.session.commit()
    return redirect(url_for("admin.aspects", _anchor=f"aspect-{aspect.id}"), code=303)


@bp.post("/aspects/<int:aspect_id>/delete")
@admin_only
def aspect_delete(aspect_id: int) -> Response:
    """Delete an aspect that no objective uses."""
    aspect = db.get_or_404(Aspect, aspect_id)
    name = aspect.name
    try:
        service.delete_aspect(_actor(), aspect)
        db.session.commit()
    except (service.AspectInUse, IntegrityError):
        # IntegrityError: something started using it between the check and the commit.
        db.session.rollback()
        flash(
            f"{name} is in use and cannot be deleted; deactivate it instead.", "error"
        )
    else:
        flash(f"Deleted aspect {name}.", "success")
    return redirect(url_for("admin.aspects"), code=303)


# --- audit log (read-only) ------------------------------------------------------


@bp.get("/audit")
@admin_only
def audit_log() -> str | tuple[str, int]:
    """Staff changes, newest first, filtered by action, staff member and dates."""
    page = page_or_400(request.args, AUDIT_PARAMETERS)
    form = AuditFilterForm(request.args, audit_actions(), service.list_users())
    if not form.validate():
        return render_template("engage/admin/audit.html", form=form, events=None), 400
    stmt = audit_query(
        form.action.data or "",
        form.actor.data,
        form.date_from.data,
        form.date_to.data,
    )
    events = db.paginate(stmt, page=page, per_page=AUDIT_PER_PAGE, error_out=False)
    filters = {
        key: request.args[key]
        for key in ("action", "actor", "from", "to")
        if request.args.get(key)
    }
    return render_template(
        "engage/admin/audit.html",
        form=form,
        events=events,
        rows=[(event, detail_lines(event.details)) for event in events.items],
        filters=filters,
    )


# Keyword editing, rescoring and job pages add their routes to ``bp``.
import engage.admin.job_routes  # noqa: E402, F401
import engage.admin.keyword_routes  # noqa: E402, F401
