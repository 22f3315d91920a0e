"""Storing a response exactly once, with its answers and scored feedback rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from engage.extensions import db
from engage.feedback import feedback_for_answer
from engage.models import Answer, Invitation, QuestionKind, Response, SurveyVersion

Value = float | list[str] | str | None


def _claim(invitation: Invitation, version: SurveyVersion, at: datetime) -> int | None:
    """Insert the one response row of ``invitation``; None if it already exists.

    ``ON CONFLICT (invitation_id) DO NOTHING`` is atomic on both databases, so two
    simultaneous submissions cannot both win (SECURITY.md lesson 3, L1).
    """
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = Response.__table__
    statement = (
        dialect.insert(table)
        .values(invitation_id=invitation.id, version_id=version.id, submitted_at=at)
        .on_conflict_do_nothing(index_elements=[table.c.invitation_id])
        .returning(table.c.id)
    )
    new_id: int | None = db.session.execute(statement).scalar_one_or_none()
    return new_id


def _answer(kind: QuestionKind, value: Value) -> Answer | None:
    """The answer row for one value, or None for a blank."""
    if value is None or value == "" or value == []:
        return None
    if kind is QuestionKind.TEXT:
        return Answer(text=str(value))
    if kind.has_options:
        # A single choice is stored like a multiple one: a list of the chosen options.
        chosen = value if isinstance(value, list) else [value]
        return Answer(choices=[str(v) for v in chosen])
    if isinstance(value, list | str):
        raise ValueError(f"a {kind.value} answer must be a number: {value!r}")
    return Answer(number=float(value))


def record_response(
    invitation: Invitation,
    version: SurveyVersion,
    values: Mapping[int, Value],
    submitted_at: datetime,
) -> Response | None:
    """Store the response to ``invitation`` in the caller's transaction; flush only.

    Claims the invitation first, then adds one ``Answer`` per answered question of
    ``version`` and, for scores and text, its ``Feedback`` row scored on arrival.

    :param values: answers by question id (``answers_from``); missing or blank
        questions get no answer row.
    :return: the new response, or None when the invitation was already answered
        (then nothing is added).
    """
    response_id = _claim(invitation, version, submitted_at)
    if response_id is None:
        return None
    response = db.session.get(Response, response_id)
    assert response is not None
    response.invitation = invitation
    for question in version.questions:
        answer = _answer(question.kind, values.get(question.id))
        if answer is None:
            continue
        answer.question = question
        answer.response = response
        db.session.add(answer)
        feedback = feedback_for_answer(
            answer, question, invitation.agreement, submitted_at
        )
        if feedback is not None:
            db.session.add(feedback)
    invitation.responded_at = submitted_at
    db.session.flush()
    return response
