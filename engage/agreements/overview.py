"""The portfolio overview: counts and each SLA's latest compliance."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from engage.auth.access import agreements_query, customers_query
from engage.extensions import db
from engage.models import Agreement, AgreementStatus, Measurement, User
from engage.sla.compliance import ComplianceGrid, compliance_grid
from engage.sla.tree import effective_objectives


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


def agreement_grid(agreement: Agreement, periods: list[date]) -> ComplianceGrid:
    """The compliance grid of one agreement over ``periods``."""
    measurements = db.session.scalars(
        select(Measurement).where(
            Measurement.agreement_id == agreement.id, Measurement.period.in_(periods)
        )
    )
    effective = effective_objectives(agreement)
    versions = {e.source.id: e.source.versions for e in effective}
    return compliance_grid(effective, measurements, periods, versions)


def portfolio_overview(user: User) -> Overview:
    """What ``user`` may see of the portfolio, judged on the last measured month."""
    agreements = list(db.session.scalars(agreements_query(user)))
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
        lines = [AgreementLine(a, agreement_grid(a, [last])) for a in live]
        # Breaches first: they are what a service manager opens this page for.
        lines.sort(
            key=lambda line: (
                line.grid.latest_status.value != "breached",
                line.agreement.name,
            )
        )
        overview.lines = lines
    return overview
