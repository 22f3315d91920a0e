"""The portfolio's batched reads equal the one-agreement-at-a-time ones they replace.

``monthly_sums`` groups rollups by month in SQL; the reference is the daily sums
bucketed in Python (as the portfolio did before). ``agreement_grids`` loads every
grid in a fixed number of queries; the reference is ``agreement_grid`` per agreement.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import event

from engage.agreements.overview import agreement_grid, agreement_grids, iter_grids
from engage.analysis.trends import Period, periods
from engage.extensions import db
from engage.models import (
    Agreement,
    Customer,
    Direction,
    FeedbackKind,
    Level,
    Measure,
    Role,
    Slice,
)
from engage.perception import queries
from engage.perception.portfolio import compliance_of, portfolio
from engage.perception.queries import FIELDS, Sums
from engage.sla.compliance import add_months
from tests.factories import (
    aspect,
    make_agreement,
    make_customer,
    make_measurement,
    make_objective,
    make_user,
)
from tests.feedback_factories import make_score_feedback, make_text_feedback
from tests.integration.perception.conftest import END, MONTHS, Ids


def _python_months(ids: list[int], months: list[date]) -> list[Sums]:
    """The old way: daily sums per agreement, merged over ``ids``, bucketed by month."""
    stop = add_months(months[-1], 1)
    daily = queries.daily_sums(
        ids, months[0], date.fromordinal(stop.toordinal() - 1), by_agreement=True
    )
    days: dict[date, Sums] = {}
    for (_, day), sums in daily.items():
        days[day] = days[day] + sums if day in days else sums
    starts = periods(months[0], months[-1], Period.MONTH)
    totals = {s: Sums() for s in starts}
    for day, sums in days.items():
        key = day.replace(day=1)
        if key in totals:
            totals[key] = totals[key] + sums
    return [totals[s] for s in starts]


def _assert_same(got: list[Sums], want: list[Sums]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.values == pytest.approx(w.values)


def _feedback_on(agreement: Agreement, when: datetime, compound: float) -> None:
    """A comment, a satisfied CSAT and a detractor's happiness score on ``when``.

    Corporate feedback (no customer of its own) is a comment from Edge Co only.
    """
    customer = None
    if agreement.customer_id is None:
        customer = db.session.scalars(
            db.select(Customer).where(Customer.name == "Edge Co")
        ).one()
    make_text_feedback(
        "edge", agreement, customer=customer, received_at=when, compound=compound
    )
    if customer is None:
        make_score_feedback(FeedbackKind.CSAT, 5, agreement, received_at=when)
        make_score_feedback(FeedbackKind.HAPPINESS, 3, agreement, received_at=when)


@pytest.fixture
def edges(app: Flask) -> Ids:
    """A three-level tree with feedback on both sides of every month boundary."""
    with app.app_context():
        customer = make_customer("Edge Co")
        corporate = make_agreement(Level.CORPORATE, "Edge corporate")
        customer_sla = make_agreement(Level.CUSTOMER, "Edge SLA", corporate, customer)
        service = make_agreement(Level.SERVICE, "Edge / Desk", customer_sla, customer)
        # Span: 2026-01 .. 2026-03. Outside it: 2025-12-31 and 2026-04-01.
        moments = [
            (datetime(2025, 12, 31, 23, 59, tzinfo=UTC), 0.9),
            (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), 0.5),
            (datetime(2026, 1, 31, 23, 59, tzinfo=UTC), -0.25),
            (datetime(2026, 2, 1, 0, 0, tzinfo=UTC), 0.75),
            (datetime(2026, 2, 28, 12, 0, tzinfo=UTC), -0.5),
            (datetime(2026, 3, 31, 23, 59, tzinfo=UTC), 0.125),
            (datetime(2026, 4, 1, 0, 0, tzinfo=UTC), -0.9),
        ]
        for when, compound in moments:
            _feedback_on(service, when, compound)
        _feedback_on(customer_sla, datetime(2026, 2, 14, tzinfo=UTC), 0.2)
        _feedback_on(corporate, datetime(2026, 3, 1, tzinfo=UTC), -0.1)
        db.session.commit()
        return {
            "corporate": corporate.id,
            "customer_sla": customer_sla.id,
            "service": service.id,
        }


SPAN = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def test_monthly_sums_equal_python_bucketing_at_month_edges(
    app: Flask, edges: Ids
) -> None:
    with app.app_context():
        ids = sorted(edges.values())
        monthly = queries.monthly_sums(ids, SPAN)
        for agreement_id in ids:
            got = queries.subtree_months(monthly, [agreement_id], len(SPAN))
            _assert_same(got, _python_months([agreement_id], SPAN))

    service = monthly[edges["service"]]
    # By hand: January has 1 Jan 00:00 and 31 Jan 23:59; the 31 Dec and 1 Apr rows
    # fall outside; February has two, March one.
    text_n = FIELDS.index("text_n")
    text_sum = FIELDS.index("text_sum")
    assert [m[text_n] for m in service] == [2, 2, 1]
    assert [m[text_sum] for m in service] == pytest.approx([0.25, 0.25, 0.125])
    assert [m[FIELDS.index("csat_sat")] for m in service] == [2, 2, 1]
    assert [m[FIELDS.index("nps_det")] for m in service] == [2, 2, 1]


def test_subtree_months_count_service_feedback_once_per_level(
    app: Flask, edges: Ids
) -> None:
    with app.app_context():
        corporate = db.session.get(Agreement, edges["corporate"])
        customer_sla = db.session.get(Agreement, edges["customer_sla"])
        assert corporate is not None
        assert customer_sla is not None
        monthly = queries.monthly_sums(sorted(edges.values()), SPAN)
        tree = queries.children_map()
        for sla in (corporate, customer_sla):
            ids = queries.subtree_ids(sla, None, tree)
            got = queries.subtree_months(monthly, ids, len(SPAN))
            _assert_same(got, _python_months(ids, SPAN))
            if sla is corporate:
                whole = queries.total(got)
            else:
                customer = queries.total(got)

    # Service 5 in the span, customer SLA 1, corporate 1: each counted once.
    assert customer.text_n == 5 + 1
    assert whole.text_n == 5 + 1 + 1
    assert whole.text_sum == pytest.approx(0.625 + 0.2 - 0.1)
    assert whole.csat_n == customer.csat_n == 6


def test_monthly_sums_of_nothing(app: Flask, edges: Ids) -> None:
    with app.app_context():
        assert queries.monthly_sums([], SPAN) == {}
        assert queries.monthly_sums([edges["service"]], []) == {}
        quiet = queries.monthly_sums([edges["service"]], [date(2020, 1, 1)])
        empty = queries.subtree_months(quiet, [edges["service"]], 1)
    assert quiet == {}
    assert empty[0].text_n == 0
    assert empty[0].sentiment.value is None


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


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 1, 1), date(2026, 3, 31)),
        # Mid-month bounds: only the days inside them count.
        (date(2026, 1, 15), date(2026, 2, 28)),
        (date(2025, 12, 31), date(2026, 4, 1)),
    ],
)
def test_month_series_in_sql_equals_daily_bucketing(
    app: Flask, edges: Ids, start: date, end: date
) -> None:
    with app.app_context():
        ids = sorted(edges.values())
        got = queries.series(ids, start, end, Period.MONTH)
        days = {day: s for (_, day), s in queries.daily_sums(ids, start, end).items()}
        want = queries.bucket(days, periods(start, end, Period.MONTH), Period.MONTH)
        weeks = queries.series(ids, start, end, Period.WEEK)

    assert [p.start for p in got] == [p.start for p in want]
    for g, w in zip(got, want, strict=True):
        assert (g.n, g.csat.n, g.happiness.n) == (w.n, w.csat.n, w.happiness.n)
        assert g.sentiment.value == pytest.approx(w.sentiment.value)
    assert sum(p.n for p in got) == sum(p.n for p in weeks) > 0


def test_slice_series_equals_series_and_period_sums_per_aspect(
    app: Flask, edges: Ids
) -> None:
    with app.app_context():
        service = db.session.get(Agreement, edges["service"])
        assert service is not None
        cost, availability = aspect("Cost").id, aspect("Availability").id
        unused = aspect("Security").id
        for day, aspect_id, compound in (
            (date(2026, 1, 5), cost, -0.5),
            (date(2026, 1, 31), cost, -0.25),
            (date(2026, 3, 2), cost, 0.25),
            (date(2026, 2, 1), availability, 0.5),
            (date(2026, 4, 1), availability, 0.9),  # after the end
        ):
            make_text_feedback(
                "about it",
                service,
                received_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
                compound=compound,
                aspect_id=aspect_id,
            )
        db.session.commit()
        ids = sorted(edges.values())
        start, end = date(2026, 1, 1), date(2026, 3, 31)
        batch = queries.slice_series(
            ids, start, end, Slice.ASPECT, [cost, availability, unused]
        )
        for aspect_id, (points, sums) in batch.items():
            one = queries.series(ids, start, end, Period.MONTH, Slice.ASPECT, aspect_id)
            assert [(p.start, p.n, p.sentiment.value) for p in points] == [
                (p.start, p.n, p.sentiment.value) for p in one
            ]
            whole = queries.period_sums(ids, start, end, Slice.ASPECT, aspect_id)
            assert sums.values == pytest.approx(whole.values)

    assert [p.n for p in batch[cost][0]] == [2, 0, 1]
    assert batch[cost][1].text_sum == pytest.approx(-0.5)
    assert batch[availability][1].text_n == 1
    assert batch[unused][1].text_n == 0


def test_monthly_sums_of_some_fields_leave_the_others_at_zero(
    app: Flask, edges: Ids
) -> None:
    with app.app_context():
        ids = sorted(edges.values())
        full = queries.monthly_sums(ids, SPAN)
        some = queries.monthly_sums(ids, SPAN, fields=queries.SENTIMENT_FIELDS)

    kept = [FIELDS.index(name) for name in queries.SENTIMENT_FIELDS]
    assert full.keys() == some.keys()
    for agreement_id, months in some.items():
        for got, want in zip(months, full[agreement_id], strict=True):
            assert [got[i] for i in kept] == pytest.approx([want[i] for i in kept])
            assert [v for i, v in enumerate(got) if i not in kept] == [0.0] * 6
    assert full[edges["service"]][0][FIELDS.index("csat_n")] == 2


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


def test_sentiment_trend_equals_the_trend_of_points() -> None:
    def month(n: int, total: float) -> Sums:
        values = [0.0] * len(FIELDS)
        values[FIELDS.index("text_n")] = n
        values[FIELDS.index("text_sum")] = total
        values[FIELDS.index("text_sumsq")] = total * total / n if n else 0.0
        return Sums(tuple(values))

    # Falling means; the 4-answer month is left out by both (below MIN_N).
    sums = [month(5, 2.5), month(6, 2.4), month(4, -4.0), month(0, 0.0)]
    sums += [month(8, 1.6), month(5, 0.5), month(7, -0.7)]
    months = [add_months(date(2026, 1, 1), i) for i in range(len(sums))]
    want = queries.trend(queries.points(months, sums))
    got = queries.sentiment_trend(sums)

    assert got == want
    assert got.n == 5
    assert got.s == -10  # strictly falling: every one of the 10 pairs is a decrease
