"""Read-only queries behind the staff results pages.

Every query takes ``customer_ids`` from :func:`engage.auth.access.visible_customer_ids`
(None: every customer) and counts only invitations about those customers' agreements.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from engage.analysis import engine, metrics
from engage.analysis.metrics import Estimate
from engage.extensions import db
from engage.feedback import score_comment
from engage.models import (
    Agreement,
    Answer,
    Feedback,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyVersion,
)

RESPONSES_PER_PAGE = 25
#: Comments in the responses list are cut to this many characters.
COMMENT_CHARS = 120
Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class SurveyRow:
    """One line of the survey list: the survey and its invitation funnel."""

    survey: Survey
    version: int
    sent: int
    opened: int
    answered: int

    @property
    def opened_rate(self) -> float | None:
        """Opened links per sent invitation; None before anything was sent."""
        return self.opened / self.sent if self.sent else None

    @property
    def answered_rate(self) -> float | None:
        """Responses per sent invitation; None before anything was sent."""
        return self.answered / self.sent if self.sent else None


def _scoped(
    stmt: Select[*Ts],
    customer_ids: set[int] | None,
    agreement_id: int | None = None,
) -> Select[*Ts]:
    """Restrict a statement that already joins Invitation to what the user may see."""
    if customer_ids is not None:
        visible = select(Agreement.id).where(Agreement.customer_id.in_(customer_ids))
        stmt = stmt.where(Invitation.agreement_id.in_(visible))
    if agreement_id is not None:
        stmt = stmt.where(Invitation.agreement_id == agreement_id)
    return stmt


def survey_rows(customer_ids: set[int] | None) -> list[SurveyRow]:
    """Every survey with its current version and visible funnel, in one query."""
    counts = _scoped(
        select(
            Invitation.survey_id.label("survey_id"),
            func.count(Invitation.sent_at).label("sent"),
            # A response implies the link was opened, even if the open went unseen.
            func.count(
                func.coalesce(Invitation.opened_at, Invitation.responded_at)
            ).label("opened"),
            func.count(Response.id).label("answered"),
        )
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .group_by(Invitation.survey_id),
        customer_ids,
    ).subquery()
    versions = (
        select(
            SurveyVersion.survey_id.label("survey_id"),
            func.max(SurveyVersion.number).label("number"),
        )
        .group_by(SurveyVersion.survey_id)
        .subquery()
    )
    stmt = (
        select(
            Survey, versions.c.number, counts.c.sent, counts.c.opened, counts.c.answered
        )  # fmt: skip
        .outerjoin(versions, versions.c.survey_id == Survey.id)
        .outerjoin(counts, counts.c.survey_id == Survey.id)
        .order_by(Survey.title, Survey.id)
    )
    return [
        SurveyRow(survey, number or 0, sent or 0, opened or 0, answered or 0)
        for survey, number, sent, opened, answered in db.session.execute(stmt)
    ]


def agreement_choices(survey_id: int, customer_ids: set[int] | None) -> list[Agreement]:
    """The agreements the user may filter this survey's results by."""
    asked = _scoped(
        select(Invitation.agreement_id).where(Invitation.survey_id == survey_id),
        customer_ids,
    )
    return list(
        db.session.scalars(
            select(Agreement).where(Agreement.id.in_(asked)).order_by(Agreement.name)
        )
    )


@dataclass(frozen=True)
class Summary:
    """The survey's figures over the selected responses."""

    csat: Estimate
    nps: Estimate
    ces: Estimate
    lost_time: Estimate
    sentiment: Estimate


_SCORED = (
    QuestionKind.CSAT,
    QuestionKind.HAPPINESS,
    QuestionKind.CES,
    QuestionKind.LOST_TIME,
    QuestionKind.TEXT,
)


def _answers(survey_id: int) -> Select[Any]:
    return (
        select(Answer)
        .join(Question, Answer.question_id == Question.id)
        .join(Response, Answer.response_id == Response.id)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .where(Invitation.survey_id == survey_id)
    )


def summary(
    survey_id: int, customer_ids: set[int] | None, agreement_id: int | None
) -> Summary:
    """CSAT, NPS, CES, lost time and text sentiment, pooled over every version.

    n counts answers: a survey with two CSAT questions contributes two per response.
    """
    stmt = _scoped(
        _answers(survey_id)
        .with_only_columns(Question.kind, Answer.number, Feedback.compound)
        .outerjoin(Feedback, Feedback.answer_id == Answer.id)
        .where(Question.kind.in_(_SCORED)),
        customer_ids,
        agreement_id,
    )
    numbers: dict[QuestionKind, list[float]] = defaultdict(list)
    for kind, number, compound in db.session.execute(stmt):
        value = compound if kind is QuestionKind.TEXT else number
        if value is not None:
            numbers[kind].append(value)
    return Summary(
        csat=metrics.csat(numbers[QuestionKind.CSAT]),
        nps=metrics.nps(numbers[QuestionKind.HAPPINESS]),
        ces=metrics.ces(numbers[QuestionKind.CES]),
        lost_time=metrics.lost_time(numbers[QuestionKind.LOST_TIME]),
        sentiment=metrics.sentiment(numbers[QuestionKind.TEXT]),
    )


@dataclass(frozen=True)
class ResponseRow:
    """One line of the responses list."""

    response: Response
    csat: float | None
    happiness: float | None
    comment: str | None


def shorten(text: str, limit: int = COMMENT_CHARS) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def responses_page(
    survey_id: int, customer_ids: set[int] | None, agreement_id: int | None, page: int
) -> tuple[Pagination, list[ResponseRow]]:
    """One page of responses, newest first, with the first CSAT, NPS and comment."""
    stmt = _scoped(
        select(Response)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .where(Invitation.survey_id == survey_id)
        .options(
            joinedload(Response.invitation).joinedload(Invitation.contact),
            joinedload(Response.invitation)
            .joinedload(Invitation.agreement)
            .joinedload(Agreement.customer),
        )
        .order_by(Response.submitted_at.desc(), Response.id.desc()),
        customer_ids,
        agreement_id,
    )
    pagination = db.paginate(
        stmt, page=page, per_page=RESPONSES_PER_PAGE, error_out=False
    )
    responses: list[Response] = list(pagination.items)
    firsts: dict[tuple[int, QuestionKind], Answer] = {}
    if responses:
        answers = db.session.execute(
            select(Answer, Question.kind)
            .join(Question, Answer.question_id == Question.id)
            .where(
                Answer.response_id.in_([r.id for r in responses]),
                Question.kind.in_(
                    [QuestionKind.CSAT, QuestionKind.HAPPINESS, QuestionKind.TEXT]
                ),
            )
            .order_by(Question.position, Question.id)
        )
        for answer, kind in answers:
            if kind is QuestionKind.TEXT and not (answer.text or "").strip():
                continue
            firsts.setdefault((answer.response_id, kind), answer)
    rows = []
    for response in responses:
        csat = firsts.get((response.id, QuestionKind.CSAT))
        happy = firsts.get((response.id, QuestionKind.HAPPINESS))
        text = firsts.get((response.id, QuestionKind.TEXT))
        rows.append(
            ResponseRow(
                response,
                csat.number if csat else None,
                happy.number if happy else None,
                shorten(text.text) if text and text.text else None,
            )
        )
    return pagination, rows


@dataclass(frozen=True)
class AnswerView:
    """A question of the answered version and its answer (None: skipped)."""

    question: Question
    answer: Answer | None
    compound: float | None
    #: The stored score's scorer, to tell a score made by an older engine.
    scorer_version: str | None = None

    @property
    def explanation(self) -> engine.Scored | None:
        """The comment scored again now, sentence by sentence, with its drivers."""
        if self.answer is None or not (self.answer.text or "").strip():
            return None
        return score_comment(self.answer.text or "")

    @property
    def sentiment_word(self) -> str:
        """positive / neutral / negative for a scored text answer."""
        return metrics.sentiment_word(self.compound)


def response_detail(
    response_id: int, customer_ids: set[int] | None
) -> tuple[Response, list[AnswerView]] | None:
    """A response and every question of its version, or None if not visible."""
    response = db.session.get(Response, response_id)
    if response is None:
        return None
    customer_id = response.invitation.agreement.customer_id
    if customer_ids is not None and customer_id not in customer_ids:
        return None
    by_question = {a.question_id: a for a in response.answers}
    stored: dict[int | None, tuple[float | None, str | None]] = {
        answer_id: (compound, version)
        for answer_id, compound, version in db.session.execute(
            select(
                Feedback.answer_id, Feedback.compound, Feedback.scorer_version
            ).where(Feedback.answer_id.in_([a.id for a in response.answers]))
        )
    }
    views = []
    for question in response.version.questions:
        answer = by_question.get(question.id)
        compound, version = (
            stored.get(answer.id, (None, None)) if answer else (None, None)
        )
        views.append(AnswerView(question, answer, compound, version))
    return response, views
