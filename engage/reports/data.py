"""Everything an insight report shows, gathered once for every format.

HTML, PDF, share links and scheduled mails all render a :class:`ReportData`; the tabular
exports stream the feedback of its :attr:`ReportData.agreement_ids`. The figures are
those of the pages (the same perception, verdicts and evidence functions), so a report
put on the table in a renegotiation meeting matches what the manager saw on screen.

A report must stay bounded whatever the portfolio's size: at most
:data:`MAX_SECTIONS` SLAs get a detailed section (mismatches first), and the report
says how many were left out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from engage.agreements.overview import agreement_grid
from engage.extensions import db
from engage.models import (
    ActionItem,
    Agreement,
    AgreementVersion,
    Customer,
    ListeningSession,
    Measurement,
    User,
)
from engage.models.session import session_agreements
from engage.models.share import ReportScope
from engage.perception import queries
from engage.perception.customer import (
    CustomerPerception,
    account_ids,
    customer_agreements,
    customer_perception,
)
from engage.perception.evidence import _empty, perception_json
from engage.perception.portfolio import Row, last_month, portfolio
from engage.perception.sla import sla_perception, visible_ids
from engage.sla.compliance import add_months, month_start, months_ending
from engage.sla.versions import ClauseChange, changes

#: SLAs with a detailed section (trend chart, evidence, history) in one report.
MAX_SECTIONS = 25
#: Listening sessions and action items listed in one report.
MAX_SESSIONS = 50
MAX_ACTIONS = 100


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


def report_data(
    scope: ReportScope,
    user: User | None,
    *,
    agreement: Agreement | None = None,
    customer: Customer | None = None,
    months: int = 12,
    end: date | None = None,
    include_quotes: bool = True,
) -> ReportData:
    """Gather one report. The caller has checked that ``user`` may see the subject.

    :param user: whose view (managers see only their customers); None: everything
        (scheduled jobs and share links, whose subject was checked when created).
    :param end: any day of the report's last month; None: the latest month with data.
    """
    if months < 1 or months > 120:
        raise ValueError("months must be between 1 and 120")
    scope = ReportScope(scope)
    if scope is ReportScope.AGREEMENT:
        if agreement is None:
            raise ValueError("an agreement report needs an agreement")
        data = _agreement_report(agreement, user, months, end, include_quotes)
    elif scope is ReportScope.CUSTOMER:
        if customer is None:
            raise ValueError("a customer report needs a customer")
        data = _customer_report(customer, user, months, end, include_quotes)
    else:
        data = _portfolio_report(user, months, end, include_quotes)
    # Without a staff reader the report goes to the customer: no internal notes.
    data.internal = user is not None
    return data


def _period(last: date, months: int) -> tuple[list[date], date, date]:
    periods = months_ending(last, months)
    return periods, periods[0], add_months(periods[-1], 1) - timedelta(days=1)


def _agreement_report(
    agreement: Agreement,
    user: User | None,
    months: int,
    end: date | None,
    include_quotes: bool,
) -> ReportData:
    ids = sorted(queries.subtree_ids(agreement, visible_ids(user)))
    # The SLA page's period: up to the agreement's last measured month.
    last = end or db.session.scalar(
        select(func.max(Measurement.period)).where(
            Measurement.agreement_id == agreement.id
        )
    )
    periods, start, stop = _period(last or last_month(ids), months)
    data = ReportData(
        title=f"Insight report: {agreement.name}",
        subtitle=_subtitle(agreement),
        scope=ReportScope.AGREEMENT,
        months=months,
        start=start,
        end=stop,
        generated_at=datetime.now(UTC),
        include_quotes=include_quotes,
        agreement_ids=ids,
        agreement=agreement,
    )
    data.sections = [_section(agreement, user, periods, include_quotes)]
    _add_sessions_actions(data, ids, customer_ids=())
    return data


def _customer_report(
    customer: Customer,
    user: User | None,
    months: int,
    end: date | None,
    include_quotes: bool,
) -> ReportData:
    allowed = visible_ids(user)
    agreements = customer_agreements(customer, allowed)
    tree = queries.children_map()
    ids = sorted({i for a in agreements for i in queries.subtree_ids(a, allowed, tree)})
    summary = customer_perception(customer, user, months, end or last_month(ids))
    if not include_quotes and summary is not None:
        summary.positive, summary.negative = [], []
        summary.themes = [replace(t, example="") for t in summary.themes]
        summary.unmet = [replace(t, example="") for t in summary.unmet]
    periods, start, stop = _period(end or last_month(ids), months)
    data = ReportData(
        title=f"Insight report: {customer.name}",
        subtitle=f"Customer, {len(agreements)} SLA(s)",
        scope=ReportScope.CUSTOMER,
        months=months,
        start=start,
        end=stop,
        generated_at=datetime.now(UTC),
        include_quotes=include_quotes,
        agreement_ids=ids,
        customer=CustomerSummary(customer, summary),
    )
    if summary is not None:
        lines = sorted(
            summary.slas,
            key=lambda s: (not s.verdict.alignment.mismatch, s.agreement.name),
        )
        data.rows = [Row(s.agreement, s.verdict) for s in lines]
        chosen = [s.agreement for s in lines]
    else:
        chosen = []
    data.sections = [
        _section(a, user, periods, include_quotes) for a in chosen[:MAX_SECTIONS]
    ]
    data.omitted = max(0, len(chosen) - MAX_SECTIONS)
    _add_sessions_actions(data, ids, customer_ids=account_ids(customer))
    return data


def _portfolio_report(
    user: User | None, months: int, end: date | None, include_quotes: bool
) -> ReportData:
    result = portfolio(user, months, end=end)
    ids = sorted(r.agreement.id for r in result.rows)
    periods = result.months
    stop = add_months(periods[-1], 1) - timedelta(days=1)
    data = ReportData(
        title="Insight report: portfolio",
        subtitle=f"{len(result.rows)} SLA(s)",
        scope=ReportScope.PORTFOLIO,
        months=months,
        start=periods[0],
        end=stop,
        generated_at=datetime.now(UTC),
        include_quotes=include_quotes,
        agreement_ids=ids,
        rows=result.rows,
    )
    # Rows come mismatches (watermelon, reverse) first: they get the detail.
    chosen = [r.agreement for r in result.rows][:MAX_SECTIONS]
    data.sections = [_section(a, user, periods, include_quotes) for a in chosen]
    data.omitted = max(0, len(result.rows) - len(chosen))
    _add_sessions_actions(data, ids, customer_ids=())
    return data


def _subtitle(agreement: Agreement) -> str:
    parts = [agreement.level.value.capitalize() + " SLA"]
    if agreement.customer is not None:
        parts.append(agreement.customer.name)
    if agreement.service is not None:
        parts.append(agreement.service.name)
    return ", ".join(parts)


def _section(
    agreement: Agreement, user: User | None, periods: list[date], include_quotes: bool
) -> SlaSection:
    grid = agreement_grid(agreement, periods)
    perception = sla_perception(agreement, grid, user)
    today = date.today()
    if perception is None:
        evidence = _empty(agreement, today)
        series: list[SeriesPoint] = []
        figure: dict[str, Any] = {}
    else:
        evidence = perception_json(perception, today)
        series = [
            SeriesPoint(
                month=p.start,
                mean=p.sentiment.value if p.sentiment.enough else None,
                n=p.n,
                low=p.sentiment.low if p.sentiment.enough else None,
                high=p.sentiment.high if p.sentiment.enough else None,
                compliance=c,
            )
            for p, c in zip(perception.points, _align(perception), strict=True)
        ]
        figure = perception.figure
    if not include_quotes:
        # Theme examples are answer text too: they go with the quotes.
        evidence["quotes"] = {"positive": [], "negative": []}
        for theme in [*evidence["themes"], *evidence["unmet_needs"]]:
            theme["example"] = ""
    return SlaSection(
        agreement=agreement,
        evidence=evidence,
        series=series,
        figure=figure,
        history=history(agreement),
    )


def _align(perception: Any) -> list[float | None]:
    """Compliance per point (the grid's months and the series' months match)."""
    compliance = list(perception.compliance)
    n = len(perception.points)
    return (compliance + [None] * n)[:n]


def history(agreement: Agreement) -> list[VersionLine]:
    """Every published version, newest first, with its changes and decisions."""
    versions: list[AgreementVersion] = list(agreement.versions)
    out = []
    for i, version in enumerate(versions):
        before = versions[i - 1] if i else None
        out.append(
            VersionLine(
                number=version.number,
                effective_from=version.effective_from,
                effective_to=version.effective_to,
                change_note=version.change_note,
                changes=changes(before, version),
                decisions=list(version.decisions or []),
            )
        )
    return out[::-1]


def _add_sessions_actions(
    data: ReportData, ids: Collection[int], customer_ids: Collection[int]
) -> None:
    """Sessions held in the period about the report's SLAs (or customer), and the
    action items about them that are open now or were closed since the period began
    (what was promised and what became of it, even when promised after the period)."""
    id_list = list(ids)
    owners = list(customer_ids)
    about = [session_agreements.c.agreement_id.in_(id_list)] if id_list else []
    discussed = select(session_agreements.c.session_id).where(*about)
    session_filter = []
    if id_list:
        session_filter.append(ListeningSession.id.in_(discussed))
    if owners:
        session_filter.append(ListeningSession.customer_id.in_(owners))
    if session_filter:
        data.sessions = list(
            db.session.scalars(
                select(ListeningSession)
                .where(
                    or_(*session_filter),
                    ListeningSession.held_on >= data.start,
                    ListeningSession.held_on <= data.end,
                )
                .order_by(ListeningSession.held_on.desc(), ListeningSession.id.desc())
                .limit(MAX_SESSIONS)
            )
        )
    action_filter = []
    if id_list:
        action_filter.append(ActionItem.agreement_id.in_(id_list))
    if owners:
        action_filter.append(ActionItem.customer_id.in_(owners))
    if action_filter:
        low = datetime.combine(data.start, time.min, UTC)
        data.actions = list(
            db.session.scalars(
                select(ActionItem)
                .where(
                    or_(*action_filter),
                    or_(ActionItem.closed_at.is_(None), ActionItem.closed_at >= low),
                )
                .order_by(ActionItem.due_on, ActionItem.id)
                .limit(MAX_ACTIONS)
            )
        )


def month_label(day: date) -> str:
    return month_start(day).strftime("%b %Y")
