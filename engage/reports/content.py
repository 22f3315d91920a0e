"""The report's data types: ReportData, its SLA sections, trend points and version lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engage.models import ActionItem, Agreement, Customer, ListeningSession
from engage.models.share import ReportScope
from engage.perception.customer import CustomerPerception
from engage.perception.portfolio import Row
from engage.sla.compliance import month_start
from engage.sla.versions import ClauseChange


@dataclass(frozen=True)
class SeriesPoint:
    """One month of an SLA's trend: perception with its n and 95 % CI, compliance."""

    month: date
    mean: float | None
    n: int
    low: float | None
    high: float | None
    compliance: float | None


@dataclass(frozen=True)
class VersionLine:
    """One published version of an SLA: what it changed and what was decided."""

    number: int
    effective_from: date
    effective_to: date | None
    change_note: str
    changes: list[ClauseChange]
    decisions: list[dict[str, Any]]


@dataclass
class SlaSection:
    """The detailed part of the report for one SLA."""

    agreement: Agreement
    #: :func:`engage.perception.evidence.perception_json` (quotes emptied if left out).
    evidence: dict[str, Any]
    series: list[SeriesPoint]
    #: A Plotly figure dict (JSON-ready).
    figure: dict[str, Any]
    history: list[VersionLine]

    @property
    def alignment(self) -> str:
        return str(self.evidence["alignment"])


@dataclass
class CustomerSummary:
    """The customer scope's rollup over its SLAs."""

    customer: Customer
    perception: CustomerPerception | None


@dataclass
class ReportData:
    """One insight report, ready for any renderer."""

    title: str
    subtitle: str
    scope: ReportScope
    months: int
    start: date
    end: date
    generated_at: datetime
    include_quotes: bool
    #: Every SLA id the report covers (subtree, customer's SLAs, visible portfolio).
    agreement_ids: list[int]
    sections: list[SlaSection] = field(default_factory=list)
    #: SLAs that had no detailed section (the cap).
    omitted: int = 0
    #: The verdict per SLA (portfolio and customer scopes).
    rows: list[Row] = field(default_factory=list)
    customer: CustomerSummary | None = None
    sessions: list[ListeningSession] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    agreement: Agreement | None = None
    #: False for the customer's eyes (share links, scheduled mail): staff notes stay out.
    internal: bool = True

    @property
    def slug(self) -> str:
        """A safe file name stem built from ids only (never from raw names)."""
        if self.scope is ReportScope.AGREEMENT and self.agreement is not None:
            stem = f"sla-{self.agreement.id}"
        elif self.scope is ReportScope.CUSTOMER and self.customer is not None:
            stem = f"customer-{self.customer.customer.id}"
        else:
            stem = "portfolio"
        return f"engage-report-{stem}-{self.start:%Y-%m}-to-{self.end:%Y-%m}"


def month_label(day: date) -> str:
    return month_start(day).strftime("%b %Y")
