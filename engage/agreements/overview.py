"""The portfolio overview: counts and each SLA's latest compliance."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, cast

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.auth.access import agreements_query, customers_query
from engage.extensions import db
from engage.models import Agreement, AgreementStatus, Measurement, User
from engage.perception import queries
from engage.sla.compliance import ComplianceGrid, compliance_grid
from engage.sla.perception_targets import observed
from engage.sla.tree import effective_objectives, is_perception_target


@dataclass
class AgreementLine:
    agreement: Agreement
    grid: ComplianceGrid


@dataclass
class Overview:
    customers: int
    by_level: Counter[str]
    by_status: Counter[str]
    last_period: date | None
    lines: list[AgreementLine] = field(default_factory=list)

    @property
    def breached(self) -> list[AgreementLine]:
        return [
            line
            for line in self.lines
            if line.grid.summaries[-1].status.value == "breached"
        ]


class _Value(NamedTuple):
    """The part of a :class:`Measurement` that :func:`compliance_grid` reads."""

    objective_id: int
    period: date
    value: float


def agreement_grid(agreement: Agreement, periods: list[date]) -> ComplianceGrid:
    """The compliance grid of one agreement over ``periods``."""
    return agreement_grids([agreement], periods)[agreement.id]


def agreement_grids(
    agreements: Sequence[Agreement], periods: list[date]
) -> dict[int, ComplianceGrid]:
    """The compliance grid of each agreement over ``periods``, by agreement id.

    A page that judges many SLAs calls this (or :func:`iter_grids`) once: one query
    for every measurement and a few for the clauses and versions of the agreements and
    their ancestors, instead of lazy loads per agreement (about 600 queries for a
    200-SLA portfolio).
    """
    return {agreement.id: grid for agreement, grid in iter_grids(agreements, periods)}


def iter_grids(
    agreements: Sequence[Agreement],
    periods: list[date],
    *,
    judged_only: bool = False,
) -> Iterator[tuple[Agreement, ComplianceGrid]]:
    """Like :func:`agreement_grids`, one agreement at a time, in the given order.

    For a caller that keeps only a summary of each grid: a grid holds a cell object
    per clause and month, and holding 200 of them at once (some 30,000 objects) is
    what makes the garbage collector sweep the whole heap in the middle of a request.

    Grids hold every clause, dropped ones too (they judge the months before the drop),
    and perception targets with their observed values over the agreement's subtree.

    :param judged_only: leave out measured clauses without any measurement in
        ``periods``. Their rows are "no data" throughout and change no summary, so
        :func:`compliance_of`-style callers get the same answer for less work (in a
        portfolio most inherited clauses are measured on few SLAs).
    """
    if not agreements:
        return
    if len(agreements) > 1:
        # One agreement's few lazy loads are cheaper than preloading its chain (and a
        # page has usually loaded its clauses already).
        preload_clauses(agreements)
    # Plain tuples, not ORM objects: compliance_grid reads only objective_id, period
    # and value, and thousands of mapped instances (plus the garbage collections they
    # trigger) were a third of the portfolio's time. Tuples of numbers and dates are
    # also left alone by the collector once they have survived one pass.
    measurements: dict[int, list[tuple[int, date, float]]] = defaultdict(list)
    if periods:
        rows = db.session.execute(
            select(
                Measurement.agreement_id,
                Measurement.objective_id,
                Measurement.period,
                Measurement.value,
            ).where(
                Measurement.agreement_id.in_([a.id for a in agreements]),
                Measurement.period.in_(periods),
            )
        )
        for agreement_id, objective_id, period, value in rows:
            measurements[agreement_id].append((objective_id, period, value))
    tree: dict[int | None, list[int]] | None = None
    for agreement in agreements:
        effective = effective_objectives(agreement, include_dropped=True)
        own = [_Value(*m) for m in measurements.get(agreement.id, ())]
        perception: dict[tuple[int, date], float | None] = {}
        targets = [e.objective for e in effective if is_perception_target(e.objective)]
        if targets:
            tree = queries.children_map() if tree is None else tree
            ids = queries.subtree_ids(agreement, None, tree)
            perception = observed(ids, targets, periods)
        if judged_only:
            measured = {m.objective_id for m in own}
            effective = [
                e
                for e in effective
                if e.objective.id in measured or is_perception_target(e.objective)
            ]
        versions = {e.source.id: e.source.versions for e in effective}
        yield (
            agreement,
            compliance_grid(
                effective,
                cast(list[Measurement], own),
                periods,
                versions,
                perception=perception,
            ),
        )


def preload_clauses(agreements: Collection[Agreement]) -> None:
    """Load the objectives and versions of ``agreements`` and all their ancestors.

    One round per tree level: parents then come from the session's identity map, so
    :func:`effective_objectives` and :func:`target_in_force` issue no query of their own.
    """
    wanted = {a.id for a in agreements}
    seen: set[int] = set()
    while wanted:
        loaded = db.session.scalars(
            select(Agreement)
            .where(Agreement.id.in_(wanted))
            .options(
                selectinload(Agreement.objectives), selectinload(Agreement.versions)
            )
        ).all()
        seen |= wanted
        wanted = {a.parent_id for a in loaded if a.parent_id is not None} - seen


def portfolio_overview(user: User) -> Overview:
    """What ``user`` may see of the portfolio, judged on the last measured month."""
    # The page names each SLA's customer: one query for all of them, not one each.
    stmt = agreements_query(user).options(selectinload(Agreement.customer))
    agreements = list(db.session.scalars(stmt))
    ids = [a.id for a in agreements]
    last = db.session.scalar(
        select(func.max(Measurement.period)).where(Measurement.agreement_id.in_(ids))
    )
    overview = Overview(
        customers=len(db.session.scalars(customers_query(user)).all()),
        by_level=Counter(a.level.value for a in agreements),
        by_status=Counter(a.status.value for a in agreements),
        last_period=last,
    )
    if last is not None:
        live = [a for a in agreements if a.status is not AgreementStatus.DRAFT]
        grids = agreement_grids(live, [last])
        lines = [AgreementLine(a, grids[a.id]) for a in live]
        # Breaches first: they are what a service manager opens this page for.
        lines.sort(
            key=lambda line: (
                line.grid.latest_status.value != "breached",
                line.agreement.name,
            )
        )
        overview.lines = lines
    return overview
