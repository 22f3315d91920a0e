"""Forms of the sharing area: a share link, and a monthly report schedule."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from engage.sharing.service import DEFAULT_DAYS, MAX_DAYS, PERIOD_CHOICES

#: Recipients of one schedule: a monthly mail is not a mailing list.
MAX_RECIPIENTS = 20
# Not email-validator: it refuses reserved domains (.test, .local) that self-hosted
# directories use. What matters here is one address per line that is safe in a header.
_EMAIL = re.compile(
    r"^[^@\s,;<>\"'()\[\]\\]{1,64}@[^@\s,;<>\"'()\[\]\\]+\.[^@\s.,;<>]+$"
)


def _strip(value: str | None) -> str:
    return (value or "").strip()


def parse_recipients(text: str) -> list[str]:
    """The addresses of ``text``, one per line, lower-cased and without repeats.

    :raise ValueError: a line is not an address, or there are too many or none.
    """
    seen: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        address = raw.strip().lower()
        if not address:
            continue
        if len(address) > 254 or not _EMAIL.match(address):
            raise ValueError(f"Line {number} is not an email address.")
        if address not in seen:
            seen.append(address)
    if not seen:
        raise ValueError("Enter at least one email address.")
    if len(seen) > MAX_RECIPIENTS:
        raise ValueError(f"At most {MAX_RECIPIENTS} recipients per schedule.")
    return seen


class ShareLinkForm(FlaskForm):
    """A read-only link to a report, for someone at the customer."""

    label = StringField(
        "Who it is for",
        validators=[Length(max=200)],
        filters=[_strip],
        description="Only staff see this, e.g. “QBR pack for Dana Whitfield”.",
    )
    days = IntegerField(
        "Valid for (days)",
        default=DEFAULT_DAYS,
        validators=[
            InputRequired(message="Say how many days the link should work."),
            NumberRange(min=1, max=MAX_DAYS, message=f"Between 1 and {MAX_DAYS} days."),
        ],
        description=f"At most {MAX_DAYS} days. You can revoke it earlier.",
    )
    months = SelectField(
        "Period",
        choices=[SelectChoice(m, f"Last {m} months") for m in PERIOD_CHOICES],
        coerce=int,
        default=12,
        description="The report always shows the latest months when it is opened.",
    )
    leave_out_quotes = BooleanField(
        "Leave out free-text quotes",
        description="Themes and figures stay; the customers' own words do not.",
    )
    submit = SubmitField("Create link")


class ScheduleForm(FlaskForm):
    """A monthly report by email for one customer."""

    recipients = TextAreaField(
        "Recipients",
        validators=[InputRequired(message="Enter at least one email address.")],
        description=f"One email address per line, at most {MAX_RECIPIENTS}.",
        render_kw={"rows": 4, "autocomplete": "off"},
    )
    leave_out_quotes = BooleanField(
        "Leave out free-text quotes",
        description="Themes and figures stay; the customers' own words do not.",
    )
    submit = SubmitField("Add schedule")

    def validate_recipients(self, field: Any) -> None:
        try:
            self.addresses = parse_recipients(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error
