"""Builder routes for questions: add, edit, delete and reorder.

In a draft the current version changes in place; once the survey has been opened each
change goes into a new version (``service``), and the flash says so.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, render_template
from werkzeug.wrappers import Response

from engage import audit
from engage.extensions import db
from engage.models import Question, Survey
from surveys.builder import service
from surveys.builder.forms import KIND_LABELS, QuestionForm, question_formdata
from surveys.builder.routes import (
    builders,
    flash_version,
    me,
    survey_or_404,
    to_editor,
)
from surveys.staff import bp


def _question_or_404(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    return question


def _stale(question: Question) -> Response | None:
    """A redirect with a notice if ``question`` belongs to an earlier, frozen version."""
    survey = question.version.survey
    if question.version_id == survey.current.id:
        return None
    flash(
        f"That question belongs to version {question.version.number}, which is frozen. "
        f"Here is the current version {survey.current.number}.",
        "error",
    )
    return to_editor(survey)


def _details(question: Question, edit: service.Edit) -> dict[str, Any]:
    return {
        "survey_id": question.version.survey_id,
        "version": question.version.number,
        "new_version": edit.new_version is not None,
        "kind": question.kind,
        "prompt": question.prompt,
        "required": question.required,
        "options": question.options,
        "aspect_id": question.aspect_id,
        "objective_id": question.objective_id,
    }


def _page(form: QuestionForm, survey: Survey, title: str) -> str:
    return render_template(
        "surveys/builder/question_form.html",
        form=form,
        survey=survey,
        title=title,
        frozen=service.is_frozen(survey),
        kind_labels=KIND_LABELS,
    )


@bp.route("/<int:survey_id>/questions/new", methods=["GET", "POST"])
@builders
def question_create(survey_id: int) -> Response | str:
    """Add a question at the end of the survey."""
    survey = survey_or_404(survey_id)
    form = QuestionForm(user=me())
    if form.validate_on_submit():
        edit = service.add_question(survey, form.question_data())
        assert edit.question is not None
        audit.record(
            me(),
            "question.create",
            edit.question,
            f"Added question “{edit.question.prompt}” to survey {survey.title}",
            **_details(edit.question, edit),
        )
        db.session.commit()
        flash("Added the question.", "success")
        flash_version(edit.new_version)
        return to_editor(survey)
    return _page(form, survey, "New question")


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@builders
def question_edit(question_id: int) -> Response | str:
    """Change a question of the current version."""
    question = _question_or_404(question_id)
    if refused := _stale(question):
        return refused
    survey = question.version.survey
    form = QuestionForm(user=me(), question=question, data=question_formdata(question))
    if form.validate_on_submit():
        edit = service.update_question(question, form.question_data())
        assert edit.question is not None
        audit.record(
            me(),
            "question.update",
            edit.question,
            f"Changed question “{edit.question.prompt}” of survey {survey.title}",
            previous_question_id=question.id,
            **_details(edit.question, edit),
        )
        db.session.commit()
        flash("Saved the question.", "success")
        flash_version(edit.new_version)
        return to_editor(survey)
    return _page(form, survey, "Edit question")


@bp.post("/questions/<int:question_id>/delete")
@builders
def question_delete(question_id: int) -> Response:
    """Remove a question from the current version."""
    question = _question_or_404(question_id)
    if refused := _stale(question):
        return refused
    survey = question.version.survey
    audit.record(
        me(),
        "question.delete",
        question,
        f"Deleted question “{question.prompt}” from survey {survey.title}",
        survey_id=survey.id,
        version=question.version.number,
        prompt=question.prompt,
    )
    edit = service.delete_question(question)
    db.session.commit()
    flash("Deleted the question.", "success")
    flash_version(edit.new_version)
    return to_editor(survey)


@bp.post("/questions/<int:question_id>/move/<any(up, down):direction>")
@builders
def question_move(question_id: int, direction: service.MoveDirection) -> Response:
    """Move a question one place up or down."""
    question = _question_or_404(question_id)
    if refused := _stale(question):
        return refused
    survey = question.version.survey
    if not service.can_move(question, direction):
        flash(f"The question is already {'first' if direction == 'up' else 'last'}.")
        return to_editor(survey)
    edit = service.move_question(question, direction)
    assert edit.question is not None
    audit.record(
        me(),
        "question.move",
        edit.question,
        f"Moved question “{edit.question.prompt}” {direction} in survey {survey.title}",
        direction=direction,
        position=edit.question.position,
        **{k: v for k, v in _details(edit.question, edit).items() if k != "options"},
    )
    db.session.commit()
    flash_version(edit.new_version)
    return to_editor(survey)
