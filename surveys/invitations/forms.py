"""Forms for inviting contacts: pick an agreement, then tick contacts or upload a CSV."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import InputRequired

from engage.admin.forms import MultiCheckboxField
from engage.models import Agreement
from surveys.invitations.csv import MAX_ROWS


class AgreementPickForm(FlaskForm):
    """Which agreement the survey is about (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    agreement = SelectField(
        "Agreement",
        coerce=int,
        validators=[InputRequired(message="Choose an agreement.")],
        description="Active customer or service agreements you may see.",
    )
    submit = SubmitField("Show contacts")

    def __init__(
        self, *args: Any, agreements: Sequence[Agreement], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agreement.choices = [
            (a.id, f"{a.name} · {a.customer.display_name if a.customer else ''}")
            for a in agreements
        ]


class ContactsForm(FlaskForm):
    """The contacts of the agreement's customer to invite."""

    contacts = MultiCheckboxField(
        "Contacts",
        coerce=int,
        validators=[InputRequired(message="Tick at least one contact.")],
        invalid_value_message="Choose contacts from the list.",
        invalid_choice_message="Choose contacts from the list.",
        description="Each gets their own link by email. Contacts surveyed recently "
        "are skipped.",
    )
    submit = SubmitField("Create invitations")

    def __init__(
        self, *args: Any, choices: Sequence[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, prefix="pick", **kwargs)
        self.contacts.choices = list(choices)


class UploadForm(FlaskForm):
    """A CSV of contact emails (``email`` column, optional ``name``)."""

    file = FileField(
        "CSV file",
        validators=[
            FileRequired(message="Choose a CSV file to upload."),
            FileAllowed(["csv"], message="Choose a file ending in .csv."),
        ],
        description=f"UTF-8 text with an email column, at most {MAX_ROWS:,} rows.",
        render_kw={"accept": ".csv,text/csv"},
    )
    skip_invalid = BooleanField(
        "Invite the valid rows and skip the others",
        description="Without this, nobody is invited while any row has a problem.",
    )
    submit = SubmitField("Upload and invite")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="csv", **kwargs)
