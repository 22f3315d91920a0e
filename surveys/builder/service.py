"""Survey builder operations. They add and flush; the view commits.

A draft survey's questions are edited in place. Once a survey has been opened its
versions are frozen: every question change first copies the current version into a new
one (copy-on-write), so each response keeps the questions it answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engage.extensions import db
from engage.models import (
    Aspect,
    Objective,
    Question,
    QuestionKind,
    Survey,
    SurveyStatus,
    SurveyVersion,
    User,
)

MoveDirection = Literal["up", "down"]


@dataclass(frozen=True)
class SurveyText:
    """The unversioned texts of a survey."""

    title: str
    intro: str
    thank_you: str


@dataclass(frozen=True)
class QuestionData:
    """What the question form gives: everything a question holds but its position."""

    kind: QuestionKind
    prompt: str
    help_text: str
    required: bool
    options: list[str]
    aspect: Aspect | None
    objective: Objective | None


@dataclass(frozen=True)
class Edit:
    """The outcome of a question change.

    :param question: the changed question in the editable version (None after a delete).
    :param new_version: the version created for the change, if the old one was frozen.
    """

    question: Question | None
    new_version: SurveyVersion | None


def create_survey(text: SurveyText, by: User | None) -> Survey:
    """A draft survey with an empty version 1."""
    survey = Survey(
        title=text.title,
        intro=text.intro,
        thank_you=text.thank_you,
        status=SurveyStatus.DRAFT,
        created_by=by,
    )
    survey.versions.append(SurveyVersion(number=1))
    db.session.add(survey)
    db.session.flush()
    return survey


def update_text(survey: Survey, text: SurveyText) -> None:
    """Change title, introduction and thank-you text (not versioned)."""
    survey.title = text.title
    survey.intro = text.intro
    survey.thank_you = text.thank_you
    db.session.flush()


def is_frozen(survey: Survey) -> bool:
    """Whether question changes need a new version (the survey has been opened)."""
    return survey.status is not SurveyStatus.DRAFT


def _copy_current(survey: Survey) -> SurveyVersion:
    """A new version holding copies of the current version's questions, in order."""
    old = survey.current
    new = SurveyVersion(number=old.number + 1)
    for position, q in enumerate(old.questions):
        new.questions.append(
            Question(
                position=position,
                kind=q.kind,
                prompt=q.prompt,
                help_text=q.help_text,
                required=q.required,
                options=list(q.options or []),
                aspect_id=q.aspect_id,
                objective_id=q.objective_id,
            )
        )
    survey.versions.append(new)
    db.session.flush()
    return new


def _writable(question: Question) -> tuple[Question, SurveyVersion | None]:
    """``question`` itself in a draft, else its copy in a new version."""
    survey = question.version.survey
    if not is_frozen(survey):
        return question, None
    index = question.version.questions.index(question)
    new = _copy_current(survey)
    return new.questions[index], new


def _apply(question: Question, data: QuestionData) -> None:
    question.kind = data.kind
    question.prompt = data.prompt
    question.help_text = data.help_text
    question.required = data.required
    question.options = list(data.options) if data.kind.has_options else []
    question.objective = data.objective
    # A tie to an objective implies its aspect.
    question.aspect = data.objective.aspect if data.objective else data.aspect


def _renumber(version: SurveyVersion) -> None:
    version.questions.sort(key=lambda q: q.position)
    for position, q in enumerate(version.questions):
        q.position = position


def add_question(survey: Survey, data: QuestionData) -> Edit:
    """Append a question to the survey's editable version."""
    new_version = _copy_current(survey) if is_frozen(survey) else None
    version = survey.current
    question = Question(position=len(version.questions))
    _apply(question, data)
    version.questions.append(question)
    db.session.flush()
    return Edit(question, new_version)


def update_question(question: Question, data: QuestionData) -> Edit:
    """Change a question of the current version (in a copy once frozen)."""
    target, new_version = _writable(question)
    _apply(target, data)
    db.session.flush()
    return Edit(target, new_version)


def delete_question(question: Question) -> Edit:
    """Remove a question of the current version (from a copy once frozen)."""
    target, new_version = _writable(question)
    version = target.version
    version.questions.remove(target)  # delete-orphan cascade removes the row
    _renumber(version)
    db.session.flush()
    return Edit(None, new_version)


def can_move(question: Question, direction: MoveDirection) -> bool:
    """Whether ``question`` has a neighbour in ``direction``."""
    questions = question.version.questions
    index = questions.index(question)
    return index > 0 if direction == "up" else index < len(questions) - 1


def move_question(question: Question, direction: MoveDirection) -> Edit:
    """Swap a question with its neighbour above or below.

    :raise ValueError: if there is no neighbour that way (check :func:`can_move`).
    """
    if not can_move(question, direction):
        raise ValueError(f"question {question.id} cannot move {direction}")
    target, new_version = _writable(question)
    version = target.version
    _renumber(version)
    index = version.questions.index(target)
    other = version.questions[index - 1 if direction == "up" else index + 1]
    target.position, other.position = other.position, target.position
    _renumber(version)
    db.session.flush()
    return Edit(target, new_version)
