"""The portfolio's batched grids equal the one-agreement-at-a-time ones they replace.

``agreement_grids`` loads every grid in a fixed number of queries; the reference is
``agreement_grid`` per agreement. ``portfolio(None)`` judges every agreement.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import event

from engage.agreements.overview import agreement_grid, agreement_grids, iter_grids
from engage.extensions import db
from engage.models import (
    Agreement,
    Direction,
    FeedbackKind,
    Level,
    Measure,
    Role,
)
from engage.perception.portfolio import compliance_of, portfolio
from tests.factories import (
    make_agreement,
    make_measurement,
    make_objective,
    make_user,
)
from tests.feedback_factories import make_score_feedback
from tests.integration.perception.conftest import END, MONTHS, Ids


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _cells(grid: object) -> list[tuple[object, ...]]:
    return [
        (row.effective.objective.id, c.period, c.target, c.value, c.met)
        for row in grid.rows  # type: ignore[attr-defined]
        for c in row.cells
    ]


def test_agreement_grids_equal_agreement_grid(app: Flask, tree: Ids) -> None:
    with app.app_context():
        corporate = db.session.get(Agreement, tree["corporate"])
        assert corporate is not None
        # An inherited clause measured on a service, and an override on another.
        desk = db.session.get(Agreement, tree["desk"])
        assert desk is not None
        inherited = make_objective(
            corporate, "Response time", 4, Direction.AT_MOST, unit="h"
        )
        for month in MONTHS:
            make_measurement(desk, inherited, month, 3.5 if month != END else 5.0)
        ids = sorted(tree[k] for k in tree if k not in ("acme", "globex"))
        db.session.commit()
        inherited_id = inherited.id

    with app.app_context():
        agreements = list(
            db.session.scalars(db.select(Agreement).where(Agreement.id.in_(ids)))
        )
        with counted() as statements:
            grids = agreement_grids(agreements, MONTHS)
        batch = {i: (_cells(g), [(s.measured, s.met) for s in g.summaries])
                 for i, g in grids.items()}  # fmt: skip

    assert sorted(grids) == ids
    # Agreements, then objectives and versions for each level (3), and measurements.
    assert len(statements) <= 10
    for agreement_id in ids:
        with app.app_context():
            agreement = db.session.get(Agreement, agreement_id)
            assert agreement is not None
            single = agreement_grid(agreement, MONTHS)
            assert batch[agreement_id] == (
                _cells(single),
                [(s.measured, s.met) for s in single.summaries],
            )
    desk_cells = batch[tree["desk"]][0]
    assert inherited_id in {cell[0] for cell in desk_cells}
    assert [c[4] for c in desk_cells if c[0] == inherited_id] == [True] * 5 + [False]


def test_agreement_grids_of_nothing(app: Flask) -> None:
    with app.app_context():
        assert agreement_grids([], [END]) == {}


def test_portfolio_without_user_judges_every_agreement(app: Flask, tree: Ids) -> None:
    with app.app_context():
        admin = make_user(Role.ADMIN)
        manager = make_user(Role.MANAGER)
        everyone = portfolio(None, 6, end=END)
        as_admin = portfolio(admin, 6, end=END)
        as_manager = portfolio(manager, 6, end=END)

    def verdicts(result: object) -> dict[str, tuple[object, ...]]:
        return {
            r.agreement.name: (
                r.verdict.compliance,
                r.verdict.perception.n,
                r.verdict.perception.value,
                r.verdict.alignment,
            )
            for r in result.rows  # type: ignore[attr-defined]
        }

    assert verdicts(everyone) == verdicts(as_admin)
    assert len(everyone.rows) == 6
    # The positive control's opposite: a manager without customers sees only the
    # corporate SLA, and its perception counts only what they may see (itself).
    assert [r.agreement.name for r in as_manager.rows] == ["Corporate"]
    assert as_manager.rows[0].verdict.perception.n == 0
    assert verdicts(everyone)["Corporate"][1] == 18 + 2 + 1 + 12


def test_judged_only_grids_keep_the_summaries(app: Flask, tree: Ids) -> None:
    with app.app_context():
        corporate = db.session.get(Agreement, tree["corporate"])
        assert corporate is not None
        # Inherited by every SLA, measured on none: every row of it is "no data".
        make_objective(corporate, "Security", 1, Direction.AT_MOST, unit="")
        db.session.commit()
        agreements = list(db.session.scalars(db.select(Agreement)))
        full = dict(iter_grids(agreements, MONTHS))
        lean = dict(iter_grids(agreements, MONTHS, judged_only=True))

        for agreement in agreements:
            assert [(s.measured, s.met) for s in lean[agreement].summaries] == [
                (s.measured, s.met) for s in full[agreement].summaries
            ]
            assert compliance_of(lean[agreement]) == compliance_of(full[agreement])
        hosting = next(a for a in agreements if a.id == tree["hosting"])
        assert len(full[hosting].rows) == 2
        assert [r.effective.objective.metric for r in lean[hosting].rows] == [
            "Availability"
        ]


def test_grids_judge_perception_targets_from_the_subtree(app: Flask) -> None:
    with app.app_context():
        # Not published: no version is in force, so the clause judges every month.
        customer_sla = make_agreement(Level.CUSTOMER, "Felt SLA")
        service = make_agreement(Level.SERVICE, "Felt / Desk", customer_sla)
        target = make_objective(customer_sla, "Happiness", 0)
        target.measure = Measure.HAPPINESS
        # Five promoters on the service in the last month: happiness 100 >= 0.
        for _ in range(5):
            make_score_feedback(
                FeedbackKind.HAPPINESS,
                10,
                service,
                received_at=datetime(END.year, END.month, 3, tzinfo=UTC),
                aspect_id=target.aspect_id,
            )
        db.session.commit()
        target_id = target.id
        grids = agreement_grids([customer_sla, service], MONTHS)
        single = agreement_grid(customer_sla, MONTHS)

    for grid in (grids[customer_sla.id], grids[service.id], single):
        row = next(r for r in grid.rows if r.effective.objective.id == target_id)
        assert [c.met for c in row.cells] == [None] * 5 + [True]
    assert [c.value for c in single.rows[0].cells][-1] == 100.0
