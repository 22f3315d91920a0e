"""Forms of the customers area: accounts and departments, contacts, services."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, ValidationError

from engage.auth.access import can_edit_customer, customers_query
from engage.auth.forms import normalise_email
from engage.extensions import db
from engage.models import Contact, Customer, Service, User

NOTES_MAX = 5000
DESCRIPTION_MAX = 2000
NO_PARENT = ("", "(none: a customer account of its own)")


def strip(value: str | None) -> str | None:
    """Surrounding spaces never count (``" Acme "`` is ``"Acme"``)."""
    return value.strip() if isinstance(value, str) else value


def optional_id(value: Any) -> int | None:
    """Select values: ``""`` means none; anything else must be a whole number."""
    if value is None or value == "":
        return None
    return int(value)


def _name_taken(model: type[Customer] | type[Service], name: str, own: Any) -> bool:
    """Whether another row of ``model`` has ``name``, ignoring case."""
    stmt = select(model.id).where(func.lower(model.name) == name.lower())
    if own is not None:
        stmt = stmt.where(model.id != own.id)
    return db.session.scalar(stmt.limit(1)) is not None


class CustomerForm(FlaskForm):
    """An account or department.

    Admins choose any account as the parent (or none); managers only add departments
    to accounts they look after and cannot move an existing customer.
    """

    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=120)],
        filters=[strip],
        description="Unique across all accounts and departments, "
        "e.g. “Acme Finance” rather than “Finance”.",
    )
    parent_id = SelectField(
        "Department of",
        coerce=optional_id,
        validate_choice=False,  # validate_parent_id says why a choice is refused
        description="Leave empty for a customer account; choose an account to make "
        "this one of its departments. Departments are one level deep.",
    )
    notes = TextAreaField(
        "Notes",
        validators=[Length(max=NOTES_MAX)],
        description="Anything staff should know: sites, contract quirks, history.",
    )
    submit = SubmitField("Save")

    def __init__(
        self, *args: Any, user: User, customer: Customer | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.customer = customer
        if customer is not None and not user.is_admin:
            # A manager edits an account's details; where it sits stays as it is.
            del self.parent_id
            return
        accounts = db.session.scalars(
            customers_query(user).where(Customer.parent_id.is_(None))
        )
        choices: list[tuple[Any, str]] = [NO_PARENT] if user.is_admin else []
        choices += [
            (c.id, c.name)
            for c in accounts
            if can_edit_customer(user, c) and (customer is None or c.id != customer.id)
        ]
        chosen = self.parent_id.data
        if chosen is not None and chosen not in {value for value, _ in choices}:
            # Keep an offered or submitted parent on show, so its error reads right.
            offered = db.session.get(Customer, chosen)
            if offered is not None and can_edit_customer(user, offered):
                choices.append((offered.id, offered.display_name))
        self.parent_id.choices = choices

    def validate_name(self, field: StringField) -> None:
        if field.data and _name_taken(Customer, field.data, self.customer):
            raise ValidationError(
                f"A customer or department named “{field.data}” already exists. "
                "Names are unique across all accounts and departments."
            )

    def validate_parent_id(self, field: SelectField) -> None:
        if field.data is None:
            if not self.user.is_admin:
                raise ValidationError("Choose the account this department belongs to.")
            return
        parent = db.session.get(Customer, field.data)
        if parent is None or not can_edit_customer(self.user, parent):
            raise ValidationError("Choose one of the accounts listed.")
        if self.customer is not None and parent.id == self.customer.id:
            raise ValidationError("A customer cannot be a department of itself.")
        if parent.parent is not None:
            raise ValidationError(
                f"“{parent.name}” is itself a department of “{parent.parent.name}”. "
                "Departments are one level deep: choose an account instead."
            )
        if self.customer is not None and self.customer.departments:
            raise ValidationError(
                f"“{self.customer.name}” has departments of its own, so it cannot "
                "become a department. Move or delete its departments first."
            )

    def values(self) -> dict[str, Any]:
        """The customer's fields as entered: name, notes and, if offered, parent_id."""
        values = {"name": self.name.data, "notes": self.notes.data or ""}
        if self.parent_id is not None:
            values["parent_id"] = self.parent_id.data
        return values

    def parent(self) -> Customer | None:
        """The chosen parent account (after validation), or None."""
        value = self.parent_id.data if self.parent_id is not None else None
        return db.session.get(Customer, value) if value is not None else None


class ContactForm(FlaskForm):
    """A person at a customer who can be surveyed."""

    name = StringField(
        "Name", validators=[DataRequired(), Length(max=120)], filters=[strip]
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired(),
            Length(max=254),
            # email-validator's own messages say what is wrong; no DNS look-up.
            Email(granular_message=True, check_deliverability=False),
        ],
        filters=[normalise_email],
        description="Survey invitations go here. Stored in lower case; "
        "unique within this customer.",
    )
    job_title = StringField(
        "Job title",
        validators=[Length(max=120)],
        filters=[strip],
        description="Helps read feedback in context, e.g. “IT manager”.",
    )
    active = BooleanField(
        "Active",
        default=True,
        description="Untick when this person should no longer be surveyed.",
    )
    submit = SubmitField("Save contact")

    def __init__(
        self,
        *args: Any,
        customer: Customer,
        contact: Contact | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.contact = contact

    def values(self) -> dict[str, Any]:
        """The contact's fields as entered."""
        return {
            "name": self.name.data,
            "email": self.email.data,
            "job_title": self.job_title.data or "",
            "active": bool(self.active.data),
        }

    def validate_email(self, field: EmailField) -> None:
        stmt = select(Contact.id).where(
            Contact.customer_id == self.customer.id, Contact.email == field.data
        )
        if self.contact is not None:
            stmt = stmt.where(Contact.id != self.contact.id)
        if db.session.scalar(stmt.limit(1)) is not None:
            raise ValidationError(
                f"{self.customer.display_name} already has a contact with this email."
            )


class ServiceForm(FlaskForm):
    """A service in the catalogue."""

    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=120)],
        filters=[strip],
        description="As customers know it, e.g. “Cloud hosting”.",
    )
    description = TextAreaField(
        "Description",
        validators=[Length(max=DESCRIPTION_MAX)],
        description="What the service covers, in a sentence or two.",
    )
    submit = SubmitField("Save service")

    def __init__(
        self, *args: Any, service: Service | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.service = service

    def validate_name(self, field: StringField) -> None:
        if field.data and _name_taken(Service, field.data, self.service):
            raise ValidationError(f"A service named “{field.data}” already exists.")
