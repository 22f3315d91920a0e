"""Survey builder pages: create a survey, its texts, the editor, lifecycle, preview.

Registered on the staff surveys blueprint; question routes are in ``question_routes``.
Admins and managers build surveys; viewers may look at the editor and the preview.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engage import audit
from engage.auth.access import role_required
from engage.extensions import db
from engage.models import DomainError, Role, Survey, User
from surveys.builder import service
from surveys.builder.forms import KIND_LABELS, SurveyForm
from surveys.respond.form import make_response_form
from surveys.staff import bp

builders = role_required(Role.ADMIN, Role.MANAGER)
FROZEN_NOTICE = "responses keep the version they answered."


def me() -> User:
    """The signed-in user as a model object (audit rows need one)."""
    user: User = current_user._get_current_object()
    return user


def survey_or_404(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


def to_editor(survey: Survey) -> Response:
    return redirect(url_for("staff_surveys.edit", survey_id=survey.id), code=303)


def flash_version(new_version: service.SurveyVersion | None) -> None:
    """Tell the user when a change went into a new version."""
    if new_version is not None:
        flash(f"Version {new_version.number} created; {FROZEN_NOTICE}", "info")


def _form_page(form: SurveyForm, title: str, cancel_url: str) -> str:
    return render_template(
        "form_page.html",
        form=form,
        title=title,
        subtitle="Survey",
        submit_label="Save",
        cancel_url=cancel_url,
    )


@bp.route("/new", methods=["GET", "POST"])
@builders
def create() -> Response | str:
    """Start a draft survey: title, introduction and thank-you text."""
    form = SurveyForm()
    if form.validate_on_submit():
        survey = service.create_survey(form.text(), by=me())
        audit.record(me(), "survey.create", survey, f"Created survey {survey.title}")
        db.session.commit()
        flash(f"Created the survey “{survey.title}”. Add its questions.", "success")
        return to_editor(survey)
    return _form_page(form, "New survey", url_for("staff_surveys.index"))


@bp.route("/<int:survey_id>/details", methods=["GET", "POST"])
@builders
def details(survey_id: int) -> Response | str:
    """Change the survey's texts; they are not versioned."""
    survey = survey_or_404(survey_id)
    form = SurveyForm(obj=survey)
    if form.validate_on_submit():
        before = survey.title
        service.update_text(survey, form.text())
        audit.record(
            me(),
            "survey.update",
            survey,
            f"Changed the texts of survey {survey.title}",
            before_title=before,
        )
        db.session.commit()
        flash("Saved the survey's texts.", "success")
        return to_editor(survey)
    return _form_page(
        form, f"Edit “{survey.title}”", url_for(".edit", survey_id=survey.id)
    )


@bp.get("/<int:survey_id>/edit")
def edit(survey_id: int) -> str:
    """The builder: the current version's questions, in order, with their actions."""
    survey = survey_or_404(survey_id)
    return render_template(
        "surveys/builder/edit.html",
        survey=survey,
        version=survey.current,
        questions=survey.current.questions,
        can_edit=current_user.can_edit,
        frozen=service.is_frozen(survey),
        kind_labels=KIND_LABELS,
    )


def _transition(survey_id: int, action: str) -> Response:
    survey = survey_or_404(survey_id)
    try:
        if action == "open":
            survey.open()
        else:
            survey.close()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return to_editor(survey)
    done = "Opened" if action == "open" else "Closed"
    audit.record(
        me(),
        f"survey.{action}",
        survey,
        f"{done} survey {survey.title} (version {survey.current.number})",
        version=survey.current.number,
    )
    db.session.commit()
    flash(f"{done} the survey.", "success")
    return to_editor(survey)


@bp.post("/<int:survey_id>/open", endpoint="open")
@builders
def open_survey(survey_id: int) -> Response:
    """Start accepting responses; from now on question changes make new versions."""
    return _transition(survey_id, "open")


@bp.post("/<int:survey_id>/close", endpoint="close")
@builders
def close_survey(survey_id: int) -> Response:
    """Stop accepting responses."""
    return _transition(survey_id, "close")


@bp.get("/<int:survey_id>/preview")
def preview(survey_id: int) -> str:
    """The current version exactly as the customer sees it; nothing is saved."""
    survey = survey_or_404(survey_id)
    form = make_response_form(
        survey.current, text_max=current_app.config["SURVEY_TEXT_MAX"]
    )
    questions = survey.current.questions
    return render_template(
        "surveys/builder/preview.html",
        survey=survey,
        version=survey.current,
        form=form,
        question_count=len(questions),
        required_count=sum(q.required for q in questions),
    )


import surveys.builder.question_routes  # noqa: E402, F401
