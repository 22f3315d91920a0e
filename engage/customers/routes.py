"""Staff pages for the customers area: accounts and departments, contacts, services.

Admins create accounts and run the service catalogue; managers edit the customers
assigned to them and add departments to those accounts; viewers read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, cast

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from engage import audit
from engage.auth.access import (
    can_edit_customer,
    customer_or_404,
    require,
    role_required,
    staff_only,
)
from engage.customers import service as ops
from engage.customers.forms import ContactForm, CustomerForm, ServiceForm
from engage.extensions import db
from engage.models import Contact, Customer, DomainError, Role, Service, User
from engage.perception.customer import customer_perception
from engage.sessions.timeline import customer_sections

bp = Blueprint("customers", __name__, url_prefix="/staff")
staff_only(bp)

IN_USE = "{} is still referred to elsewhere in Engage."


def _user() -> User:
    return cast(User, current_user._get_current_object())


def can_delete_customer(user: User, customer: Customer) -> bool:
    """Managers may delete departments of their accounts; only admins delete accounts."""
    return can_edit_customer(user, customer) and (
        customer.is_department or user.is_admin
    )


def _form_page(title: str, subtitle: str, form: object, cancel_url: str) -> str:
    context = {"title": title, "subtitle": subtitle, "cancel_url": cancel_url}
    return render_template("form_page.html", form=form, **context)


def _saved(
    action: str, target: object, summary: str, message: str, to: str, **details: Any
) -> Response:
    """Record ``action`` in the audit log, commit, say ``message`` and go to ``to``."""
    audit.record(_user(), action, target, summary, **details)
    db.session.commit()
    flash(message, "success")
    return redirect(to, code=303)


def _updated(
    action: str, target: object, label: str, changes: dict[str, Any], to: str
) -> Response:
    """As :func:`_saved` for an edit; an edit that changed nothing is not recorded."""
    if not changes:
        flash("Nothing changed.", "info")
        return redirect(to, code=303)
    summary = f"Edited {label}: {', '.join(changes)}"
    return _saved(action, target, summary, f"Saved {label}.", to, changes=changes)


def _deleted(
    action: str,
    target: object,
    label: str,
    remove: Callable[[], None],
    to: str,
    refused_to: str,
) -> Response:
    """Delete through ``remove`` and commit, or explain why not (never a 500)."""
    try:
        audit.record(_user(), action, target, f"Deleted {label}")
        remove()
        db.session.commit()
    except (DomainError, IntegrityError) as error:
        # IntegrityError: a reference added since the checks in ``remove`` ran.
        db.session.rollback()
        reason = str(error) if isinstance(error, DomainError) else IN_USE.format(label)
        flash(f"Not deleted: {reason}", "error")
        return redirect(refused_to, code=303)
    flash(f"Deleted {label}.", "success")
    return redirect(to, code=303)


# -- customers and departments ----------------------------------------------


@bp.get("/customers")
def index() -> str:
    """List the customers the user may see, departments beneath their accounts."""
    return render_template(
        "engage/customers/index.html",
        rows=ops.visible_customer_rows(_user()),
        can_create=_user().is_admin,
    )


@bp.route("/customers/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new() -> Response | str:
    """Add a customer account (or, with a parent, a department)."""
    form = CustomerForm(user=_user())
    if form.validate_on_submit():
        return _create_customer(form)
    cancel = url_for(".index")
    return _form_page("New customer", "A customer account", form, cancel)


@bp.route("/customers/<int:customer_id>/departments/new", methods=["GET", "POST"])
def new_department(customer_id: int) -> Response | str:
    """Add a department to an account."""
    parent = customer_or_404(customer_id)
    require(can_edit_customer(_user(), parent))
    form = CustomerForm(user=_user(), parent_id=parent.id)
    if form.validate_on_submit():
        return _create_customer(form)
    cancel = url_for(".detail", customer_id=parent.id)
    return _form_page(
        "New department", f"A department of {parent.display_name}", form, cancel
    )


def _create_customer(form: CustomerForm) -> Response:
    parent = form.parent()
    customer = ops.create_customer(form.name.data or "", form.notes.data or "", parent)
    kind = f"department of {parent.name}" if parent else "customer account"
    return _saved(
        "customer.create",
        customer,
        f"Added {kind} {customer.name}",
        f"Added {customer.display_name}.",
        url_for(".detail", customer_id=customer.id),
    )


@bp.get("/customers/<int:customer_id>")
def detail(customer_id: int) -> str:
    """One customer: facts, departments, contacts and SLAs."""
    customer = customer_or_404(customer_id)
    user = _user()
    can_edit = can_edit_customer(user, customer)
    return render_template(
        "engage/customers/detail.html",
        customer=customer,
        departments=ops.customer_rows(customer.departments),
        agreements=ops.customer_agreements(customer),
        can_edit=can_edit,
        can_delete=can_delete_customer(user, customer),
        can_add_department=can_edit and not customer.is_department,
        perception=customer_perception(customer, user),
        **customer_sections(customer, request.args.get("timeline")),
    )


@bp.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
def edit(customer_id: int) -> Response | str:
    """Change a customer's name, notes or (admins only) parent account."""
    customer = customer_or_404(customer_id)
    user = _user()
    require(can_edit_customer(user, customer))
    form = CustomerForm(obj=customer, user=user, customer=customer)
    back = url_for(".detail", customer_id=customer.id)
    if form.validate_on_submit():
        changes = ops.update_customer(customer, **form.values())
        label = customer.display_name
        return _updated("customer.update", customer, label, changes, back)
    return _form_page("Edit customer", customer.display_name, form, back)


@bp.post("/customers/<int:customer_id>/delete")
def delete(customer_id: int) -> Response:
    """Delete a customer and its contacts, unless departments or SLAs hang on it."""
    customer = customer_or_404(customer_id)
    require(can_delete_customer(_user(), customer))
    parent_id = customer.parent_id
    return _deleted(
        "customer.delete",
        customer,
        customer.display_name,
        partial(ops.delete_customer, customer),
        url_for(".detail", customer_id=parent_id) if parent_id else url_for(".index"),
        url_for(".detail", customer_id=customer.id),
    )


# -- contacts ---------------------------------------------------------------


def _contact_or_404(contact_id: int) -> Contact:
    """The contact, if it exists and the current user may see its customer."""
    contact = db.get_or_404(Contact, contact_id)
    customer_or_404(contact.customer_id)
    return contact


@bp.route("/customers/<int:customer_id>/contacts/new", methods=["GET", "POST"])
def new_contact(customer_id: int) -> Response | str:
    """Add a contact to a customer."""
    customer = customer_or_404(customer_id)
    require(can_edit_customer(_user(), customer))
    form = ContactForm(customer=customer)
    back = url_for(".detail", customer_id=customer.id)
    if form.validate_on_submit():
        contact = ops.create_contact(customer, **form.values())
        summary = f"Added contact {contact.email} to {customer.display_name}"
        message = f"Added {contact.name}."
        return _saved("contact.create", contact, summary, message, back)
    return _form_page("New contact", customer.display_name, form, back)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def edit_contact(contact_id: int) -> Response | str:
    """Change a contact."""
    contact = _contact_or_404(contact_id)
    customer = contact.customer
    require(can_edit_customer(_user(), customer))
    form = ContactForm(obj=contact, customer=customer, contact=contact)
    back = url_for(".detail", customer_id=customer.id)
    if form.validate_on_submit():
        changes = ops.update_contact(contact, **form.values())
        label = f"contact {contact.name}"
        return _updated("contact.update", contact, label, changes, back)
    return _form_page("Edit contact", customer.display_name, form, back)


@bp.post("/contacts/<int:contact_id>/delete")
def delete_contact(contact_id: int) -> Response:
    """Delete a contact."""
    contact = _contact_or_404(contact_id)
    require(can_edit_customer(_user(), contact.customer))
    back = url_for(".detail", customer_id=contact.customer_id)
    label = f"contact {contact.name}"
    remove = partial(ops.delete_contact, contact)
    return _deleted("contact.delete", contact, label, remove, back, back)


# -- services -----------------------------------------------------------------


@bp.get("/services")
def services() -> str:
    """The service catalogue, with how many SLAs use each service."""
    return render_template(
        "engage/customers/services.html",
        rows=ops.service_rows(_user()),
        can_edit=_user().is_admin,
    )


@bp.route("/services/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_service() -> Response | str:
    """Add a service to the catalogue."""
    form = ServiceForm()
    back = url_for(".services")
    if form.validate_on_submit():
        service = ops.create_service(form.name.data or "", form.description.data or "")
        summary = f"Added service {service.name}"
        return _saved(
            "service.create", service, summary, f"Added {service.name}.", back
        )
    return _form_page("New service", "A service you deliver", form, back)


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_service(service_id: int) -> Response | str:
    """Change a service's name or description."""
    service = db.get_or_404(Service, service_id)
    form = ServiceForm(obj=service, service=service)
    back = url_for(".services")
    if form.validate_on_submit():
        changes = ops.update_service(
            service, name=form.name.data, description=form.description.data or ""
        )
        label = f"service {service.name}"
        return _updated("service.update", service, label, changes, back)
    return _form_page("Edit service", service.name, form, back)


@bp.post("/services/<int:service_id>/delete")
@role_required(Role.ADMIN)
def delete_service(service_id: int) -> Response:
    """Delete a service no SLA uses."""
    service = db.get_or_404(Service, service_id)
    back = url_for(".services")
    label = f"service {service.name}"
    remove = partial(ops.delete_service, service)
    return _deleted("service.delete", service, label, remove, back, back)
