"""Forms for entering one measurement and for importing a CSV of them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, Field, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import MonthInput, TextInput

from engage.sla.compliance import parse_period
from engage.sla.measurement_csv import MAX_ROWS
from engage.sla.measurements import NOTE_MAX, Entry, check_period, parse_value
from engage.sla.tree import EffectiveObjective


class NumberField(Field):
    """A finite decimal number; unlike ``FloatField`` it refuses nan, inf and 1_000."""

    widget = TextInput(input_type="text")
    data: float | None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = parse_value(str(valuelist[0]))
            except ValueError as exc:
                raise ValueError(f"{exc}: enter a number such as 99.95.") from None


class PeriodField(Field):
    """A calendar month, ``YYYY-MM``; its data is the first day of the month."""

    widget = MonthInput()
    data: date | None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data:%Y-%m}"

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = parse_period(str(valuelist[0]))
            except ValueError as exc:
                raise ValueError(f"{exc}.") from None


def no_nul(form: FlaskForm, field: Field) -> None:
    """PostgreSQL text cannot hold NUL (SECURITY.md case 5)."""
    if "\x00" in (field.data or ""):
        raise ValidationError("Remove the NUL character (\\0) from this text.")


class ValueForm(FlaskForm):
    """The value of a measurement whose objective and month are fixed."""

    value = NumberField(
        "Value",
        validators=[InputRequired(message="Enter the measured value.")],
        description="A dot for decimals: 99.95",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    note = StringField(
        "Note",
        validators=[Length(max=NOTE_MAX), no_nul],
        description="Optional: where the value comes from, or what explains it.",
    )
    submit = SubmitField("Save measurement")


class MeasurementForm(ValueForm):
    """A measurement of a clause in force for the agreement, for one month."""

    objective_id = SelectField(
        "Objective",
        coerce=int,
        validate_choice=False,  # validate_objective_id says why instead
        validators=[InputRequired(message="Choose an objective.")],
        description="Inherited objectives are measured for this agreement too.",
    )
    period = PeriodField(
        "Month",
        validators=[InputRequired(message="Enter the month, e.g. 2025-03.")],
        description="The month measured, YYYY-MM.",
    )

    def __init__(
        self,
        *args: Any,
        objectives: Sequence[EffectiveObjective],
        today: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.in_force = {e.objective.id: e for e in objectives}
        self.objective_id.choices = [
            (e.objective.id, objective_label(e)) for e in objectives
        ]

    def validate_objective_id(self, field: Field) -> None:
        if field.data not in self.in_force:
            raise ValidationError("Choose an objective in force for this agreement.")

    def validate_period(self, field: Field) -> None:
        if field.data is not None:
            try:
                check_period(field.data, self.today)
            except ValueError as exc:
                raise ValidationError(
                    f"{exc}: measure a month that has begun."
                ) from None

    def entry(self) -> Entry:
        """The checked values, ready to record (call after ``validate``)."""
        assert self.period.data is not None
        assert self.value.data is not None
        return Entry(
            objective=self.in_force[self.objective_id.data].objective,
            period=self.period.data,
            value=self.value.data,
            note=(self.note.data or "").strip(),
        )


def objective_label(effective: EffectiveObjective) -> str:
    """``Availability (>= 99.9 %)``, naming the agreement an inherited clause is from."""
    label = f"{effective.objective.metric} ({effective.objective.target_text})"
    return f"{label}, from {effective.source.name}" if effective.inherited else label


class ImportForm(FlaskForm):
    """A CSV file of measurements and what to do with rows that have problems."""

    file = FileField(
        "CSV file",
        validators=[
            FileRequired(message="Choose a CSV file to import."),
            FileAllowed(["csv"], message="Choose a file ending in .csv."),
        ],
        description=f"UTF-8 text, at most 1 MiB and {MAX_ROWS:,} rows.",
        render_kw={"accept": ".csv,text/csv"},
    )
    skip_invalid = BooleanField(
        "Import the valid rows and skip the others",
        description="Without this, nothing is imported while any row has a problem.",
    )
    submit = SubmitField("Import measurements")
