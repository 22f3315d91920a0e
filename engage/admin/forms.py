"""Forms for staff accounts, aspects and the audit log filter."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from typing import Any

from flask import abort
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from engage.admin import service
from engage.admin.keywords import parse_keywords
from engage.auth.forms import normalise_email, strong_password
from engage.auth.passwords import MIN_LENGTH
from engage.models import Aspect, Role, User

ROLE_CHOICES = [
    SelectChoice(
        Role.ADMIN.value, "Admin: everything, including staff accounts and aspects"
    ),
    SelectChoice(Role.MANAGER.value, "Manager: edits only the customers chosen below"),
    SelectChoice(Role.VIEWER.value, "Viewer: reads everything, changes nothing"),
]


def _strip(value: str | None) -> str:
    return (value or "").strip()


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: easier to use than a multi-select box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _EmailField(FlaskForm):
    # Not wtforms' Email(): email_validator refuses reserved domains such as
    # ``.local`` and ``.test``, which self-hosted staff directories do use.
    email = EmailField(
        "Email",
        filters=[normalise_email],
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+$", message="Enter an email address."),
        ],
        description="Their sign-in name.",
        render_kw={"autocomplete": "off"},
    )

    def validate_email(self, field: Any) -> None:
        if service.email_taken(field.data):
            raise ValidationError("A staff account with this email already exists.")


class _AccountFields(FlaskForm):
    name = StringField(
        "Name", filters=[_strip], validators=[DataRequired(), Length(max=120)]
    )
    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        coerce=Role,
        default=Role.MANAGER,
        invalid_value_message="Choose one of the roles.",
    )
    customers = MultiCheckboxField(
        "Customers",
        coerce=int,
        invalid_value_message="Choose customers from the list.",
        invalid_choice_message="Choose customers from the list.",
        description="Only for managers: they see and edit these customers and their "
        "departments. Ignored for admins and viewers, who see every customer.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customers.choices = [
            SelectChoice(str(c.id), c.display_name) for c in service.all_customers()
        ]


class _PasswordFields(FlaskForm):
    password = PasswordField(
        "Password",
        validators=[DataRequired(), strong_password()],
        description=f"At least {MIN_LENGTH} characters; a passphrase is easiest. "
        "Give it to them in person or by phone, not by email.",
        # Browsers must not fill in the admin's own saved password here.
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired(),
            EqualTo("password", message="The two passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class NewUserForm(_EmailField, _AccountFields, _PasswordFields):
    """Fields appear in definition order: email, name, role, customers, password."""

    submit = SubmitField("Create account")


class EditUserForm(_AccountFields):
    active = BooleanField(
        "Active",
        description="Inactive accounts cannot sign in; their sessions end at once.",
    )
    submit = SubmitField("Save changes")

    def __init__(self, *args: Any, user: User, actor: User, **kwargs: Any) -> None:
        current = {
            "name": user.name,
            "role": user.role,
            "customers": [c.id for c in user.customers],
            "active": user.active,
        }
        super().__init__(*args, data=current, **kwargs)
        self.user = user
        self.actor = actor

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            service.check_account_change(
                self.user, self.actor, self.role.data, bool(self.active.data)
            )
        except service.AccountError as error:
            field = self.active if error.field == "active" else self.role
            field.errors = [*field.errors, str(error)]
            return False
        return True


class SetPasswordForm(_PasswordFields):
    submit = SubmitField("Set password")


class AspectForm(FlaskForm):
    name = StringField(
        "Name", filters=[_strip], validators=[DataRequired(), Length(max=80)]
    )
    description = TextAreaField(
        "Description",
        filters=[_strip],
        validators=[Length(max=1000)],
        description="What feedback and clauses about this aspect cover.",
    )
    submit = SubmitField("Save")

    def __init__(self, *args: Any, aspect: Aspect | None = None, **kwargs: Any):
        super().__init__(*args, obj=aspect, **kwargs)
        self.aspect = aspect

    def validate_name(self, field: Any) -> None:
        if service.aspect_name_taken(field.data, self.aspect):
            raise ValidationError("An aspect with this name already exists.")


class KeywordsForm(FlaskForm):
    """An aspect's keyword map entry; ``keywords`` holds the parsed list once valid."""

    text = TextAreaField(
        "Keywords",
        validators=[Length(max=10_000)],
        description="One word or phrase per line. Case and punctuation do not matter; "
        "a word matches whole words only, a phrase its words in that order, and "
        "where keywords overlap the longest phrase wins.",
        render_kw={"rows": 14, "spellcheck": "false"},
    )
    submit = SubmitField("Save keywords")

    def __init__(self, *args: Any, aspect: Aspect, **kwargs: Any) -> None:
        super().__init__(
            *args, data={"text": "\n".join(aspect.keywords or [])}, **kwargs
        )
        self.keywords: list[str] = []

    def validate_text(self, field: Any) -> None:
        self.keywords, errors = parse_keywords(field.data or "")
        if errors:
            raise ValidationError(" ".join(errors))


# --- audit log filter -----------------------------------------------------------

#: The only query parameters the audit log accepts (SECURITY.md case 26).
AUDIT_PARAMETERS = frozenset({"action", "actor", "from", "to", "page"})


def strict_int(value: Any) -> int | None:
    """``"12"`` -> 12, ``""`` -> None; anything else (``1 OR 1=1``, ``1_0``) fails.

    :raise ValueError: not a plain string of ASCII digits.
    """
    if value is None or isinstance(value, int):
        return value
    if value == "":
        return None
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise ValueError("not a whole number")
    return int(value)


def page_or_400(args: Any, allowed: Set[str]) -> int:
    """The ``page`` of a filtered list's query string ``args`` (a MultiDict).

    Unknown parameters and malformed values are refused, never passed on
    (SECURITY.md case 26).

    :raise werkzeug.exceptions.BadRequest: a parameter outside ``allowed`` or a page
        that is not a whole number from 1.
    """
    if not set(args) <= allowed:
        abort(400)
    try:
        page = strict_int(args.get("page", "1"))
    except ValueError:
        abort(400)
    if page is None or page < 1:
        abort(400)
    return page


class AuditFilterForm(Form):
    """Read from the query string; every value must be one the page offers."""

    action = SelectField("Action", default="")
    actor = SelectField("Staff member", coerce=strict_int, default=None)
    date_from = DateField("From", name="from", validators=[Optional()])
    date_to = DateField("To", name="to", validators=[Optional()])

    def __init__(
        self, formdata: Any, actions: Sequence[str], actors: Sequence[User]
    ) -> None:
        super().__init__(formdata)
        # An area (``user``) matches all its actions (``user.create``, ...).
        choices = [SelectChoice("", "Any action")]
        for area in sorted({a.split(".", 1)[0] for a in actions}):
            members = [a for a in actions if a.split(".", 1)[0] == area]
            choices.append(SelectChoice(area, f"Any {area} action", optgroup=area))
            choices += [SelectChoice(a, a, optgroup=area) for a in members if a != area]
        self.action.choices = choices
        self.actor.choices = [SelectChoice("", "Anyone")] + [
            SelectChoice(str(u.id), u.email) for u in actors
        ]

    def validate_date_to(self, field: Any) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")
