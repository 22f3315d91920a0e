"""Building the report a share link or a scheduled mail shows.

No user is passed to ``report_data``: the subject (one SLA or one customer) was
checked when the link or schedule was made, and the report is confined to it.
"""

from __future__ import annotations

from datetime import date

from engage.models import ReportScope, ShareLink
from engage.models.customer import Customer
from engage.reports.content import ReportData
from engage.reports.data import report_data
from engage.reports.html import render_html, report_csp


def link_report_data(link: ShareLink) -> ReportData | None:
    """The report of ``link``'s SLA or customer, or None if that is gone."""
    if link.scope is ReportScope.AGREEMENT and link.agreement is not None:
        return report_data(
            ReportScope.AGREEMENT,
            None,
            agreement=link.agreement,
            months=link.months,
            end=link.period_end,
            include_quotes=link.include_quotes,
        )
    if link.scope is ReportScope.CUSTOMER and link.customer is not None:
        return report_data(
            ReportScope.CUSTOMER,
            None,
            customer=link.customer,
            months=link.months,
            end=link.period_end,
            include_quotes=link.include_quotes,
        )
    return None  # portfolio links are never made for customers


def render_link_report(link: ShareLink) -> tuple[str, str] | None:
    """The page of ``link`` and the Content-Security-Policy to serve it with."""
    data = link_report_data(link)
    if data is None:
        return None
    html = render_html(data)
    return html, report_csp(html)


def customer_report_html(
    customer: Customer, end: date, include_quotes: bool, months: int = 12
) -> tuple[ReportData, str]:
    """A customer's report over ``months`` ending with ``end``'s month, as one file."""
    data = report_data(
        ReportScope.CUSTOMER,
        None,
        customer=customer,
        months=months,
        end=end,
        include_quotes=include_quotes,
    )
    return data, render_html(data)
