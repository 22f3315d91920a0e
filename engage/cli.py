"""``flask engage ...``: staff accounts, demo data and maintenance."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from engage import audit
from engage.auth.forms import normalise_email
from engage.auth.passwords import MAX_LENGTH, MIN_LENGTH, hash_password
from engage.extensions import db
from engage.models import Role, User
from engage.sla.aspects import ensure_default_aspects

engage_cli = AppGroup("engage", help="Engage administration commands.")


@engage_cli.command("create-user")
@click.option("--email", required=True, help="Login email of the new staff member.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.MANAGER.value,
    show_default=True,
    help="admin, manager or viewer.",
)
@click.option("--name", default="", help="Display name.")
def create_user(email: str, role: str, name: str) -> None:
    """Create a staff account; the password comes from ENGAGE_PASSWORD or a prompt."""
    email = normalise_email(email)
    if "@" not in email:
        raise click.BadParameter("not an email address", param_hint="--email")
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.ClickException(f"A staff account for {email} already exists.")
    password = os.environ.get("ENGAGE_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise click.ClickException(
            f"The password must have between {MIN_LENGTH} and {MAX_LENGTH} characters."
        )
    user = User(
        email=email, name=name, role=Role(role), password_hash=hash_password(password)
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        None, "user.create", user, f"Created {email} ({role}) from the command line"
    )
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@engage_cli.command("seed-aspects")
def seed_aspects() -> None:
    """Add any missing default aspects (availability, response time, ...)."""
    added = ensure_default_aspects()
    db.session.commit()
    click.echo(f"Added {added} aspects.")


@engage_cli.command("seed-demo")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when customers already exist."
)
def seed_demo(if_empty: bool) -> None:
    """Load the deterministic demo: customers, SLAs, 18 months of measurements."""
    from engage.demo import DemoExists, seed

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("The demo is not loaded in production.")
    try:
        result = seed(current_app.instance_path)
    except DemoExists:
        if if_empty:
            click.echo("The database already has data; the demo was not loaded.")
            return
        raise click.ClickException(
            "The database already has data; use an empty database."
        ) from None
    db.session.commit()
    click.echo(result.summary())


@engage_cli.command("rebuild-rollups")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only when there is feedback but no rollup yet (after an upgrade).",
)
def rebuild_rollups(if_empty: bool) -> None:
    """Recompute the daily feedback rollups from the feedback table."""
    from engage import rollups
    from engage.models import Feedback, FeedbackRollup

    if if_empty and (
        db.session.scalar(select(FeedbackRollup.day).limit(1)) is not None
        or db.session.scalar(select(Feedback.id).limit(1)) is None
    ):
        click.echo("Rollups are in place; nothing to rebuild.")
        return
    count = rollups.rebuild(db.session)
    db.session.commit()
    click.echo(f"Rebuilt {count} rollup rows.")
