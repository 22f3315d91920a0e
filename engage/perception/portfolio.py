"""What the contract measures next to what customers feel, per SLA.

Compliance share: of the months in the period with any measurement, the share in which
every measured clause met the target then in force (the same judgement as the
compliance grid). An SLA is *compliant* when that share is at least
:data:`COMPLIANT_SHARE`. Perception: mean sentiment of the SLA's subtree over the
period, its monthly trend (Mann-Kendall), and :func:`classify` decides the alignment.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from engage.agreements.overview import iter_grids
from engage.analysis.metrics import Estimate
from engage.analysis.trends import TrendTest
from engage.analysis.watermelon import PERCEPTION_FLOOR, Alignment, classify
from engage.auth.access import agreements_query
from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    FeedbackRollup,
    Level,
    Measurement,
    Slice,
    User,
)
from engage.perception import queries, timeline
from engage.perception.queries import Point, Sums
from engage.sla.compliance import ComplianceGrid, PeriodStatus, add_months, month_start

#: An SLA meets its contract when at least this share of measured months were met.
COMPLIANT_SHARE = 0.9
#: Periods the portfolio offers, in months.
PERIOD_CHOICES = (3, 6, 12, 36)


@dataclass(frozen=True)
class Compliance:
    """Months met out of months measured over a period."""

    met: int
    measured: int

    @property
    def share(self) -> float | None:
        return self.met / self.measured if self.measured else None

    @property
    def compliant(self) -> bool | None:
        share = self.share
        return None if share is None else share >= COMPLIANT_SHARE


def compliance_of(grid: ComplianceGrid) -> Compliance:
    """Count the grid's months: met when every measured clause met its target."""
    statuses = [s.status for s in grid.summaries]
    return Compliance(
        met=sum(s is PeriodStatus.MET for s in statuses),
        measured=sum(s is not PeriodStatus.NO_DATA for s in statuses),
    )


@dataclass(frozen=True)
class Verdict:
    """An SLA's compliance, perception, trend and what they mean together."""

    compliance: Compliance
    perception: Estimate
    trend: TrendTest
    alignment: Alignment

    @property
    def why(self) -> str:
        """One plain sentence a manager can check against the chart."""
        parts = []
        c = self.compliance
        if c.measured:
            parts.append(
                f"Targets met in {c.met} of {c.measured} measured months"
                f" ({100 * c.met / c.measured:.0f} %; compliant from"
                f" {100 * COMPLIANT_SHARE:.0f} %)"
            )
        else:
            parts.append("No measured month")
        p = self.perception
        if p.value is None or not p.enough:
            parts.append(f"too few responses (n = {p.n})")
        else:
            parts.append(
                f"mean sentiment {p.value:+.2f} (n = {p.n}, 95 % CI"
                f" {p.low:+.2f} to {p.high:+.2f}; unhappy below"
                f" {PERCEPTION_FLOOR:+.2f})"
            )
        t = self.trend
        if t.p is None:
            parts.append(f"no trend test (only {t.n} months with enough responses)")
        else:
            parts.append(f"trend {t.direction.value} (Mann-Kendall p = {t.p:.3f})")
        return "; ".join(parts) + "."


def judge(grid: ComplianceGrid, points: list[Point], sums: Sums) -> Verdict:
    """Classify one SLA from its grid, its monthly series and its period sums."""
    return _verdict(compliance_of(grid), timeline.trend(points), sums)


def _verdict(compliance: Compliance, trend: TrendTest, sums: Sums) -> Verdict:
    perception = sums.sentiment
    return Verdict(
        compliance,
        perception,
        trend,
        classify(compliance.compliant, perception, trend),
    )


@dataclass
class Row:
    """One SLA on the portfolio."""

    agreement: Agreement
    verdict: Verdict


@dataclass
class Portfolio:
    months: list[date]
    rows: list[Row] = field(default_factory=list)


def last_month(ids: Collection[int]) -> date:
    """The latest month with a measurement or feedback, else this month."""
    if not ids:
        return month_start(date.today())
    found = [
        db.session.scalar(
            select(func.max(Measurement.period)).where(
                Measurement.agreement_id.in_(list(ids))
            )
        ),
        # Every feedback row is in the whole-agreement slice: asking for that slice
        # lets the (slice, day) index answer from its last entry instead of a scan.
        db.session.scalar(
            select(func.max(FeedbackRollup.day)).where(
                FeedbackRollup.slice == int(Slice.ALL),
                FeedbackRollup.agreement_id.in_(list(ids)),
            )
        ),
    ]
    days = [d for d in found if d is not None]
    return month_start(max(days)) if days else month_start(date.today())


def portfolio(
    user: User | None,
    months: int = 12,
    customer_id: int | None = None,
    level: Level | None = None,
    end: date | None = None,
) -> Portfolio:
    """One row per published SLA ``user`` may see, over the last ``months`` months.

    :param user: None means every agreement (for jobs such as the alert checker,
        which judge every SLA whoever may read it).

    Reads stay flat whatever the portfolio's size: one query for the monthly rollup
    sums of every agreement, a handful for the compliance grids
    (:func:`iter_grids`); subtrees are added up in Python as tuples.
    """
    stmt = select(Agreement).order_by(Agreement.name)
    visible = list(db.session.scalars(stmt if user is None else agreements_query(user)))
    allowed = {a.id for a in visible}
    last = end or last_month(allowed)
    span = [add_months(month_start(last), -i) for i in range(months - 1, -1, -1)]
    chosen = [
        a
        for a in visible
        if a.status is not AgreementStatus.DRAFT
        and (customer_id is None or a.customer_id == customer_id)
        and (level is None or a.level is level)
    ]
    tree = queries.children_map()
    # A verdict rests on sentiment alone: its three counters are all it sums.
    monthly = timeline.monthly_sums(allowed, span, fields=timeline.SENTIMENT_FIELDS)
    result = Portfolio(span)
    # One grid at a time: only its verdict is kept.
    for agreement, grid in iter_grids(chosen, span, judged_only=True):
        ids = queries.subtree_ids(agreement, None if user is None else allowed, tree)
        sums = timeline.subtree_months(monthly, ids, len(span))
        # As judge(), without the happiness and CSAT of every month.
        trend = timeline.sentiment_trend(sums)
        verdict = _verdict(compliance_of(grid), trend, timeline.total(sums))
        result.rows.append(Row(agreement, verdict))
    result.rows.sort(key=lambda r: (not r.verdict.alignment.mismatch, r.agreement.name))
    return result
