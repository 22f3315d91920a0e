"""Daily rollups follow every feedback write and equal a rebuild from scratch."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, select

from engage import rollups
from engage.demo import seed
from engage.extensions import db
from engage.models import (
    COUNTERS,
    Feedback,
    FeedbackKind,
    FeedbackRollup,
    FeedbackSource,
    Level,
    Slice,
)
from tests.factories import aspect, make_agreement, make_objective

NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _state() -> dict[tuple[int, int, int, date], tuple[float, ...]]:
    rows = db.session.scalars(select(FeedbackRollup)).all()
    return {
        (r.agreement_id, r.slice, r.slice_id, r.day): tuple(
            round(float(getattr(r, c)), 9) for c in COUNTERS
        )
        for r in rows
        if any(getattr(r, c) for c in COUNTERS)
    }


def _row(
    agreement_id: int, day: date, slice_: Slice = Slice.ALL, slice_id: int = 0
) -> FeedbackRollup:
    found = db.session.get(FeedbackRollup, (agreement_id, slice_.value, slice_id, day))
    assert found is not None
    return found


def _feedback(agreement_id: int, customer_id: int, **kw: object) -> Feedback:
    row = Feedback(
        source=FeedbackSource.SURVEY,
        customer_id=customer_id,
        agreement_id=agreement_id,
        received_at=kw.pop("received_at", NOON),
        **kw,
    )
    db.session.add(row)
    return row


def test_writes_update_rollups_in_the_same_transaction(app: Flask) -> None:
    with app.app_context():
        sla = make_agreement(Level.CUSTOMER)
        clause = make_objective(sla)
        availability = aspect("Availability").id
        ids = (sla.id, sla.customer_id)
        _feedback(
            *ids,
            kind=FeedbackKind.TEXT,
            text="Down again.",
            compound=-0.6,
            aspect_id=availability,
            objective_id=clause.id,
        )
        _feedback(*ids, kind=FeedbackKind.TEXT, text="Great work.", compound=0.8)
        _feedback(*ids, kind=FeedbackKind.HAPPINESS, score=9)
        _feedback(*ids, kind=FeedbackKind.HAPPINESS, score=3)
        _feedback(*ids, kind=FeedbackKind.CSAT, score=4)
        _feedback(*ids, kind=FeedbackKind.CES, score=2)
        _feedback(*ids, kind=FeedbackKind.LOST_TIME, score=1.5)
        db.session.commit()

        day = NOON.date()
        whole = _row(sla.id, day)
        assert (whole.text_n, whole.text_neg, whole.text_pos) == (2, 1, 1)
        assert whole.text_sum == pytest.approx(0.2)
        assert whole.text_sumsq == pytest.approx(0.36 + 0.64)
        assert (whole.nps_n, whole.nps_pro, whole.nps_det) == (2, 1, 1)
        assert (whole.csat_n, whole.csat_sat, whole.ces_n, whole.ces_sum) == (
            1,
            1,
            1,
            2,
        )
        assert (whole.lost_n, whole.lost_sum) == (1, 1.5)
        by_aspect = _row(sla.id, day, Slice.ASPECT, availability)
        by_clause = _row(sla.id, day, Slice.OBJECTIVE, clause.id)
        assert by_aspect.text_n == by_clause.text_n == 1
        assert by_aspect.text_sum == pytest.approx(-0.6)


def test_rescoring_moving_and_deleting_keep_rollups_exact(app: Flask) -> None:
    with app.app_context():
        sla = make_agreement(Level.CUSTOMER)
        other = make_agreement(Level.CUSTOMER, customer=sla.customer)
        ids = (sla.id, sla.customer_id)
        first = _feedback(*ids, kind=FeedbackKind.TEXT, text="Slow.", compound=-0.3)
        second = _feedback(*ids, kind=FeedbackKind.TEXT, text="Fine.", compound=0.2)
        db.session.commit()

        first.compound = 0.4  # rescored
        second.agreement_id = other.id  # retagged
        second.received_at = datetime(2026, 3, 9, 8, tzinfo=UTC)
        db.session.commit()
        assert _row(sla.id, NOON.date()).text_sum == pytest.approx(0.4)
        assert _row(sla.id, NOON.date()).text_neg == 0
        assert _row(other.id, date(2026, 3, 9)).text_n == 1
        assert _state() == _rebuilt()

        db.session.delete(first)
        db.session.commit()
        assert _row(sla.id, NOON.date()).text_n == 0
        assert _state() == _rebuilt()


def test_rebuild_equals_incremental_rollups(app: Flask) -> None:
    with app.app_context():
        sla = make_agreement(Level.CUSTOMER)
        clause = make_objective(sla)
        for i in range(30):
            _feedback(
                sla.id,
                sla.customer_id,
                kind=FeedbackKind.TEXT,
                text=f"Comment {i}",
                compound=((i * 37) % 21 - 10) / 10,
                received_at=datetime(2026, 1 + i % 3, 1 + i % 27, i % 24, tzinfo=UTC),
                aspect_id=aspect("Availability").id if i % 2 else None,
                objective_id=clause.id if i % 3 == 0 else None,
            )
            _feedback(
                sla.id, sla.customer_id, kind=FeedbackKind.HAPPINESS, score=i % 11
            )
        # Feedback about no SLA is not rolled up.
        db.session.add(
            Feedback(
                source=FeedbackSource.IMPORT,
                kind=FeedbackKind.TEXT,
                text="x",
                compound=0.5,
                customer_id=sla.customer_id,
                received_at=NOON,
            )
        )
        db.session.commit()
        incremental = _state()
        assert incremental == _rebuilt()
        assert len(incremental) > 3


def _rebuilt() -> dict[tuple[int, int, int, date], tuple[float, ...]]:
    rollups.rebuild(db.session)
    db.session.flush()
    db.session.expire_all()
    return _state()


def test_rebuild_rollups_command(app: Flask) -> None:
    with app.app_context():
        sla = make_agreement(Level.CUSTOMER)
        _feedback(sla.id, sla.customer_id, kind=FeedbackKind.CSAT, score=5)
        db.session.commit()
        before = _state()
        db.session.execute(delete(FeedbackRollup))
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["engage", "rebuild-rollups", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt 1 rollup rows." in result.output
    again = runner.invoke(args=["engage", "rebuild-rollups", "--if-empty"])
    assert "nothing to rebuild" in again.output
    with app.app_context():
        assert _state() == before


def test_the_demo_keeps_rollups_exact(app: Flask, tmp_path: Path) -> None:
    """Every writer of the demo (surveys, sessions, ...) goes through the rollups."""
    with app.app_context():
        seed(str(tmp_path))
        db.session.commit()
        incremental = _state()
        assert incremental
        assert incremental == _rebuilt()
