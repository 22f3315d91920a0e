"""The customer's survey page, reached from a one-time link. No login.

Every link that cannot be answered (unknown, malformed, expired, closed survey) gets
the same neutral 404 page, and such guesses count against a per-IP limit (429).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from engage.database import reading_first
from engage.extensions import csrf, db, limiter
from engage.feedback import score_comment
from engage.models import (
    Invitation,
    Question,
    Survey,
    SurveyStatus,
    SurveyVersion,
    utcnow,
)
from surveys.links import hash_token, looks_like_token
from surveys.respond.form import answers_from, make_response_form
from surveys.respond.service import record_response

bp = Blueprint("surveys", __name__)

RETRY_AFTER_SECONDS = 30
CSRF_MESSAGE = (
    "This page was open for a long time, so we could not accept it safely. "
    "Your answers are still here: please check them and send them again."
)
UNAVAILABLE_MESSAGE = (
    "We could not save your answers just now. They are still here: "
    "please try again in a moment."
)


def _guess_limit() -> str:
    return str(current_app.config["SURVEY_LINK_GUESS_LIMIT"])


def _was_guess(response: WerkzeugResponse) -> bool:
    return response.status_code == 404


#: Unknown links from one IP, counted across the form and the thank-you page.
guess_limit = limiter.shared_limit(
    _guess_limit, scope="survey-link-guess", deduct_when=_was_guess
)


def neutral_page() -> tuple[str, int]:
    """The one answer for every link that cannot be used: same body, same length."""
    return render_template("surveys/respond/invalid.html"), 404


def _notice(title: str, message: str, code: int) -> tuple[str, int]:
    return render_template(
        "surveys/respond/notice.html", title=title, message=message
    ), code


def _unavailable() -> tuple[str, int, dict[str, str]]:
    page, code = _notice("Please try again shortly", UNAVAILABLE_MESSAGE, 503)
    return page, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def find_invitation(token: str) -> Invitation | None:
    """The invitation of a well-formed, known token, whatever its state."""
    if not looks_like_token(token):
        return None
    # Everything the page and the submission touch, in four queries instead of dozens.
    return db.session.scalars(
        select(Invitation)
        .where(Invitation.token_hash == hash_token(token))
        .options(
            joinedload(Invitation.agreement),
            joinedload(Invitation.response),
            joinedload(Invitation.survey)
            .selectinload(Survey.versions)
            .selectinload(SurveyVersion.questions)
            .joinedload(Question.objective),
        )
    ).one_or_none()


def _answerable(invitation: Invitation) -> bool:
    return (
        invitation.survey.status is SurveyStatus.OPEN
        and invitation.expires_at > utcnow()
    )


def _record_open(invitation_id: int) -> None:
    """Note the first opening in its own short write; a failure here is harmless."""
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(Invitation)
                .where(Invitation.id == invitation_id, Invitation.opened_at.is_(None))
                .values(opened_at=utcnow())
            )
    except DBAPIError:
        current_app.logger.warning("could not record opening of %s", invitation_id)


def _posted_version(survey: Survey) -> SurveyVersion:
    """The version the respondent saw, if it belongs to this survey; else the current."""
    raw = request.form.get("version_id", "")
    for version in survey.versions:
        if raw.isdigit() and version.id == int(raw):
            return version
    return survey.current


def _render_form(
    survey: Survey, version: SurveyVersion, form: FlaskForm, **notices: Any
) -> str:
    questions = version.questions
    errors = [
        (f"q{q.id}", q.prompt, form[f"q{q.id}"].errors[0])
        for q in questions
        if form[f"q{q.id}"].errors
    ]
    return render_template(
        "surveys/respond/respond.html",
        survey=survey,
        version=version,
        form=form,
        errors=errors,
        required_count=sum(1 for q in questions if q.required),
        question_count=len(questions),
        **notices,
    )


# -- The form -----------------------------------------------------------------


@bp.route("/s/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so a failure can keep the answers
@guess_limit
def respond(token: str) -> ResponseReturnValue:
    """Show the survey of a link, or store its one response."""
    try:
        with reading_first():
            invitation = find_invitation(token)
            answered = invitation is not None and invitation.response is not None
    except DBAPIError:
        db.session.rollback()
        return _unavailable()
    if invitation is None:
        return neutral_page()
    if answered:
        return redirect(url_for(".thanks", token=token), 303)
    if not _answerable(invitation):
        return neutral_page()
    survey = invitation.survey
    text_max = int(current_app.config["SURVEY_TEXT_MAX"])
    if request.method != "POST":
        if invitation.opened_at is None and request.method == "GET":
            _record_open(invitation.id)
        version = survey.current
        form = make_response_form(version, text_max=text_max)
        return _render_form(survey, version, form)

    version = _posted_version(survey)
    form = make_response_form(version, text_max=text_max, formdata=request.form)
    if not form.validate():
        csrf_field = getattr(form, "csrf_token", None)
        if csrf_field is not None and csrf_field.errors:
            return _render_form(survey, version, form, csrf_message=CSRF_MESSAGE), 400
        return _render_form(survey, version, form), 422
    values = answers_from(form, version)
    for value in values.values():
        if isinstance(value, str):
            score_comment(value)  # score now, outside the write lock
    try:
        _end_read_transaction()
        response = record_response(invitation, version, values, utcnow())
        if response is None:
            db.session.rollback()  # answered meanwhile: nothing more is stored
        else:
            db.session.commit()
    except DBAPIError:
        db.session.rollback()
        current_app.logger.warning("survey response not stored", exc_info=True)
        page = _render_form(survey, version, form, unavailable=UNAVAILABLE_MESSAGE)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    # Only now, after COMMIT returned, is the respondent told it worked.
    return redirect(url_for(".thanks", token=token), 303)


def _end_read_transaction() -> None:
    """Close the lookup's read transaction, keeping the loaded objects as they are."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


@bp.route("/s/<token>/thanks")
@guess_limit
def thanks(token: str) -> ResponseReturnValue:
    """The thank-you page of a link that has its response."""
    try:
        invitation = find_invitation(token)
        if invitation is None or invitation.response is None:
            return neutral_page()
    except DBAPIError:
        db.session.rollback()
        return _unavailable()
    return render_template("surveys/respond/thanks.html", survey=invitation.survey)


# -- Errors on respondent pages: neutral, no staff links --------------------------


@bp.errorhandler(413)
@bp.errorhandler(429)
def _public_error(error: HTTPException) -> ResponseReturnValue:
    """Too large or too many attempts, in the respondent's layout."""
    if error.code == 413:
        return _notice(
            "Too much text",
            "What you sent is larger than we accept. Please shorten your answers.",
            413,
        )
    return _notice("Slow down", "Too many attempts. Wait a minute and try again.", 429)
