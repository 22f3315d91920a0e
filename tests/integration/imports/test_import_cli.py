"""``flask engage import-feedback``: progress on stderr, summary, exit status."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.integration.imports.helpers import (
    DAY,
    GOOD,
    HEADER,
    Ids,
    audit_events,
    imported,
)

BAD = GOOD + f"Initech,Acme SLA,{DAY},Who?,\n" + f"Acme,Acme SLA,{DAY},Too good,9\n"


def run(runner: FlaskCliRunner, *args: str) -> Result:
    return runner.invoke(args=["engage", "import-feedback", *args])


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "tickets.csv"
    path.write_text(GOOD)
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(BAD)
    return path


def test_import_prints_progress_and_summary(
    app: Flask, runner: FlaskCliRunner, world: Ids, good_file: Path
) -> None:
    result = run(runner, str(good_file))
    assert result.exit_code == 0, result.output
    assert "Scoring and storing" in result.stderr
    assert "Scoring and storing" not in result.stdout
    assert result.stdout.splitlines() == [
        "tickets.csv: 3 rows read",
        "  3 imported (2 with a CSAT score)",
        "  0 already present, skipped",
        "  0 rejected",
    ]
    assert len(imported(app)) == 5
    [event] = audit_events(app)
    assert (event.action, event.actor_email) == ("feedback.import", "")
    assert event.details["filename"] == "tickets.csv"
    # The same file again: nothing is added, and that is not an error.
    again = run(runner, str(good_file))
    assert again.exit_code == 0
    assert "  0 imported (0 with a CSAT score)" in again.stdout
    assert "  3 already present, skipped" in again.stdout
    assert len(imported(app)) == 5


def test_rejected_rows_exit_1_after_importing_the_rest(
    app: Flask, runner: FlaskCliRunner, world: Ids, bad_file: Path
) -> None:
    result = run(runner, str(bad_file))
    assert result.exit_code == 1
    assert "bad.csv: line 5: unknown customer 'Initech'" in result.stderr
    assert "bad.csv: line 6: the score 9 is not a CSAT score from 1 to 5" in (
        result.stderr
    )
    assert "  2 rejected (see the lines above)" in result.stdout
    assert "  3 imported" in result.stdout
    assert len(imported(app)) == 5


def test_dry_run_stores_nothing(
    app: Flask, runner: FlaskCliRunner, world: Ids, bad_file: Path, good_file: Path
) -> None:
    result = run(runner, "--dry-run", str(bad_file))
    assert result.exit_code == 1
    assert "Checking" in result.stderr
    assert "bad.csv: 5 rows read (dry run: nothing was stored)" in result.stdout
    assert "  3 would be imported (2 with a CSAT score)" in result.stdout
    assert imported(app) == []
    assert audit_events(app) == []
    assert run(runner, "--dry-run", str(good_file)).exit_code == 0
    assert imported(app) == []


def test_as_a_manager_limits_the_customers(
    app: Flask, runner: FlaskCliRunner, world: Ids, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        HEADER + f"Acme,Acme SLA,{DAY},Ours,\n" + f"Globex,Globex SLA,{DAY},Theirs,\n"
    )
    result = run(runner, "--as", " Manager@Example.test ", str(path))
    assert result.exit_code == 1
    assert "line 3: unknown customer 'Globex'" in result.stderr
    assert [r.text for r in imported(app)] == ["Ours"]
    [event] = audit_events(app)
    assert event.actor_email == "manager@example.test"
    # Without --as the command is trusted with every customer.
    assert run(runner, str(path)).exit_code == 0
    assert [r.text for r in imported(app)] == ["Ours", "Theirs"]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("viewer@example.test", "viewers cannot import feedback"),
        ("nobody@example.test", "No active staff account has the email"),
    ],
)
def test_as_must_name_someone_who_may_import(
    app: Flask,
    runner: FlaskCliRunner,
    world: Ids,
    good_file: Path,
    email: str,
    message: str,
) -> None:
    result = run(runner, "--as", email, str(good_file))
    assert result.exit_code == 2
    assert message in result.stderr
    assert imported(app) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER.encode() + b"x" * (1024 * 1024), "larger than 1 MiB"),
        ("customer;date\n".encode("cp1252"), "Missing: agreement, text"),
        (
            "customer,agreement,date,text\nAcme,Acme SLA,2025-01-01,Très\n".encode(
                "cp1252"
            ),
            "not UTF-8 text (line 2",
        ),
        (b"", "The file is empty."),
    ],
)
def test_unreadable_files_exit_2(
    app: Flask,
    runner: FlaskCliRunner,
    world: Ids,
    tmp_path: Path,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    result = run(runner, str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert imported(app) == []


def test_missing_file_exits_2(
    runner: FlaskCliRunner, world: Ids, tmp_path: Path
) -> None:
    result = run(runner, str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr
