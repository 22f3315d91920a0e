"""Login and password forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from engage.auth.passwords import MAX_LENGTH, MIN_LENGTH


def normalise_email(value: str | None) -> str:
    """Emails are compared stripped and lower-cased."""
    return (value or "").strip().lower()


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(),
            Length(
                max=MAX_LENGTH,
                message=f"Passwords are at most {MAX_LENGTH} characters.",
            ),
        ],
    )
    submit = SubmitField("Sign in")


def strong_password(min_length: int = MIN_LENGTH) -> Length:
    return Length(
        min=min_length,
        max=MAX_LENGTH,
        message=f"Use between {min_length} and {MAX_LENGTH} characters.",
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    new = PasswordField(
        "New password",
        validators=[DataRequired(), strong_password()],
        description=f"At least {MIN_LENGTH} characters; a passphrase is easiest.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired(),
            EqualTo("new", message="The two passwords differ."),
        ],
    )
    submit = SubmitField("Change password")

    def validate_new(self, field: Any) -> None:
        if field.data == self.current.data:
            raise ValidationError("Choose a password different from the current one.")
