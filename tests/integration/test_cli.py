"""``flask engage create-user`` and ``flask engage seed-aspects``."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, func, select

from engage.extensions import db
from engage.models import Aspect, AuditEvent, Role, User
from engage.sla.aspects import DEFAULT_ASPECTS
from tests.factories import login

PASSWORD = "a strong cli passphrase"


def _user(app: Flask, email: str) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_create_user_from_environment(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    result = runner.invoke(
        args=[
            "engage",
            "create-user",
            "--email",
            " Ops.Admin@Example.TEST ",
            "--role",
            "admin",
            "--name",
            "Ops",
        ],
        env={"ENGAGE_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    assert "Created admin ops.admin@example.test." in result.output
    user = _user(app, "ops.admin@example.test")
    assert user is not None
    assert (user.role, user.name, user.active) == (Role.ADMIN, "Ops", True)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in result.output
    assert login(client, "ops.admin@example.test", PASSWORD).status_code == 303
    assert client.get("/staff/admin/users").status_code == 200


def test_create_user_writes_audit_row(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["engage", "create-user", "--email", "a@example.test"],
        env={"ENGAGE_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "a@example.test"))
        event = db.session.scalars(select(AuditEvent)).one()
        assert user is not None
        assert user.role is Role.MANAGER  # the default role
        assert (event.action, event.target_type) == ("user.create", "user")
        assert event.target_id == user.id
        assert event.actor_id is None
        assert PASSWORD not in event.summary + str(event.details)


def test_create_user_with_prompt_and_confirmation(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    result = runner.invoke(
        args=["engage", "create-user", "--email", "prompted@example.test"],
        # None removes ENGAGE_PASSWORD, in case the shell running the tests has it.
        env={"ENGAGE_PASSWORD": None},
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output  # the prompt hides the input
    assert login(client, "prompted@example.test", PASSWORD).status_code == 303


def test_prompt_mismatch_creates_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["engage", "create-user", "--email", "typo@example.test"],
        env={"ENGAGE_PASSWORD": None},
        input=f"{PASSWORD}\n{PASSWORD}x\n",
    )
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert _user(app, "typo@example.test") is None


def test_duplicate_email_fails(app: Flask, runner: FlaskCliRunner) -> None:
    env = {"ENGAGE_PASSWORD": PASSWORD}
    args = ["engage", "create-user", "--email", "dup@example.test"]
    assert runner.invoke(args=args, env=env).exit_code == 0
    again = runner.invoke(
        args=["engage", "create-user", "--email", "DUP@example.test "], env=env
    )
    assert again.exit_code != 0
    assert "already exists" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


@pytest.mark.parametrize("password", ["short", "eleven char", "x" * 257])
def test_bad_password_length_refused(
    app: Flask, runner: FlaskCliRunner, password: str
) -> None:
    result = runner.invoke(
        args=["engage", "create-user", "--email", "weak@example.test"],
        env={"ENGAGE_PASSWORD": password},
    )
    assert result.exit_code != 0
    assert "between 12 and 256 characters" in result.output
    assert _user(app, "weak@example.test") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--email", "r@example.test", "--role", "superuser"],
            "Invalid value for '--role'",
        ),
        (
            ["--email", "r@example.test", "--role", "ADMIN"],
            "Invalid value for '--role'",
        ),
        (["--email", "not-an-email"], "not an email address"),
        ([], "Missing option '--email'"),
    ],
)
def test_bad_options_refused(
    app: Flask, runner: FlaskCliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(
        args=["engage", "create-user", *args], env={"ENGAGE_PASSWORD": PASSWORD}
    )
    assert result.exit_code == 2
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_seed_aspects_adds_only_missing_defaults(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        db.session.execute(delete(Aspect).where(Aspect.name.in_(["Cost", "Security"])))
        renamed = db.session.scalars(
            select(Aspect).where(Aspect.name == "Reporting")
        ).one()
        renamed.description = "Edited by staff."
        db.session.commit()

    result = runner.invoke(args=["engage", "seed-aspects"])
    assert result.exit_code == 0, result.output
    assert "Added 2 aspects." in result.output
    with app.app_context():
        names = set(db.session.scalars(select(Aspect.name)))
        assert names == {name for name, _ in DEFAULT_ASPECTS}
        reporting = db.session.scalars(select(Aspect).where(Aspect.name == "Reporting"))
        assert reporting.one().description == "Edited by staff."  # left alone

    again = runner.invoke(args=["engage", "seed-aspects"])
    assert again.exit_code == 0
    assert "Added 0 aspects." in again.output
