"""The feedback list's filter, read from the query string."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wtforms import Form, SelectChoice, SelectField
from wtforms.fields import DateField
from wtforms.validators import Optional, ValidationError

from engage.admin.forms import strict_int
from engage.models import Agreement, Aspect, Customer, FeedbackSource

#: The only query parameters the list accepts; anything else is a 400.
PARAMETERS = frozenset(
    {"customer", "agreement", "source", "aspect", "sentiment", "from", "to", "page"}
)

SOURCE_LABELS = {
    FeedbackSource.SURVEY: "Survey",
    FeedbackSource.SESSION: "Listening session",
    FeedbackSource.IMPORT: "Import",
}


class FeedbackFilterForm(Form):
    """Every value must be one the page offers (SECURITY.md case 26)."""

    customer = SelectField("Customer", coerce=strict_int, default=None)
    agreement = SelectField("SLA", coerce=strict_int, default=None)
    source = SelectField(
        "Source",
        default="",
        choices=[SelectChoice("", "Any source")]
        + [SelectChoice(s.value, label) for s, label in SOURCE_LABELS.items()],
    )
    aspect = SelectField("Aspect", coerce=strict_int, default=None)
    sentiment = SelectField(
        "Comment sentiment",
        default="",
        choices=[
            SelectChoice("", "Any"),
            SelectChoice("negative", "Negative (≤ −0.05)"),
            SelectChoice("neutral", "Neutral"),
            SelectChoice("positive", "Positive (≥ +0.05)"),
        ],
    )
    date_from = DateField("From", name="from", validators=[Optional()])
    date_to = DateField("To", name="to", validators=[Optional()])

    def __init__(
        self,
        formdata: Any,
        customers: Sequence[Customer],
        agreements: Sequence[Agreement],
        aspects: Sequence[Aspect],
    ) -> None:
        super().__init__(formdata)
        self.customer.choices = [SelectChoice("", "Any customer")] + [
            SelectChoice(str(c.id), c.display_name) for c in customers
        ]
        self.agreement.choices = [SelectChoice("", "Any SLA")] + [
            SelectChoice(str(a.id), a.name) for a in agreements
        ]
        self.aspect.choices = [SelectChoice("", "Any aspect")] + [
            SelectChoice(str(a.id), a.name) for a in aspects
        ]

    def validate_date_to(self, field: Any) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")
