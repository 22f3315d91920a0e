"""The upload form for a feedback CSV."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SubmitField

from engage.imports.feedback_csv import MAX_ROWS


class FeedbackImportForm(FlaskForm):
    """A CSV file of comments, and whether to only check it."""

    file = FileField(
        "CSV file",
        validators=[
            FileRequired(message="Choose a CSV file to import."),
            FileAllowed(["csv", "txt", "tsv"], message="Choose a file ending in .csv."),
        ],
        description=f"UTF-8 text, at most 1 MiB and {MAX_ROWS:,} rows.",
        render_kw={"accept": ".csv,.tsv,.txt,text/csv"},
    )
    validate_only = BooleanField(
        "Validate only",
        description="Check every row and report what would be imported; store nothing.",
    )
    submit = SubmitField("Import feedback")
