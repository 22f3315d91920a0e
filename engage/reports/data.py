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
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from engage.extensions import db
from engage.models import (
    ActionItem,
    Agreement,
    Customer,
    ListeningSession,
    Measurement,
    User,
)
from engage.models.session import session_agreements
from engage.models.share import ReportScope
from engage.perception import queries
from engage.perception.customer import (
    account_ids,
    customer_agreements,
    customer_perception,
)
from engage.perception.portfolio import Row, last_month, portfolio
from engage.perception.sla import visible_ids
from engage.reports.content import CustomerSummary, ReportData
from engage.reports.sections import sla_section
from engage.sla.compliance import add_months, months_ending

#: SLAs with a detailed section (trend chart, evidence, history) in one report.
MAX_SECTIONS = 25
#: Listening sessions and action items listed in one report.
MAX_SESSIONS = 50
MAX_ACTIONS = 100


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
    data.sections = [sla_section(agreement, user, periods, include_quotes)]
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
        sla_section(a, user, periods, include_quotes) for a in chosen[:MAX_SECTIONS]
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
    data.sections = [sla_section(a, user, periods, include_quotes) for a in chosen]
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
