"""``flask surveys ...``: invitations and reminders from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from engage import audit
from engage.extensions import db
from engage.models import Agreement, Contact, DomainError, Survey, utcnow
from surveys.invitations import service, tasks

surveys_cli = AppGroup("surveys", help="Survey invitations and reminders.")


def _contacts(
    agreement: Agreement, emails: tuple[str, ...], everyone: bool
) -> list[Contact]:
    """The contacts named by ``emails`` (or all active ones); unknown ones abort."""
    candidates = service.candidate_contacts(agreement)
    if everyone:
        return [c for c in candidates if c.active]
    by_email = {c.email.lower(): c for c in candidates}
    wanted = [e.strip().lower() for e in emails]
    if unknown := [e for e in wanted if e not in by_email]:
        raise click.ClickException(
            "Not contacts of this agreement's customer: " + ", ".join(unknown)
        )
    return [by_email[e] for e in wanted]


@surveys_cli.command("invite")
@click.option("--survey", "survey_id", type=int, required=True, help="Survey id.")
@click.option(
    "--agreement", "agreement_id", type=int, required=True, help="Agreement id."
)
@click.option("--contact", "emails", multiple=True, help="A contact's email (repeat).")
@click.option("--all-contacts", is_flag=True, help="Every active contact.")
@click.option(
    "--print-links", is_flag=True, help="Print email<TAB>link per invitation."
)
@click.option("--no-send", is_flag=True, help="Create the invitations, mail nothing.")
def invite_command(
    survey_id: int,
    agreement_id: int,
    emails: tuple[str, ...],
    all_contacts: bool,
    print_links: bool,
    no_send: bool,
) -> None:
    """Invite contacts of an agreement's customer to an open survey."""
    if bool(emails) == all_contacts:
        raise click.UsageError("Give --contact EMAIL (repeatable) or --all-contacts.")
    survey = db.session.get(Survey, survey_id)
    agreement = db.session.get(Agreement, agreement_id)
    if survey is None or agreement is None:
        raise click.ClickException("No such survey or agreement.")
    contacts = _contacts(agreement, emails, all_contacts)
    try:
        result = service.invite(survey, agreement, contacts, by=None, now=utcnow())
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    audit.record(
        None,
        "invitation.create",
        survey,
        f"Invited {len(result.created)} contacts to {survey.title} about "
        f"{agreement.name} from the command line",
        agreement_id=agreement.id,
        created=len(result.created),
        skipped=len(result.skipped),
        source="cli",
    )
    db.session.commit()
    click.echo(
        f"{len(result.created)} invitations created, {len(result.skipped)} skipped."
    )
    for skipped in result.skipped:
        click.echo(f"skipped {skipped.contact.email}: {skipped.reason}", err=True)
    if print_links:
        for invitation in result.created:
            click.echo(f"{invitation.contact.email}\t{service.link_for(invitation)}")
    if not no_send and result.created:
        counts = tasks.send_invitations([i.id for i in result.created])
        click.echo(f"{counts.sent} sent, {counts.failed} failed.")


@surveys_cli.command("send-invitations")
@click.option("--survey", "survey_id", type=int, help="Only this survey.")
def send_invitations_command(survey_id: int | None) -> None:
    """Mail every invitation not sent yet (after an SMTP failure or --no-send)."""
    counts = tasks.send_unsent(survey_id)
    click.echo(f"{counts.sent} sent, {counts.failed} failed, {counts.skipped} skipped.")


@surveys_cli.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="Count who is due; send nothing.")
def send_reminders_command(dry_run: bool) -> None:
    """Remind contacts who have not answered (REMINDER_MAX, REMINDER_QUIET_DAYS)."""
    counts = tasks.send_reminders(utcnow(), dry_run=dry_run)
    if dry_run:
        click.echo(f"{counts.due} reminders due (dry run, nothing sent).")
        return
    click.echo(f"{counts.due} due, {counts.sent} sent, {counts.failed} failed.")
