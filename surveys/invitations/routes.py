"""Staff survey pages: inviting contacts and following their invitations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from engage import audit, jobs
from engage.auth.access import (
    agreement_or_404,
    agreements_query,
    can_edit_agreement,
    require,
    visible_customer_ids,
)
from engage.extensions import db
from engage.models import (
    Agreement,
    Contact,
    DomainError,
    Invitation,
    Survey,
    User,
    utcnow,
)
from surveys.invitations import service
from surveys.invitations.csv import CsvFileError, match_contacts, parse_contacts_csv
from surveys.invitations.forms import AgreementPickForm, ContactsForm, UploadForm
from surveys.invitations.tasks import send_invitations
from surveys.staff import bp

#: Rows shown on the invitations page and in an error report.
LIST_LIMIT = 500


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


def _survey_or_404(survey_id: int) -> Survey:
    return db.session.get(Survey, survey_id) or abort(404)


def _invitable_agreements() -> list[Agreement]:
    """Agreements the user may see that can be surveyed now."""
    stmt = agreements_query(current_user).where(
        Agreement.level.in_(service.INVITABLE_LEVELS),
        Agreement.status.in_(service.INVITABLE_STATUSES),
    )
    return list(db.session.scalars(stmt))


def _chosen_agreement() -> Agreement | None:
    """The agreement named by ``?agreement=``: 404 if the user may not see it."""
    raw = request.args.get("agreement", "")
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    return agreement_or_404(int(raw))


def _contact_label(contact: Contact, recent: Mapping[int, object]) -> str:
    label = f"{contact.name} <{contact.email}>"
    if contact.id in recent:
        label += " (surveyed recently: will be skipped)"
    return label


def _created(
    survey: Survey,
    agreement: Agreement,
    result: service.InviteResult,
    source: str,
    notes: Sequence[str] = (),
) -> Response:
    """Audit and commit the invitations, queue the mail, and go to the list."""
    count = len(result.created)
    audit.record(
        _me(),
        "invitation.create",
        survey,
        f"Invited {count} contacts to {survey.title} about {agreement.name}",
        agreement_id=agreement.id,
        created=count,
        skipped=len(result.skipped),
        source=source,
    )
    ids = [i.id for i in result.created]
    db.session.commit()
    if ids:
        # After COMMIT, and before this session opens another transaction: the job
        # reads the rows by id in its own session (on SQLite, a writer of its own).
        jobs.submit(send_invitations, ids)
    noun = "invitation" if count == 1 else "invitations"
    flash(f"{count} {noun} created; sending in the background.", "success")
    notes = [
        *notes,
        *(f"Skipped {s.contact.email}: {s.reason}." for s in result.skipped),
    ]
    for note in notes[:20]:
        flash(note, "info")
    if len(notes) > 20:
        flash(f"… and {len(notes) - 20} more skipped.", "info")
    return redirect(url_for("staff_surveys.invitations", survey_id=survey.id), 303)


@bp.route("/<int:survey_id>/invite", methods=["GET", "POST"])
def invite(survey_id: int) -> Response | str | tuple[str, int]:
    """Choose an agreement, then invite ticked contacts or a CSV of emails."""
    survey = _survey_or_404(survey_id)
    agreement = _chosen_agreement()
    if request.method == "POST":
        if agreement is None:
            abort(400)
        require(can_edit_agreement(current_user, agreement))
    pick = AgreementPickForm(request.args, agreements=_invitable_agreements())
    context: dict[str, object] = {"survey": survey, "pick": pick, "agreement": None}
    status = 200
    if agreement is not None:
        pick.agreement.data = agreement.id
        context.update(_agreement_context(survey, agreement))
        if request.method == "POST" and context["problem"] is None:
            done = _handle_post(survey, agreement, context)
            if isinstance(done, Response):
                return done
            status = done
    return render_template("surveys/invitations/invite.html", **context), status


def _agreement_context(survey: Survey, agreement: Agreement) -> dict[str, object]:
    """The contact list and both forms for one agreement."""
    now = utcnow()
    candidates = service.candidate_contacts(agreement)
    active = [c for c in candidates if c.active]
    recent = service.last_invited((c.id for c in active), service.recent_cutoff(now))
    problem = None
    try:
        service.check_invitable(survey, agreement)
    except DomainError as error:
        problem = str(error)
    can_invite = can_edit_agreement(current_user, agreement) and problem is None
    choices = [(c.id, _contact_label(c, recent)) for c in active]
    return {
        "agreement": agreement,
        "problem": problem,
        "can_invite": can_invite,
        "inactive": len(candidates) - len(active),
        "contacts_form": ContactsForm(choices=choices),
        "upload_form": UploadForm(),
        "min_days": current_app.config["SURVEY_CONTACT_MIN_DAYS"],
        "report_limit": LIST_LIMIT,
        "parsed": None,
    }


def _handle_post(
    survey: Survey, agreement: Agreement, context: dict[str, object]
) -> Response | int:
    """Invite from whichever form was sent; a status code means: show the page."""
    contacts_form = context["contacts_form"]
    upload_form = context["upload_form"]
    assert isinstance(contacts_form, ContactsForm)
    assert isinstance(upload_form, UploadForm)
    now = utcnow()
    if upload_form.submit.data:
        if not upload_form.validate_on_submit():
            return 422
        try:
            parsed = parse_contacts_csv(upload_form.file.data.read())
        except CsvFileError as error:
            upload_form.file.errors = [str(error)]
            return 422
        candidates = service.candidate_contacts(agreement)
        recent = service.last_invited(
            (c.id for c in candidates), service.recent_cutoff(now)
        )
        days = int(current_app.config["SURVEY_CONTACT_MIN_DAYS"])
        match_contacts(parsed, candidates, recent, days)
        context["parsed"] = parsed
        if (parsed.errors and not upload_form.skip_invalid.data) or not parsed.contacts:
            return 422
        contacts = parsed.contacts
        source = "csv"
        notes = [f"Row {e.row} skipped: {e.message}." for e in parsed.errors]
    else:
        if not contacts_form.validate_on_submit():
            return 422
        ids = contacts_form.contacts.data or []
        contacts = list(db.session.scalars(select(Contact).where(Contact.id.in_(ids))))
        source = "picked"
        notes = []
    try:
        result = service.invite(survey, agreement, contacts, by=_me(), now=now)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return 409
    return _created(survey, agreement, result, source, notes)


@bp.get("/<int:survey_id>/invitations")
def invitations(survey_id: int) -> str:
    """Who was invited to the survey and where each invitation stands."""
    survey = _survey_or_404(survey_id)
    stmt = (
        select(Invitation)
        .join(Invitation.agreement)
        .where(Invitation.survey_id == survey.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    ids = visible_customer_ids(current_user)
    if ids is not None:
        stmt = stmt.where(Agreement.customer_id.in_(ids))
    rows = list(db.session.scalars(stmt.limit(LIST_LIMIT + 1)))
    return render_template(
        "surveys/invitations/list.html",
        survey=survey,
        rows=rows[:LIST_LIMIT],
        more=len(rows) > LIST_LIMIT,
        now=utcnow(),
        can_invite=current_user.can_edit,
    )
