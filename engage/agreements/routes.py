"""Staff pages for the agreements area: the SLA tree, agreement pages and editing.

Lifecycle steps live in ``lifecycle_routes``, clauses in ``objective_routes`` and
measurements in ``measurement_routes``, all on this blueprint.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from engage import audit
from engage.agreements import service
from engage.agreements.forms import AgreementForm, PublishForm, RetireForm
from engage.agreements.overview import agreement_grid
from engage.auth.access import (
    agreement_or_404,
    agreements_query,
    can_edit_agreement,
    customers_query,
    require,
    staff_only,
)
from engage.extensions import db
from engage.models import Agreement, AgreementStatus, DomainError, Level, User
from engage.perception.sla import sla_perception
from engage.sla.compliance import month_start, months_ending
from engage.sla.tree import ancestors, effective_objectives
from engage.sla.versions import changes

bp = Blueprint("agreements", __name__, url_prefix="/staff")
staff_only(bp)

STATUS_FILTERS = {s.value: s for s in AgreementStatus}


def me() -> User:
    """The signed-in user as a model object (audit rows and relationships need one)."""
    user: User = current_user._get_current_object()
    return user


# -- the tree ---------------------------------------------------------------


def _filters() -> tuple[int | None, AgreementStatus | None, list[Any]]:
    """The tree's query-string filters, checked against allowlists (400 otherwise)."""
    customers = list(db.session.scalars(customers_query(current_user)))
    customer_id: int | None = None
    raw = request.args.get("customer", "")
    if raw:
        if not raw.isdigit() or int(raw) not in {c.id for c in customers}:
            abort(400)
        customer_id = int(raw)
    raw = request.args.get("status", "")
    if raw and raw not in STATUS_FILTERS:
        abort(400)
    return customer_id, STATUS_FILTERS.get(raw), customers


@bp.get("/agreements")
def tree() -> str:
    """The SLA tree: corporate, then customer, then service agreements."""
    customer_id, status, customers = _filters()
    visible = list(db.session.scalars(agreements_query(current_user)))
    matching = [
        a
        for a in visible
        if (customer_id is None or a.customer_id == customer_id)
        and (status is None or a.status is status)
    ]
    return render_template(
        "engage/agreements/tree.html",
        forest=service.build_forest(visible, matching),
        filtered=customer_id is not None or status is not None,
        customers=customers,
        statuses=list(AgreementStatus),
        customer_id=customer_id,
        status=status,
    )


# -- one agreement ----------------------------------------------------------


def render_detail(
    agreement: Agreement,
    publish_form: PublishForm | None = None,
    retire_form: RetireForm | None = None,
) -> str:
    """The agreement page, optionally with a lifecycle form holding errors."""
    last_measured = service.last_measured_period(agreement)
    last = last_measured or month_start(date.today())
    effective = effective_objectives(agreement)
    grid = agreement_grid(agreement, months_ending(last, 12))
    history = [
        (v, changes(agreement.versions[i - 1] if i else None, v))
        for i, v in enumerate(agreement.versions)
    ]
    return render_template(
        "engage/agreements/detail.html",
        agreement=agreement,
        chain=ancestors(agreement),
        effective=effective,
        can_edit=can_edit_agreement(current_user, agreement),
        grid=grid,
        perception=sla_perception(agreement, grid, current_user),
        last_measured=last_measured,
        history=history[::-1],
        publish_form=publish_form or PublishForm(agreement=agreement, formdata=None),
        retire_form=retire_form or RetireForm(formdata=None),
        deletion_problem=service.deletion_problem(agreement),
        measurements_url=_measurements_url(agreement),
    )


def _measurements_url(agreement: Agreement) -> str | None:
    # The measurements pages are built separately; the agreement page works without.
    try:
        return url_for("agreements.measurements", agreement_id=agreement.id)
    except BuildError:
        return None


@bp.get("/agreements/<int:agreement_id>")
def detail(agreement_id: int) -> str:
    """One SLA: its place in the tree, clauses in force, compliance and history."""
    return render_detail(agreement_or_404(agreement_id))


def _form_page(
    form: AgreementForm, title: str, cancel_url: str, subtitle: str | None = None
) -> str:
    return render_template(
        "engage/agreements/agreement_form.html",
        form=form,
        title=title,
        subtitle=subtitle,
        cancel_url=cancel_url,
    )


@bp.route("/agreements/new", methods=["GET", "POST"])
def create() -> Response | str:
    """Create a draft SLA, optionally under ``?parent=<id>``."""
    require(current_user.can_edit)
    data: dict[str, Any] = {}
    subtitle = None
    raw = request.args.get("parent", "")
    if raw:
        if not raw.isdigit():
            abort(400)
        parent = agreement_or_404(int(raw))
        child_level = {Level.CORPORATE: Level.CUSTOMER, Level.CUSTOMER: Level.SERVICE}
        if parent.level not in child_level:
            abort(400)
        data = {
            "level": child_level[parent.level],
            "parent": parent.id,
            "customer": parent.customer_id,
        }
        subtitle = f"Under {parent.name}; it inherits that agreement's clauses."
    form = AgreementForm(user=current_user, data=data)
    if form.validate_on_submit():
        assert form.placement is not None
        try:
            agreement = service.create_agreement(
                name=form.name.data,
                placement=form.placement,
                owner=form.owner_user(),
                description=form.description.data or "",
            )
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            require(can_edit_agreement(current_user, agreement))
            audit.record(
                me(),
                "agreement.create",
                agreement,
                f"Created {agreement.level.value} SLA {agreement.name}",
                level=agreement.level,
                parent_id=agreement.parent_id,
                customer_id=agreement.customer_id,
                service_id=agreement.service_id,
            )
            db.session.commit()
            flash(f"Created the draft SLA “{agreement.name}”.", "success")
            return redirect(
                url_for("agreements.detail", agreement_id=agreement.id), code=303
            )
    return _form_page(form, "New SLA", url_for("agreements.tree"), subtitle)


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
def edit(agreement_id: int) -> Response | str:
    """Change an SLA's name, owner and description; its place while a draft."""
    agreement = agreement_or_404(agreement_id)
    require(can_edit_agreement(current_user, agreement))
    form = AgreementForm(
        user=current_user,
        agreement=agreement,
        data={
            "name": agreement.name,
            "level": agreement.level,
            "parent": agreement.parent_id,
            "customer": agreement.customer_id,
            "service": agreement.service_id,
            "owner": agreement.owner_id,
            "description": agreement.description,
        },
    )
    if form.validate_on_submit():
        before = service.current_placement(agreement)
        try:
            service.update_agreement(
                agreement,
                name=form.name.data,
                owner=form.owner_user(),
                description=form.description.data or "",
                placement=form.placement,
            )
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            audit.record(
                me(),
                "agreement.update",
                agreement,
                f"Updated SLA {agreement.name}",
                moved=before != service.current_placement(agreement),
                level=agreement.level,
                parent_id=agreement.parent_id,
                customer_id=agreement.customer_id,
                service_id=agreement.service_id,
                owner_id=agreement.owner_id,
            )
            db.session.commit()
            flash("Saved.", "success")
            return redirect(
                url_for("agreements.detail", agreement_id=agreement.id), code=303
            )
    return _form_page(
        form,
        f"Edit {agreement.name}",
        url_for("agreements.detail", agreement_id=agreement.id),
    )


@bp.post("/agreements/<int:agreement_id>/delete")
def delete(agreement_id: int) -> Response:
    """Delete a draft SLA that has no children and no measurements."""
    agreement = agreement_or_404(agreement_id)
    require(can_edit_agreement(current_user, agreement))
    name = agreement.name
    try:
        audit.record(me(), "agreement.delete", agreement, f"Deleted draft SLA {name}")
        service.delete_agreement(agreement)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(
            url_for("agreements.detail", agreement_id=agreement_id), code=303
        )
    db.session.commit()
    flash(f"Deleted the draft SLA “{name}”.", "success")
    return redirect(url_for("agreements.tree"), code=303)


# Lifecycle steps and clauses live in their own modules on the same blueprint.
import engage.agreements.lifecycle_routes  # noqa: E402, F401
import engage.agreements.objective_routes  # noqa: E402, F401

# Routes for measurements live in their own module on the same blueprint.
from engage.agreements import measurement_routes  # noqa: E402, F401
