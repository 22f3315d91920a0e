"""Forms of the survey builder: the survey's texts and one question."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from engage.agreements.forms import NONE_CHOICE, optional_id
from engage.auth.access import agreements_query
from engage.extensions import db
from engage.models import Agreement, Aspect, Objective, Question, QuestionKind, User
from surveys.builder.service import QuestionData, SurveyText

#: How each kind is named in the builder.
KIND_LABELS: dict[QuestionKind, str] = {
    QuestionKind.CSAT: "Satisfaction, CSAT (1-5)",
    QuestionKind.HAPPINESS: "Happiness (0-10, NPS formula)",
    QuestionKind.CES: "Customer effort, CES (1-7)",
    QuestionKind.SINGLE: "Single choice",
    QuestionKind.MULTIPLE: "Multiple choice",
    QuestionKind.TEXT: "Free text",
    QuestionKind.LOST_TIME: "Lost time (work hours the issue cost)",
}
OPTION_MAX = 200


class SurveyForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField(
        "Introduction",
        validators=[Length(max=5000)],
        description="Shown above the questions.",
    )
    thank_you = TextAreaField(
        "Thank-you text",
        validators=[Length(max=5000)],
        description="Shown after the customer submits their answers.",
    )
    submit = SubmitField("Save")

    def text(self) -> SurveyText:
        return SurveyText(
            title=self.title.data.strip(),
            intro=(self.intro.data or "").strip(),
            thank_you=(self.thank_you.data or "").strip(),
        )


def option_lines(text: str | None) -> list[str]:
    """The non-empty lines of the options box, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(FlaskForm):
    kind = SelectField(
        "Kind",
        coerce=QuestionKind,
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[InputRequired()],
    )
    prompt = StringField("Question", validators=[DataRequired(), Length(max=500)])
    help_text = StringField(
        "Help text",
        validators=[Length(max=500)],
        description="Optional hint shown under the question.",
    )
    required = BooleanField("Required", description="The customer must answer it.")
    options = TextAreaField(
        "Options",
        description="Single and multiple choice only: one option per line, at least "
        "two. Leave empty for every other kind.",
    )
    aspect = SelectField(
        "Aspect",
        coerce=optional_id,
        description="What the question is about (optional).",
    )
    objective = SelectField(
        "SLA objective",
        coerce=optional_id,
        description="Ties the answers to one SLA clause (optional); its aspect is "
        "implied.",
    )
    submit = SubmitField("Save question")

    def __init__(
        self, *args: Any, user: User, question: Question | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # A retired aspect, or an objective this user cannot see, stays selectable for
        # the question that already has it: saving must not silently drop the tie.
        keep_aspect = question.aspect_id if question else None
        keep_objective = question.objective_id if question else None
        aspects = db.session.scalars(
            select(Aspect).order_by(Aspect.position, Aspect.name)
        )
        self.aspect.choices = [NONE_CHOICE] + [
            SelectChoice(str(a.id), a.name)
            for a in aspects
            if a.active or a.id == keep_aspect
        ]
        visible = agreements_query(user).with_only_columns(Agreement.id).order_by(None)
        objectives = db.session.scalars(
            select(Objective)
            .join(Objective.agreement)
            .where(
                Objective.agreement_id.in_(visible) | (Objective.id == keep_objective)
            )
            .order_by(Agreement.name, Objective.position, Objective.id)
        )
        self.objective.choices = [NONE_CHOICE] + [
            SelectChoice(str(o.id), f"{o.agreement.name}: {o.metric}")
            for o in objectives
        ]

    def validate_options(self, field: TextAreaField) -> None:
        lines = option_lines(field.data)
        kind = self.kind.data
        if not isinstance(kind, QuestionKind):
            return  # the kind field reports its own error
        if not kind.has_options:
            if lines:
                raise ValidationError(
                    "Only single and multiple choice questions have options; "
                    "leave this empty."
                )
            return
        if len(lines) < 2:
            raise ValidationError("Give at least two options, one per line.")
        if len(set(lines)) != len(lines):
            raise ValidationError("Each option must be different.")
        if any(len(line) > OPTION_MAX for line in lines):
            raise ValidationError(f"Keep each option under {OPTION_MAX} characters.")

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then: an objective's aspect wins over a different choice."""
        if not super().validate(extra_validators):
            return False
        objective = self.objective_object()
        if objective is not None and self.aspect.data not in (
            None,
            objective.aspect_id,
        ):
            self.aspect.errors = [
                f"The objective is about {objective.aspect.name}: choose that aspect "
                "or none."
            ]
            return False
        return True

    def objective_object(self) -> Objective | None:
        # Call after validation: SelectField refuses ids that are not among the choices.
        if not self.objective.data:
            return None
        return db.session.get(Objective, self.objective.data)

    def question_data(self) -> QuestionData:
        objective = self.objective_object()
        aspect = db.session.get(Aspect, self.aspect.data) if self.aspect.data else None
        return QuestionData(
            kind=self.kind.data,
            prompt=self.prompt.data.strip(),
            help_text=(self.help_text.data or "").strip(),
            required=bool(self.required.data),
            options=option_lines(self.options.data),
            aspect=aspect,
            objective=objective,
        )


def question_formdata(question: Question) -> dict[str, Any]:
    """The form's initial values for an existing question."""
    return {
        "kind": question.kind.value,
        "prompt": question.prompt,
        "help_text": question.help_text,
        "required": question.required,
        "options": "\n".join(question.options or []),
        "aspect": question.aspect_id,
        "objective": question.objective_id,
    }
