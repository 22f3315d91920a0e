"""Forms of the renegotiation workbench: a change per clause, a new clause, recording.

The forms check what they can alone (a target typed for tighten/relax, a reason for a
drop, a target in the measure's range); the service checks again against the clauses
as they stand when the renegotiation is recorded.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from engage.agreements.forms import TargetField, finite
from engage.extensions import db
from engage.models import (
    Agreement,
    Aspect,
    Direction,
    DomainError,
    Measure,
    Objective,
    ProposalAction,
)
from engage.renegotiation import proposing, rules

DIRECTIONS = [
    SelectChoice(Direction.AT_LEAST.value, "At least (>=): higher is better"),
    SelectChoice(Direction.AT_MOST.value, "At most (<=): lower is better"),
]


class ChangeForm(FlaskForm):
    """Tighten, relax or drop one clause in force (prefixed with the clause id)."""

    action = RadioField(
        "Proposal",
        coerce=ProposalAction,
        choices=[
            SelectChoice(ProposalAction.TIGHTEN.value, "Tighten"),
            SelectChoice(ProposalAction.RELAX.value, "Relax"),
            SelectChoice(ProposalAction.DROP.value, "Drop"),
        ],
        validators=[InputRequired(message="Choose tighten, relax or drop.")],
    )
    target = TargetField(
        "New target",
        validators=[Optional(), finite],
        description="For tighten and relax.",
    )
    reason = TextAreaField(
        "Reason",
        validators=[Length(max=2000)],
        description="What the customer needs; required to drop a clause.",
    )
    submit = SubmitField("Propose")

    def __init__(self, *args: Any, objective: Objective, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"clause-{objective.id}")
        super().__init__(*args, **kwargs)
        self.objective = objective

    def validate_target(self, field: TargetField) -> None:
        action = self.action.data
        if action in (ProposalAction.TIGHTEN, ProposalAction.RELAX):
            if field.data is None:
                raise ValidationError(f"Enter the new target to {action.value} it to.")
            try:
                rules.check_change(
                    action,
                    self.objective.direction,
                    self.objective.target,
                    field.data,
                    self.objective.measure or Measure.METRIC,
                )
            except DomainError as error:
                raise ValidationError(str(error)) from None

    def validate_reason(self, field: TextAreaField) -> None:
        if self.action.data is ProposalAction.DROP and not (field.data or "").strip():
            raise ValidationError("Say why the clause is dropped.")


class AdditionForm(FlaskForm):
    """A new clause: a perception target by default, or a measured metric."""

    aspect = SelectField("Aspect", coerce=int, description="What the clause is about.")
    measure = SelectField(
        "Judged on",
        coerce=Measure,
        choices=[
            SelectChoice(Measure.HAPPINESS.value, "Happiness (NPS, -100 to 100)"),
            SelectChoice(Measure.CSAT.value, "CSAT (% satisfied, 0 to 100)"),
            SelectChoice(Measure.SENTIMENT.value, "Mean sentiment (-1 to 1)"),
            SelectChoice(Measure.METRIC.value, "A measured metric"),
        ],
        default=Measure.HAPPINESS.value,
        description="Perception targets are judged each month from feedback.",
    )
    direction = RadioField(
        "Direction",
        coerce=Direction,
        choices=DIRECTIONS,
        default=Direction.AT_LEAST.value,
        validators=[InputRequired()],
    )
    target = TargetField("Target", validators=[InputRequired(), finite])
    metric = StringField(
        "Name",
        validators=[Length(max=120)],
        description="Required for a measured metric; otherwise e.g. “Happiness "
        "(service desk)” is used.",
    )
    unit = StringField(
        "Unit", validators=[Length(max=30)], description="Measured metrics only."
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            InputRequired(message="Say what the customer needs."),
            Length(max=2000),
        ],
    )
    submit = SubmitField("Propose clause")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)
        aspects = db.session.scalars(
            select(Aspect)
            .where(Aspect.active.is_(True))
            .order_by(Aspect.position, Aspect.name)
        ).all()
        self.aspect.choices = [SelectChoice(str(a.id), a.name) for a in aspects]

    def validate_target(self, field: TargetField) -> None:
        if field.data is not None and self.measure.data is not None:
            try:
                rules.check_range(self.measure.data, field.data)
            except DomainError as error:
                raise ValidationError(str(error)) from None

    def validate_metric(self, field: StringField) -> None:
        if self.measure.data is Measure.METRIC and not (field.data or "").strip():
            raise ValidationError("Name the metric of a measured clause.")

    def new_clause(self) -> proposing.NewClause:
        aspect = db.session.get(Aspect, self.aspect.data)
        assert aspect is not None  # pre_validate limited it to the listed aspects
        assert self.target.data is not None
        return proposing.NewClause(
            aspect=aspect,
            measure=self.measure.data,
            direction=self.direction.data,
            target=self.target.data,
            metric=self.metric.data or "",
            unit=self.unit.data or "",
        )


class RecordForm(FlaskForm):
    effective_from = DateField(
        "In force from",
        validators=[InputRequired(message="Enter the date the new version applies.")],
        default=date.today,
        description="A past date marks the trend from that month.",
    )
    note = TextAreaField(
        "Why",
        validators=[
            InputRequired(message="Say why the SLA changes."),
            Length(max=2000),
        ],
        description="The change note: what the customer needs, in a sentence or two.",
    )
    submit = SubmitField("Record renegotiation")

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "record")
        super().__init__(*args, **kwargs)
        self.agreement = agreement

    def validate_effective_from(self, field: DateField) -> None:
        last = self.agreement.versions[-1] if self.agreement.versions else None
        if last is not None and field.data and field.data < last.effective_from:
            raise ValidationError(
                f"Choose {last.effective_from.isoformat()} (when version "
                f"{last.number} took effect) or later."
            )
