"""The admin area's API keys page: create a key (shown once), list keys, revoke one.

Admins only; managers and viewers get 403, as everywhere in the admin area.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from engage.admin.forms import MultiCheckboxField
from engage.api import keys
from engage.auth.access import role_required, staff_only
from engage.extensions import db
from engage.models import ApiKey, Role, User

bp = Blueprint("api_keys", __name__, url_prefix="/staff/admin/api-keys")
staff_only(bp)
admin_only = role_required(Role.ADMIN)


def _no_nul(form: FlaskForm, field: StringField) -> None:
    if "\x00" in (field.data or ""):
        raise ValidationError("Remove the NUL character (\\0) from this text.")


class ApiKeyForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired(message="Name the integration."),
            Length(max=120),
            _no_nul,
        ],
        description="Which integration calls with this key, e.g. 'Zabbix monitoring'.",
    )
    scopes = MultiCheckboxField(
        "Scopes",
        choices=[
            SelectChoice(s.value, label) for s, label in keys.SCOPE_LABELS.items()
        ],
        validators=[DataRequired(message="Choose at least one scope.")],
        description="Give a key only what its integration needs.",
    )
    submit = SubmitField("Create key")


def _actor() -> User:
    user: User = current_user._get_current_object()
    return user


@bp.get("")
@admin_only
def index() -> str:
    """Every key: name, prefix, scopes, when created and last used, status."""
    return render_template(
        "engage/api/keys.html", keys=keys.list_keys(), labels=keys.SCOPE_LABELS
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new() -> str:
    """Create a key; the page that answers is the only place it is ever shown."""
    form = ApiKeyForm()
    if form.validate_on_submit():
        key, plain = keys.create_key(
            form.name.data or "", form.scopes.data or [], _actor()
        )
        db.session.commit()
        # Rendered, not redirected: the key must not travel in a URL or the session.
        return render_template("engage/api/key_created.html", key=key, plain=plain)
    return render_template("engage/api/key_new.html", form=form)


@bp.post("/<int:key_id>/revoke")
@admin_only
def revoke(key_id: int) -> Response:
    """Revoke a key at once; calls with it get 401 from then on."""
    key = db.session.get(ApiKey, key_id) if key_id < 2**31 else None
    if key is None:
        abort(404)
    if keys.revoke_key(key, _actor()):
        db.session.commit()
        flash(f"Revoked the API key '{key.name}' ({key.prefix}…).", "success")
    else:
        flash(f"The API key '{key.name}' was revoked already.", "info")
    return redirect(url_for("api_keys.index"), code=303)
