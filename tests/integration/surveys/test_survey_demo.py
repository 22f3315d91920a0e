"""The survey demo layer: realistic, deterministic, with watermelons and a reverse case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from statistics import fmean

import pytest
from flask import Flask
from sqlalchemy import delete, func, select, update

from engage import demo
from engage.agreements.overview import agreement_grid
from engage.demo import MONTHS, seed
from engage.extensions import db
from engage.models import (
    Agreement,
    Answer,
    Customer,
    Invitation,
    Level,
    Objective,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from engage.sla.compliance import PeriodStatus, add_months, months_ending
from surveys.demo import REVERSE, WATERMELONS, seed_survey_demo

END = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def survey_layer() -> Iterator[None]:
    """Register the layer for this test only (app.py may register it as well)."""
    registered = seed_survey_demo in demo._layers
    demo.register_layer(seed_survey_demo)
    yield
    if not registered:
        demo._layers.remove(seed_survey_demo)


def _fingerprint() -> list[tuple[object, ...]]:
    rows = db.session.execute(
        select(
            Agreement.name,
            Response.submitted_at,
            Question.kind,
            Answer.number,
            Answer.text,
        )
        .join(Response, Answer.response_id == Response.id)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Agreement, Invitation.agreement_id == Agreement.id)
        .join(Question, Answer.question_id == Question.id)
        .order_by(Response.submitted_at, Agreement.name, Question.position)
    )
    return [tuple(row) for row in rows]


def _csat(name: str, first: date, last: date) -> list[float]:
    """CSAT scores about SLA ``name`` answered in months first..last (inclusive)."""
    rows = db.session.execute(
        select(Answer.number, Response.submitted_at)
        .join(Response, Answer.response_id == Response.id)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Agreement, Invitation.agreement_id == Agreement.id)
        .join(Question, Answer.question_id == Question.id)
        .where(Agreement.name == name, Question.kind == QuestionKind.CSAT)
    )
    return [
        float(number)
        for number, at in rows
        if number is not None and first <= at.date().replace(day=1) <= last
    ]


def test_survey_demo_shape(app: Flask) -> None:
    with app.app_context():
        result = seed(app.instance_path, end=END)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Survey)) >= 2
        responses = db.session.scalar(select(func.count()).select_from(Response))
        assert responses is not None
        assert responses >= 200
        slas = db.session.scalar(
            select(func.count(func.distinct(Invitation.agreement_id))).join(
                Response, Response.invitation_id == Invitation.id
            )
        )
        assert slas is not None
        assert slas >= 6
        months = {
            at.strftime("%Y-%m")
            for at in db.session.scalars(select(Response.submitted_at))
        }
        assert len(months) >= MONTHS == 18
        # Timestamps are consistent: sent <= opened <= responded.
        for inv in db.session.scalars(select(Invitation)):
            assert inv.sent_at is not None
            if inv.responded_at is not None:
                assert inv.opened_at is not None
                assert inv.sent_at <= inv.opened_at <= inv.responded_at
        invited = db.session.scalar(select(func.count()).select_from(Invitation))
        assert invited is not None
        assert 0.6 <= responses / invited <= 0.8

        first, last = result.first_month, result.last_month
        assert first is not None
        assert last is not None
        early = (first, add_months(first, 5))
        late = (add_months(last, -5), last)
        periods = months_ending(END, MONTHS)
        for name in WATERMELONS:
            before, after = _csat(name, *early), _csat(name, *late)
            assert len(before) >= 5, name
            assert len(after) >= 5, name
            assert fmean(after) <= fmean(before) - 1.0, name
            grid = agreement_grid(result.by_name[name], periods)
            assert {s.status for s in grid.summaries} == {PeriodStatus.MET}, name
        reverse = agreement_grid(result.by_name[REVERSE], periods)
        assert PeriodStatus.BREACHED in {s.status for s in reverse.summaries}
        assert fmean(_csat(REVERSE, first, last)) >= 4.2


def test_survey_demo_is_deterministic(app: Flask) -> None:
    with app.app_context():
        seed(app.instance_path, end=END)
        db.session.commit()
        first = _fingerprint()
        assert first
        db.session.execute(update(Objective).values(overrides_id=None))
        for level in (Level.SERVICE, Level.CUSTOMER, Level.CORPORATE):
            for table in reversed(db.metadata.sorted_tables):
                if table.name in {"feedback", "answers", "responses", "invitations"}:
                    db.session.execute(table.delete())
            db.session.execute(delete(Agreement).where(Agreement.level == level))
        db.session.execute(delete(Customer).where(Customer.parent_id.is_not(None)))
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "aspects":
                db.session.execute(table.delete())
        db.session.commit()
        seed(app.instance_path, end=END)
        db.session.commit()
        assert _fingerprint() == first
