"""``flask engage import-feedback FILE.csv``: external comments from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from engage.auth.forms import normalise_email
from engage.extensions import db
from engage.imports import service
from engage.imports.feedback_csv import MAX_BYTES, CsvFileError
from engage.models import Role, User, utcnow

#: Exit statuses, as documented in ``--help``.
EXIT_ROWS_REJECTED = 1
EXIT_NOTHING_READ = 2


class NothingRead(click.ClickException):
    """The file (or an option) could not be used at all; nothing was imported."""

    exit_code = EXIT_NOTHING_READ


def _importer(email: str | None) -> User | None:
    """The active staff member ``--as`` names, who must be allowed to import."""
    if email is None:
        return None
    user: User | None = db.session.scalar(
        select(User).where(User.email == normalise_email(email))
    )
    if user is None or not user.active:
        raise NothingRead(f"No active staff account has the email {email}.")
    if user.role is Role.VIEWER:
        raise NothingRead(f"{user.email} is a viewer; viewers cannot import feedback.")
    return user


@click.command("import-feedback")
@click.argument("file", type=click.Path(dir_okay=False, readable=True, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Check every row and report; store nothing."
)
@click.option(
    "--as",
    "as_email",
    metavar="EMAIL",
    help="Import as this staff member: audited under their name and, for a manager, "
    "limited to their customers. Without it the command is trusted with every customer.",
)
@with_appcontext
def import_feedback(file: Path, dry_run: bool, as_email: str | None) -> None:
    """Import external comments (e.g. ticket-closure comments) from a CSV file.

    Columns: customer, agreement, date, text and optionally score (a CSAT rating
    from 1 to 5). Valid rows are imported and bad ones listed with their line number;
    rows imported before (from this file or another) are skipped, so the same file can
    be imported again after fixing the bad rows.

    Exit status: 0 every row was fine; 1 some rows were rejected (the others were
    imported, unless --dry-run); 2 nothing was read (no such file, too large, not
    UTF-8, no header, unknown --as).
    """
    user = _importer(as_email)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise NothingRead(f"Cannot read {file}: {error.strerror}.") from None
    try:
        parsed = service.read_csv(data, user, utcnow().date())
    except CsvFileError as error:
        raise NothingRead(f"{file.name}: {error}") from None
    with click.progressbar(
        length=parsed.total,
        label="Checking" if dry_run else "Scoring and storing",
        file=sys.stderr,  # stdout carries the summary
        show_pos=True,
    ) as bar:
        report = service.import_rows(parsed, dry_run=dry_run, progress=bar.update)
    if not dry_run:
        service.record_import(report, user, file.name)
        db.session.commit()
    for problem in report.errors:
        click.echo(f"{file.name}: line {problem.row}: {problem.message}", err=True)
    click.echo(_summary(file.name, report))
    if report.errors:
        click.get_current_context().exit(EXIT_ROWS_REJECTED)


def _summary(name: str, report: service.ImportReport) -> str:
    verb = "would be imported" if report.dry_run else "imported"
    lines = [
        f"{name}: {report.total} rows read"
        + (" (dry run: nothing was stored)" if report.dry_run else ""),
        f"  {report.imported} {verb} ({report.scores} with a CSAT score)",
        f"  {report.skipped} already present, skipped",
        f"  {len(report.errors)} rejected"
        + (" (see the lines above)" if report.errors else ""),
    ]
    if report.ignored_columns:
        lines.append(f"  columns not read: {', '.join(report.ignored_columns)}")
    return "\n".join(lines)
