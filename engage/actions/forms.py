"""Forms of the action-items area: an item, and the list's filters."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from engage.actions import service
from engage.actions.service import Source
from engage.customers.forms import optional_id, strip
from engage.extensions import db
from engage.models import ActionItem, ActionStatus, Agreement, Customer, User
from engage.sessions import service as sessions
from engage.sessions.forms import agreement_choices

TEXT_MAX = 5_000


class ActionForm(FlaskForm):
    """Something a named person owes the customer by a date."""

    customer_id = SelectField(
        "Customer",
        coerce=optional_id,
        validate_choice=False,
        validators=[InputRequired(message="Choose the customer this is for.")],
    )
    agreement_id = SelectField(
        "SLA",
        coerce=optional_id,
        validate_choice=False,
        description="Optional: the SLA this is about.",
    )
    title = StringField(
        "Title",
        validators=[DataRequired(), Length(max=200)],
        filters=[strip],
        description="What will be done, e.g. “Send the root-cause report”.",
    )
    description = TextAreaField("Description", validators=[Length(max=TEXT_MAX)])
    quote = TextAreaField(
        "The customer's words",
        validators=[Length(max=TEXT_MAX)],
        description="What this answers; kept even if the statement is edited away.",
    )
    owner_id = SelectField(
        "Owner",
        coerce=optional_id,
        validate_choice=False,
        validators=[InputRequired(message="Choose who owns this item.")],
        description="An admin, or a manager who looks after this customer.",
    )
    due_on = DateField(
        "Due date",
        validators=[InputRequired(message="Enter the date it is due.")],
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in ActionStatus],
        default=ActionStatus.OPEN.value,
    )
    submit = SubmitField("Save action item")

    def __init__(
        self,
        *args: Any,
        user: User,
        source: Source | None = None,
        item: ActionItem | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.source = source
        self.item = item
        if source is not None:
            # An item opened from feedback belongs to that feedback's customer.
            self.customers = [source.customer]
        else:
            self.customers = sessions.editable_customers(user)
            if item is not None and item.customer not in self.customers:
                self.customers.append(item.customer)
        self.customer_id.choices = [SelectChoice("", "Choose a customer")] + [
            SelectChoice(c.id, c.display_name) for c in self.customers
        ]
        self.candidates = sessions.candidate_agreements(self.customers)
        kept: tuple[int, list[Agreement]] | None = None
        if item is not None and item.agreement is not None:
            kept = (item.customer_id, [item.agreement])
        if source is not None and source.agreement is not None:
            kept = (source.customer.id, [source.agreement])
        self.agreement_id.choices = [SelectChoice("", "(none)")] + agreement_choices(
            self.candidates, kept
        )
        self.owners = service.possible_owners()
        self.owner_id.choices = [SelectChoice("", "Choose an owner")] + [
            SelectChoice(u.id, u.name or u.email) for u in self.owners
        ]

    def customer(self) -> Customer | None:
        """The chosen customer, if it is one offered."""
        return next((c for c in self.customers if c.id == self.customer_id.data), None)

    def validate_customer_id(self, field: SelectField) -> None:
        if field.data is not None and self.customer() is None:
            raise ValidationError("Choose one of the customers listed.")

    def validate_agreement_id(self, field: SelectField) -> None:
        customer = self.customer()
        if field.data is None or customer is None:
            return
        allowed = {a.id for a in self.candidates.get(customer.id, [])}
        for keep in (self.item, self.source):
            if keep is not None and keep.agreement is not None:
                allowed.add(keep.agreement.id)
        if field.data not in allowed:
            raise ValidationError(f"Choose an SLA of {customer.display_name}, or none.")

    def validate_owner_id(self, field: SelectField) -> None:
        customer = self.customer()
        if field.data is None or customer is None:
            return
        owner = next((u for u in self.owners if u.id == field.data), None)
        if owner is None:
            raise ValidationError("Choose one of the staff listed.")
        if not service.may_own(owner, customer):
            raise ValidationError(
                f"{owner.name or owner.email} does not look after "
                f"{customer.display_name}; choose someone who does."
            )

    def values(self) -> dict[str, Any]:
        """The item's fields as entered (after validation)."""
        agreement_id = self.agreement_id.data
        return {
            "customer": self.customer(),
            "agreement": db.session.get(Agreement, agreement_id)
            if agreement_id is not None
            else None,
            "title": self.title.data,
            "description": (self.description.data or "").strip(),
            "quote": (self.quote.data or "").strip(),
            "owner": db.session.get(User, self.owner_id.data),
            "due_on": self.due_on.data,
            "status": ActionStatus(self.status.data),
        }


class ActionFilterForm(Form):
    """The list's filters, read from the query string."""

    scope = RadioField(
        "Show",
        choices=[SelectChoice("mine", "Mine"), SelectChoice("all", "All I can see")],
        default="mine",
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice("open", "Still to do"), SelectChoice("", "Any status")]
        + [SelectChoice(s.value, s.label) for s in ActionStatus],
        default="open",
    )
    overdue = BooleanField("Overdue only")

    def query_args(self) -> dict[str, str]:
        """The filters in effect, as query-string arguments for pager links."""
        args = {"scope": self.scope.data, "status": self.status.data or ""}
        if self.overdue.data:
            args["overdue"] = "y"
        return args
