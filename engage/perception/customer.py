"""A customer's perception, rolled up over its SLAs (and its departments' SLAs).

The customer's part of the SLA tree is the union of the subtrees of its *roots*: the
customer's SLAs whose parent belongs to someone else (usually the corporate SLA) or
to no one. Feedback is counted over that union of agreement ids, so each piece of
feedback counts once even when a department's SLA sits under the account's.

The verdict adds up the compliance of every one of the customer's SLAs (months met
and measured, each SLA's grid judged as on its own page: a measurement belongs to
one SLA, so none counts twice) and compares it with the union's perception. The
themes' covered aspects are those of the roots' clauses in force and of every
clause below them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from engage.agreements.overview import agreement_grid
from engage.analysis.themes import Theme
from engage.analysis.trends import Period
from engage.analysis.watermelon import classify
from engage.extensions import db
from engage.models import Agreement, AgreementStatus, Customer, User
from engage.perception import figures, queries, timeline
from engage.perception.portfolio import (
    Compliance,
    Verdict,
    compliance_of,
    judge,
    last_month,
)
from engage.perception.queries import Point
from engage.perception.sla import visible_ids
from engage.perception.texts import THEMES, Quote, covered_aspects, texts_themes
from engage.sla.compliance import (
    ComplianceGrid,
    add_months,
    month_start,
    months_ending,
)


@dataclass(frozen=True)
class SlaLine:
    """One of the customer's SLAs with its own verdict (over its own subtree)."""

    agreement: Agreement
    verdict: Verdict
    root: bool


@dataclass
class CustomerPerception:
    """What the customer page shows."""

    verdict: Verdict
    points: list[Point]
    slas: list[SlaLine]
    themes: list[Theme]
    unmet: list[Theme]
    positive: list[Quote]
    negative: list[Quote]
    texts: int
    agreements: int
    figure: dict[str, Any]


def account_ids(customer: Customer) -> set[int]:
    """The customer and its departments (an account covers them)."""
    return {customer.id, *(d.id for d in customer.departments)}


def customer_agreements(
    customer: Customer, allowed: Collection[int] | None
) -> list[Agreement]:
    """The published SLAs of ``customer`` (and its departments) among ``allowed`` ids."""
    owners = account_ids(customer)
    agreements = [
        a
        for a in db.session.scalars(
            select(Agreement)
            .where(
                Agreement.customer_id.in_(owners),
                Agreement.status != AgreementStatus.DRAFT,
            )
            .order_by(Agreement.level, Agreement.name)
        )
        if allowed is None or a.id in allowed
    ]
    return agreements


def customer_perception(
    customer: Customer, user: User | None, months: int = 12, end: date | None = None
) -> CustomerPerception | None:
    """The rollup over ``customer``'s SLAs that ``user`` may see; None without SLAs.

    :param end: any day of the last month shown; None: the latest month with data.
    """
    allowed = visible_ids(user)
    agreements = customer_agreements(customer, allowed)
    if not agreements:
        return None
    mine = {a.id for a in agreements}
    roots = [a for a in agreements if a.parent_id not in mine]
    tree = queries.children_map()
    ids = sorted(
        {i for root in roots for i in queries.subtree_ids(root, allowed, tree)}
    )
    periods = months_ending(month_start(end) if end else last_month(ids), months)
    start, end = periods[0], add_months(periods[-1], 1) - timedelta(days=1)
    lines: list[SlaLine] = []
    grids: list[ComplianceGrid] = []
    root_grids: list[ComplianceGrid] = []
    for agreement in agreements:
        grid = agreement_grid(agreement, periods)
        own = queries.subtree_ids(agreement, allowed, tree)
        points = timeline.series(own, start, end, Period.MONTH)
        sums = queries.period_sums(own, start, end)
        is_root = agreement in roots
        lines.append(SlaLine(agreement, judge(grid, points, sums), is_root))
        grids.append(grid)
        if is_root:
            root_grids.append(grid)
    points = timeline.series(ids, start, end, Period.MONTH)
    perception = queries.period_sums(ids, start, end).sentiment
    compliance = Compliance(
        sum(compliance_of(g).met for g in grids),
        sum(compliance_of(g).measured for g in grids),
    )
    trend = timeline.trend(points)
    verdict = Verdict(
        compliance,
        perception,
        trend,
        classify(compliance.compliant, perception, trend),
    )
    covered: set[str] = set()
    for grid in root_grids:
        covered |= covered_aspects(grid, ids)
    found, positive, negative, texts = texts_themes(ids, start, end, covered, points)
    return CustomerPerception(
        verdict=verdict,
        points=points,
        slas=lines,
        themes=found[:THEMES],
        unmet=[t for t in found if t.unmet][:THEMES],
        positive=positive,
        negative=negative,
        texts=texts,
        agreements=len(ids),
        figure=figures.sla_trend(points, _monthly_compliance(grids, periods), []),
    )


def _monthly_compliance(
    grids: list[ComplianceGrid], periods: list[date]
) -> list[float | None]:
    """Per month, the % of measured clauses met over all the grids."""
    out: list[float | None] = []
    for i in range(len(periods)):
        measured = sum(g.summaries[i].measured for g in grids)
        met = sum(g.summaries[i].met for g in grids)
        out.append(round(100 * met / measured, 1) if measured else None)
    return out
