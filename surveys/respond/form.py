"""The response form, built per survey version (indico's ``make_survey_form``).

Every question becomes one field named ``q<question.id>``. The form validates; it never
writes: ``answers_from`` turns a valid form into plain values for ``record_response``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from engage.models import Question, QuestionKind, SurveyVersion

Value = float | list[str] | str | None

#: The words at both ends of each rating scale, shown beside the numbers.
SCALE_ENDS: dict[QuestionKind, tuple[str, str]] = {
    QuestionKind.CSAT: ("Very dissatisfied", "Very satisfied"),
    QuestionKind.HAPPINESS: ("Not at all likely", "Extremely likely"),
    # CES 2.0 direction: higher is easier, like the other two scales.
    QuestionKind.CES: ("Very difficult", "Very easy"),
}
LOST_TIME_MAX = 1000
REQUIRED_MESSAGE = "Please answer this question."
ONE_VALUE_MESSAGE = "Please give one answer only."


def _blank(field: Field) -> bool:
    raw = field.raw_data or []
    return all(not str(value).strip() for value in raw)


class _Answered:
    """Required: a blank answer gets one clear message. Optional: a blank is fine.

    Either way a blank stops the chain and drops other messages ("Not a valid choice.").
    """

    def __init__(self, required: bool) -> None:
        self.required = required
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if not _blank(field):
            return
        field.errors[:] = []
        raise StopValidation(REQUIRED_MESSAGE if self.required else None)


class _Single:
    """Refuse repeated keys where one value is expected (``q1=3&q1=4``)."""

    def process_single(self, field: Field, valuelist: Sequence[Any] | None) -> None:
        if valuelist and len(valuelist) > 1:
            raise ValueError(ONE_VALUE_MESSAGE)


class ScaleField(_Single, RadioField):
    """A rating scale; ``ends`` labels its first and last value (keyed like choices)."""

    ends: dict[str, str]

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Take the one chosen value, refusing several."""
        self.process_single(self, valuelist)
        super().process_formdata(valuelist)


class ChoiceField(_Single, RadioField):
    """A single choice among the question's options."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Take the one chosen option, refusing several."""
        self.process_single(self, valuelist)
        super().process_formdata(valuelist)


class MultiCheckboxField(SelectMultipleField):
    """Several options as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CommentField(_Single, TextAreaField):
    """Free text, at most ``text_max`` characters, no NUL bytes."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Take the one text, refusing several."""
        self.process_single(self, valuelist)
        super().process_formdata(valuelist)


class HoursField(_Single, StringField):
    """Hours as a decimal number 0..1000; a comma is read as a decimal point."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Keep the typed text; ``hours`` is checked by the validator."""
        self.process_single(self, valuelist)
        super().process_formdata(valuelist)


def _text_checks(text_max: int) -> Any:
    def check(form: FlaskForm, field: Field) -> None:
        if field.process_errors:
            return
        text = field.data or ""
        if "\x00" in text:
            raise ValidationError("Please remove the invisible NUL characters.")
        if len(text) > text_max:
            raise ValidationError(
                f"Please shorten your answer to {text_max:,} characters "
                f"(it has {len(text):,})."
            )

    return check


def parse_hours(text: str) -> float:
    """Hours typed by a person: ``"1.5"``, ``"1,5"``, ``" 2 "``.

    :raise ValueError: not a finite number from 0 to ``LOST_TIME_MAX``.
    """
    cleaned = text.strip().replace(",", ".")
    if len(cleaned) > 20:
        raise ValueError("Please enter a number of hours, like 1.5.")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("Please enter a number of hours, like 1.5.") from None
    if not number.is_finite() or not 0 <= number <= LOST_TIME_MAX:
        raise ValueError(f"Please enter a number of hours from 0 to {LOST_TIME_MAX}.")
    return float(number)


def _hours_check(form: FlaskForm, field: Field) -> None:
    if field.process_errors:
        return
    try:
        parse_hours(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None


def _field_for(question: Question, text_max: int) -> Field:
    kind = question.kind
    kw: dict[str, Any] = {
        "label": question.prompt,
        "description": question.help_text or "",
        "validators": [_Answered(question.required)],
    }
    scale = kind.scale
    if scale is not None:
        low, high = scale
        return ScaleField(
            choices=[SelectChoice(str(v), str(v)) for v in range(low, high + 1)],
            invalid_choice_message="Please choose one of the numbers.",
            **kw,
        )
    if kind is QuestionKind.SINGLE:
        return ChoiceField(
            choices=[SelectChoice(str(o), str(o)) for o in question.options],
            invalid_choice_message="Please choose one of the options.",
            **kw,
        )
    if kind is QuestionKind.MULTIPLE:
        return MultiCheckboxField(
            choices=[SelectChoice(str(o), str(o)) for o in question.options],
            invalid_choice_message="Please choose among the options shown.",
            **kw,
        )
    if kind is QuestionKind.LOST_TIME:
        kw["validators"].append(_hours_check)
        kw["description"] = kw["description"] or "In hours, for example 1.5."
        return HoursField(render_kw={"inputmode": "decimal"}, **kw)
    kw["validators"].append(_text_checks(text_max))
    return CommentField(render_kw={"maxlength": text_max, "rows": 5}, **kw)


def make_response_form(
    version: SurveyVersion, *, text_max: int, formdata: Any = None
) -> FlaskForm:
    """A form with one ``q<id>`` field per question of ``version``.

    :param text_max: the longest free-text answer accepted.
    :param formdata: the posted data; ``None`` lets Flask-WTF take the request's form
        on a POST (and nothing on a GET).
    """

    class ResponseForm(FlaskForm):
        pass

    for question in version.questions:
        setattr(ResponseForm, f"q{question.id}", _field_for(question, text_max))
    form = ResponseForm() if formdata is None else ResponseForm(formdata=formdata)
    for question in version.questions:
        if question.kind.scale is not None:
            low, high = question.kind.scale
            first, last = SCALE_ENDS[question.kind]
            form[f"q{question.id}"].ends = {str(low): first, str(high): last}
    return form


def answers_from(form: FlaskForm, version: SurveyVersion) -> dict[int, Value]:
    """The valid form's answers by question id; blanks are ``None``."""
    values: dict[int, Value] = {}
    for question in version.questions:
        field = form[f"q{question.id}"]
        values[question.id] = None
        if _blank(field):
            continue
        kind = question.kind
        if kind.scale is not None:
            values[question.id] = float(field.data)
        elif kind is QuestionKind.MULTIPLE:
            chosen = set(field.data or [])
            values[question.id] = [str(o) for o in question.options if str(o) in chosen]
        elif kind is QuestionKind.LOST_TIME:
            values[question.id] = parse_hours(field.data)
        else:
            values[question.id] = str(field.data)
    return values
