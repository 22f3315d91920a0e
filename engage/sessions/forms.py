"""Forms of the listening-sessions area: a session, and the list's filters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    Form,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from engage.admin.forms import MultiCheckboxField, strict_int
from engage.customers.forms import optional_id, strip
from engage.extensions import db
from engage.models import Agreement, Channel, Customer, ListeningSession, User
from engage.sessions import service

TEXT_MAX = 10_000
ATTENDEES_MAX = 5_000


def agreement_label(agreement: Agreement) -> str:
    """An SLA's name, with its customer when the name does not say it."""
    customer = agreement.customer
    if customer is None or agreement.name.startswith(customer.name):
        return agreement.name
    return f"{agreement.name} ({customer.display_name})"


def agreement_choices(
    candidates: dict[int, list[Agreement]],
    kept: tuple[int, list[Agreement]] | None = None,
) -> list[SelectChoice]:
    """One choice per SLA, marked with the customers it may be chosen for.

    ``data-customers`` lets the page hide SLAs of other customers; the server checks
    the choice again whatever the browser sends. ``kept`` is ``(customer id, SLAs)``
    already linked that stay on offer for that customer (a since-retired SLA).
    """
    offered: dict[int, tuple[Agreement, list[int]]] = {}
    for customer_id, agreements in candidates.items():
        for agreement in agreements:
            offered.setdefault(agreement.id, (agreement, []))[1].append(customer_id)
    if kept is not None:
        for agreement in kept[1]:
            ids = offered.setdefault(agreement.id, (agreement, []))[1]
            if kept[0] not in ids:
                ids.append(kept[0])
    ordered = sorted(offered.values(), key=lambda e: (e[0].name, e[0].id))
    return [
        SelectChoice(
            a.id,
            agreement_label(a),
            render_kw={"data-customers": " ".join(str(i) for i in ids)},
        )
        for a, ids in ordered
    ]


class MarkedCheckboxes(MultiCheckboxField):
    """Checkboxes whose inputs carry their choice's attributes (``data-customers``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type = "MultiCheckboxField"  # rendered by the same form macro

    def __iter__(self) -> Iterator[Any]:
        for option in super().__iter__():
            option.render_kw = {**(option.render_kw or {}), **option.choice.render_kw}
            yield option


def _today() -> date:
    return datetime.now(UTC).date()


class SessionForm(FlaskForm):
    """A listening session. Every statement in its log becomes scored feedback."""

    customer_id = SelectField(
        "Customer",
        coerce=optional_id,
        validate_choice=False,  # validate_customer_id says why a choice is refused
        validators=[InputRequired(message="Choose the customer you met.")],
    )
    title = StringField(
        "Title",
        validators=[DataRequired(), Length(max=200)],
        filters=[strip],
        description="e.g. “Q3 service review” or “Backup restore walkthrough”.",
    )
    held_on = DateField(
        "Date",
        validators=[InputRequired(message="Enter the date the session took place.")],
    )
    channel = SelectField(
        "Channel",
        choices=[SelectChoice(c.value, c.label) for c in Channel],
        default=Channel.QBR.value,
    )
    facilitator_id = SelectField(
        "Facilitator",
        coerce=optional_id,
        validate_choice=False,
        description="Who led the session for us.",
    )
    agreement_ids = MarkedCheckboxes(
        "SLAs discussed",
        coerce=int,
        validate_choice=False,
        description="A statement is filed under the SLA whose clauses cover what it "
        "talks about; otherwise under the only (or first) SLA ticked here.",
    )
    attendees = TextAreaField(
        "Attendees",
        validators=[Length(max=ATTENDEES_MAX)],
        description="One per line, e.g. “Dana Whitfield, CIO”.",
    )
    notes = TextAreaField(
        "Notes",
        validators=[Length(max=TEXT_MAX)],
        description="What the customer said. Each line and each sentence becomes a "
        "statement that is scored and tagged; bullets (“-”, “•”, “1.”) are fine.",
    )
    asks = TextAreaField(
        "The customer's asks",
        validators=[Length(max=TEXT_MAX)],
        description="What they asked us for, one per line.",
    )
    commitments = TextAreaField(
        "Our commitments",
        validators=[Length(max=TEXT_MAX)],
        description="What we promised, one per line.",
    )
    submit = SubmitField("Save session")

    def __init__(
        self,
        *args: Any,
        user: User,
        session: ListeningSession | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.session = session
        self.customers = service.editable_customers(user)
        if session is not None and session.customer not in self.customers:
            self.customers.append(session.customer)
        self.customer_id.choices = [SelectChoice("", "Choose a customer")] + [
            SelectChoice(c.id, c.display_name) for c in self.customers
        ]
        self.candidates = service.candidate_agreements(self.customers)
        kept = (session.customer_id, list(session.agreements)) if session else None
        self.agreement_ids.choices = agreement_choices(self.candidates, kept)
        self.staff = service.active_staff()
        former = session.facilitator if session is not None else None
        if former is not None and former.id not in {u.id for u in self.staff}:
            self.staff.append(former)  # an inactive facilitator stays on show
        self.facilitator_id.choices = [SelectChoice("", "(none)")] + [
            SelectChoice(u.id, u.name or u.email) for u in self.staff
        ]

    def customer(self) -> Customer | None:
        """The chosen customer, if it is one the user may log sessions for."""
        chosen = self.customer_id.data
        return next((c for c in self.customers if c.id == chosen), None)

    def validate_customer_id(self, field: SelectField) -> None:
        if field.data is not None and self.customer() is None:
            raise ValidationError("Choose one of the customers listed.")

    def validate_held_on(self, field: DateField) -> None:
        if field.data and field.data > _today():
            raise ValidationError(
                "Log a session once it has taken place: the date is in the future."
            )

    def validate_facilitator_id(self, field: SelectField) -> None:
        customer = self.customer()
        if field.data is None or customer is None:
            return
        user = next((u for u in self.staff if u.id == field.data), None)
        if user is None:
            raise ValidationError("Choose one of the staff listed.")
        if not service.staff_who_see(customer, [user]):
            raise ValidationError(
                f"{user.name or user.email} cannot see {customer.display_name}; "
                "choose someone who looks after this customer."
            )

    def validate_agreement_ids(self, field: MarkedCheckboxes) -> None:
        customer = self.customer()
        if customer is None:
            return
        allowed = {a.id for a in self.candidates.get(customer.id, [])}
        if self.session is not None and self.session.customer_id == customer.id:
            allowed |= {a.id for a in self.session.agreements}
        if set(field.data or []) - allowed:
            raise ValidationError(
                f"Tick only SLAs of {customer.display_name}, its departments or "
                "its account."
            )

    def agreements(self) -> list[Agreement]:
        """The ticked SLAs (after validation), by name."""
        ids = set(self.agreement_ids.data or [])
        if not ids:
            return []
        stmt = select(Agreement).where(Agreement.id.in_(ids))
        return list(db.session.scalars(stmt.order_by(Agreement.name, Agreement.id)))

    def values(self) -> dict[str, Any]:
        """The session's own fields as entered (customer and SLAs aside)."""
        facilitator = (
            db.session.get(User, self.facilitator_id.data)
            if self.facilitator_id.data is not None
            else None
        )
        return {
            "title": self.title.data,
            "held_on": self.held_on.data,
            "channel": Channel(self.channel.data),
            "facilitator": facilitator,
            "attendees": (self.attendees.data or "").strip(),
            "notes": (self.notes.data or "").strip(),
            "asks": (self.asks.data or "").strip(),
            "commitments": (self.commitments.data or "").strip(),
        }


class SessionFilterForm(Form):
    """The list's filters, read from the query string; each value must be offered."""

    customer = SelectField("Customer", coerce=strict_int, default=None)
    agreement = SelectField("SLA", coerce=strict_int, default=None)
    date_from = DateField("From", name="from", validators=[Optional()])
    date_to = DateField("To", name="to", validators=[Optional()])
    channel = SelectField("Channel", default="")

    def __init__(
        self, formdata: Any, customers: list[Customer], agreements: list[Agreement]
    ) -> None:
        super().__init__(formdata)
        self.customer.choices = [SelectChoice("", "All customers")] + [
            SelectChoice(str(c.id), c.display_name) for c in customers
        ]
        self.agreement.choices = [SelectChoice("", "All SLAs")] + [
            SelectChoice(str(a.id), a.name) for a in agreements
        ]
        self.channel.choices = [SelectChoice("", "Any channel")] + [
            SelectChoice(c.value, c.label) for c in Channel
        ]

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

    def filters(self) -> service.SessionFilters:
        """The valid filters as values."""
        return service.SessionFilters(
            customer_id=self.customer.data,
            agreement_id=self.agreement.data,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            channel=Channel(self.channel.data) if self.channel.data else None,
        )

    def query_args(self) -> dict[str, str]:
        """The filters in effect, as query-string arguments for pager links."""
        args = {
            "customer": self.customer.data,
            "agreement": self.agreement.data,
            "from": self.date_from.data,
            "to": self.date_to.data,
            "channel": self.channel.data,
        }
        return {k: str(v) for k, v in args.items() if v not in (None, "")}
