"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from engage import audit
from engage.auth import passwords, sessions, throttle
from engage.auth.forms import ChangePasswordForm, LoginForm, normalise_email
from engage.extensions import db, login_manager
from engage.models import User, utcnow

bp = Blueprint("auth", __name__, url_prefix="/staff")

BAD_LOGIN = "Email or password is incorrect."


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    hours = current_app.config["STAFF_SESSION_HOURS"]
    return sessions.load_session_user(token, timedelta(hours=hours))


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to after login, or None (SECURITY.md case 23)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "%2f" in target[:4].lower():
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Sign a member of staff in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("engage/auth/login.html", form=form)

    config = current_app.config
    email = normalise_email(form.email.data)
    now = utcnow()
    window = timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    if throttle.is_throttled(email, now, config["LOGIN_MAX_FAILURES"], window):
        minutes = config["LOGIN_WINDOW_MINUTES"]
        flash(
            f"Too many failed sign-ins for this account. Try again in {minutes} minutes.",
            "error",
        )
        return render_template("engage/auth/login.html", form=form), 429

    user = db.session.scalar(select(User).where(User.email == email))
    password = form.password.data or ""
    if not passwords.verify_password(
        user.password_hash if user else None, password
    ) or (user is not None and not user.active):
        throttle.record_failure(email, now, window)
        db.session.commit()
        flash(BAD_LOGIN, "error")
        return render_template("engage/auth/login.html", form=form)

    assert user is not None
    throttle.clear_failures(email)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    # A fresh session: nothing set before login survives it (session fixation).
    session.clear()
    sessions.start_session(user, request.user_agent.string)
    login_user(user)
    db.session.commit()
    target = safe_next(request.args.get("next"))
    return redirect(target or url_for("home.index"), code=303)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """End this session on the server and in the browser."""
    sessions.end_session(current_user.session_token)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | str:
    """Change one's own password; every other session of the account ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user: User = current_user._get_current_object()
        if not passwords.verify_password(user.password_hash, form.current.data or ""):
            form.current.errors = ["The current password is not right."]
        else:
            user.password_hash = passwords.hash_password(form.new.data or "")
            ended = sessions.end_other_sessions(user, keep_token=user.session_token)
            audit.record(
                user,
                "user.password",
                user,
                "Changed own password",
                ended_sessions=ended,
            )
            db.session.commit()
            flash(
                "Password changed. Your other sessions have been signed out.", "success"
            )
            return redirect(url_for("home.index"), code=303)
    return render_template("engage/auth/password.html", form=form)
