"""Forms of the agreements area: agreements, lifecycle steps and clauses."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    FloatField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from engage.agreements.service import Placement
from engage.auth.access import agreements_query, customers_query
from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    Aspect,
    Customer,
    Direction,
    DomainError,
    Level,
    Objective,
    Service,
    User,
)
from engage.sla.tree import check_placement

NONE_CHOICE = SelectChoice("", "(none)")


def optional_id(value: Any) -> int | None:
    """Select values: ``""`` means none; anything else must be a whole number."""
    if value is None or value == "":
        return None
    return int(value)


def _level_label(level: Level) -> str:
    return level.value.capitalize()


class AgreementForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    level = SelectField(
        "Level",
        coerce=Level,
        validators=[InputRequired()],
        description="Corporate applies to every customer; customer to one account or "
        "department; service to one service delivered to that customer.",
    )
    parent = SelectField(
        "Parent agreement",
        coerce=optional_id,
        description="A customer SLA may hang under a corporate one; a service SLA "
        "hangs under its customer's SLA. A child inherits its parent's clauses.",
    )
    customer = SelectField("Customer", coerce=optional_id)
    service = SelectField("Service", coerce=optional_id)
    owner = SelectField(
        "Owner", coerce=optional_id, description="Who answers for this SLA."
    )
    description = TextAreaField("Description", validators=[Length(max=5000)])
    submit = SubmitField("Save")

    def __init__(
        self, *args: Any, user: User, agreement: Agreement | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.placement: Placement | None = None
        #: Level, parent, customer and service can change only while a draft.
        self.locked = (
            agreement is not None and agreement.status is not AgreementStatus.DRAFT
        )
        users = db.session.scalars(
            select(User).where(User.active.is_(True)).order_by(User.name, User.email)
        )
        self.owner.choices = [NONE_CHOICE] + [
            SelectChoice(str(u.id), f"{u.name} ({u.email})" if u.name else u.email)
            for u in users
        ]
        if self.locked:
            for name in ("level", "parent", "customer", "service"):
                delattr(self, name)
            return
        levels = list(Level) if user.is_admin else [Level.CUSTOMER, Level.SERVICE]
        self.level.choices = [
            SelectChoice(lvl.value, _level_label(lvl)) for lvl in levels
        ]
        parents = db.session.scalars(
            agreements_query(user).where(
                Agreement.level != Level.SERVICE,
                Agreement.status != AgreementStatus.RETIRED,
            )
        )
        self.parent.choices = [NONE_CHOICE] + [
            SelectChoice(str(a.id), a.name, optgroup=f"{_level_label(a.level)} SLAs")
            for a in sorted(parents, key=lambda a: (a.level != Level.CORPORATE, a.name))
            if agreement is None or a.id != agreement.id
        ]
        self.customer.choices = [NONE_CHOICE] + [
            SelectChoice(str(c.id), c.display_name)
            for c in db.session.scalars(customers_query(user))
        ]
        self.service.choices = [NONE_CHOICE] + [
            SelectChoice(str(s.id), s.name)
            for s in db.session.scalars(select(Service).order_by(Service.name))
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the tree shape (``check_placement``) as a form error."""
        if not super().validate(extra_validators):
            return False
        if self.locked:
            return True
        level = Level(self.level.data)
        parent = (
            db.session.get(Agreement, self.parent.data) if self.parent.data else None
        )
        customer = (
            db.session.get(Customer, self.customer.data) if self.customer.data else None
        )
        if customer is None and level is Level.SERVICE and parent is not None:
            # The customer of a service SLA is its parent's: no need to pick it twice.
            customer = parent.customer
        service = (
            db.session.get(Service, self.service.data) if self.service.data else None
        )
        try:
            check_placement(level, parent, customer, service)
        except DomainError as error:
            self.form_errors.append(str(error))
            return False
        self.placement = Placement(level, parent, customer, service)
        return True

    def owner_user(self) -> User | None:
        return db.session.get(User, self.owner.data) if self.owner.data else None


class PublishForm(FlaskForm):
    effective_from = DateField(
        "In force from", validators=[InputRequired()], default=date.today
    )
    note = TextAreaField(
        "Change note",
        validators=[Length(max=2000)],
        description="What changed and why; required for every version after the first.",
    )
    submit = SubmitField("Publish")

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement

    def validate_effective_from(self, field: DateField) -> None:
        last = self.agreement.versions[-1] if self.agreement.versions else None
        if last is not None and field.data and field.data < last.effective_from:
            raise ValidationError(
                f"Choose {last.effective_from.isoformat()} (when version "
                f"{last.number} took effect) or later."
            )

    def validate_note(self, field: TextAreaField) -> None:
        if self.agreement.versions and not (field.data or "").strip():
            raise ValidationError("Say what changed in this version.")


class RetireForm(FlaskForm):
    effective_to = DateField(
        "Retire on", validators=[InputRequired()], default=date.today
    )
    note = TextAreaField("Reason", validators=[Length(max=2000)])
    submit = SubmitField("Retire")


def finite(form: Any, field: FloatField) -> None:
    """Reject NaN and infinity, which ``float()`` accepts."""
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError("Enter an ordinary number.")


class TargetField(FloatField):
    """A float shown as typed: ``30`` rather than ``30.0``."""

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        return str(int(self.data)) if float(self.data).is_integer() else str(self.data)


class ObjectiveForm(FlaskForm):
    aspect = SelectField("Aspect", coerce=int)
    metric = StringField(
        "Metric",
        validators=[DataRequired(), Length(max=120)],
        description="What is measured, e.g. “Monthly availability”.",
    )
    target = TargetField("Target", validators=[InputRequired(), finite])
    unit = StringField(
        "Unit",
        validators=[Length(max=30)],
        description="For example %, hours, minutes.",
    )
    direction = RadioField(
        "Direction",
        coerce=Direction,
        choices=[
            SelectChoice(Direction.AT_LEAST.value, "At least (>=): higher is better"),
            SelectChoice(Direction.AT_MOST.value, "At most (<=): lower is better"),
        ],
        default=Direction.AT_LEAST.value,
        validators=[InputRequired()],
    )
    description = TextAreaField("Description", validators=[Length(max=2000)])
    submit = SubmitField("Save clause")

    def __init__(
        self, *args: Any, objective: Objective | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        aspects = db.session.scalars(
            select(Aspect).order_by(Aspect.position, Aspect.name)
        ).all()
        # An aspect retired from the list stays selectable for clauses that use it.
        keep = objective.aspect_id if objective is not None else None
        self.aspect.choices = [
            SelectChoice(str(a.id), a.name) for a in aspects if a.active or a.id == keep
        ]

    def aspect_object(self) -> Aspect:
        aspect = db.session.get(Aspect, self.aspect.data)
        assert aspect is not None  # pre_validate limited it to the listed aspects
        return aspect
