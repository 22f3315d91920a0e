"""The portfolio's month sums grouped in SQL equal the daily sums bucketed in Python.

``monthly_sums`` groups rollups by month in SQL; the reference is the daily sums
bucketed in Python (as the portfolio did before). ``series`` by month and
``slice_series`` per aspect are checked the same way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from engage.analysis.trends import Period, periods
from engage.extensions import db
from engage.models import (
    Agreement,
    Customer,
    FeedbackKind,
    Level,
    Slice,
)
from engage.perception import queries, timeline
from engage.perception.queries import FIELDS, Sums
from engage.sla.compliance import add_months
from tests.factories import (
    aspect,
    make_agreement,
    make_customer,
)
from tests.feedback_factories import make_score_feedback, make_text_feedback
from tests.integration.perception.conftest import Ids


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
        monthly = timeline.monthly_sums(ids, SPAN)
        for agreement_id in ids:
            got = timeline.subtree_months(monthly, [agreement_id], len(SPAN))
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
        monthly = timeline.monthly_sums(sorted(edges.values()), SPAN)
        tree = queries.children_map()
        for sla in (corporate, customer_sla):
            ids = queries.subtree_ids(sla, None, tree)
            got = timeline.subtree_months(monthly, ids, len(SPAN))
            _assert_same(got, _python_months(ids, SPAN))
            if sla is corporate:
                whole = timeline.total(got)
            else:
                customer = timeline.total(got)

    # Service 5 in the span, customer SLA 1, corporate 1: each counted once.
    assert customer.text_n == 5 + 1
    assert whole.text_n == 5 + 1 + 1
    assert whole.text_sum == pytest.approx(0.625 + 0.2 - 0.1)
    assert whole.csat_n == customer.csat_n == 6


def test_monthly_sums_of_nothing(app: Flask, edges: Ids) -> None:
    with app.app_context():
        assert timeline.monthly_sums([], SPAN) == {}
        assert timeline.monthly_sums([edges["service"]], []) == {}
        quiet = timeline.monthly_sums([edges["service"]], [date(2020, 1, 1)])
        empty = timeline.subtree_months(quiet, [edges["service"]], 1)
    assert quiet == {}
    assert empty[0].text_n == 0
    assert empty[0].sentiment.value is None


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
        got = timeline.series(ids, start, end, Period.MONTH)
        days = {day: s for (_, day), s in queries.daily_sums(ids, start, end).items()}
        want = timeline.bucket(days, periods(start, end, Period.MONTH), Period.MONTH)
        weeks = timeline.series(ids, start, end, Period.WEEK)

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
        batch = timeline.slice_series(
            ids, start, end, Slice.ASPECT, [cost, availability, unused]
        )
        for aspect_id, (points, sums) in batch.items():
            one = timeline.series(
                ids, start, end, Period.MONTH, Slice.ASPECT, aspect_id
            )
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
        full = timeline.monthly_sums(ids, SPAN)
        some = timeline.monthly_sums(ids, SPAN, fields=timeline.SENTIMENT_FIELDS)

    kept = [FIELDS.index(name) for name in timeline.SENTIMENT_FIELDS]
    assert full.keys() == some.keys()
    for agreement_id, months in some.items():
        for got, want in zip(months, full[agreement_id], strict=True):
            assert [got[i] for i in kept] == pytest.approx([want[i] for i in kept])
            assert [v for i, v in enumerate(got) if i not in kept] == [0.0] * 6
    assert full[edges["service"]][0][FIELDS.index("csat_n")] == 2


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
    want = timeline.trend(timeline.points(months, sums))
    got = timeline.sentiment_trend(sums)

    assert got == want
    assert got.n == 5
    assert got.s == -10  # strictly falling: every one of the 10 pairs is a decrease
