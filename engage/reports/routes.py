"""Staff downloads of insight reports: HTML and PDF here.

The CSV and XLSX exports (engage/reports/tabular_routes.py) add their routes to the
same blueprint ``bp`` and the same URL scheme, ``/staff/reports/<scope>/<id>.<fmt>``,
and can share :func:`export_args` and :func:`subject` so the rules stay one.

Exports are code (SECURITY.md): only staff who may change data export (a viewer
reads on screen but takes nothing away, case 25); a manager asking for another
customer's SLA gets the same 404 as the pages; downloads are attachments with names
built from ids, never cached, never sniffed.
"""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engage import audit
from engage.auth.access import agreement_or_404, customer_or_404
from engage.extensions import db
from engage.models import Agreement, Customer
from engage.models.share import ReportScope
from engage.perception.portfolio import PERIOD_CHOICES
from engage.reports.content import ReportData
from engage.reports.data import report_data
from engage.reports.html import render_html, report_csp
from engage.reports.pdf import INSTALL_HINT, PdfError, pdf_available, render_pdf

bp = Blueprint("reports", __name__)

F = TypeVar("F", bound=Any)

MIMETYPES = {"html": "text/html", "pdf": "application/pdf"}


@dataclass(frozen=True)
class ExportArgs:
    months: int
    include_quotes: bool


def export_args() -> ExportArgs:
    """``months`` (3, 6, 12, 36; default 12) and ``quotes`` (0/1; default 1); 400 else."""
    raw = request.args.get("months", "12")
    if not raw.isdigit() or int(raw) not in PERIOD_CHOICES:
        abort(400, description="months must be one of 3, 6, 12, 36.")
    quotes = request.args.get("quotes", "1")
    if quotes not in {"0", "1"}:
        abort(400, description="quotes must be 0 or 1.")
    return ExportArgs(int(raw), quotes == "1")


def may_export(view: F) -> F:
    """Login required; viewers may read but not export (403)."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.can_edit:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def subject(scope: ReportScope, key: int | None) -> Agreement | Customer | None:
    """The report's subject if the current user may see it (404 otherwise)."""
    if scope is ReportScope.AGREEMENT:
        assert key is not None
        return agreement_or_404(key)
    if scope is ReportScope.CUSTOMER:
        assert key is not None
        return customer_or_404(key)
    return None


def build(scope: ReportScope, key: int | None) -> ReportData:
    """The report the current user asked for, with their view of the data."""
    args = export_args()
    found = subject(scope, key)
    return report_data(
        scope,
        current_user,
        agreement=found if isinstance(found, Agreement) else None,
        customer=found if isinstance(found, Customer) else None,
        months=args.months,
        include_quotes=args.include_quotes,
    )


def download(body: bytes, name: str, mimetype: str) -> Response:
    """An attachment (RFC 6266 name from ids), never cached, never sniffed."""
    response = send_file(
        io.BytesIO(body),
        mimetype=mimetype,
        as_attachment=True,
        download_name=name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _unavailable(message: str) -> Response:
    """503 with a plain explanation (the 5xx handler would hide it as an incident)."""
    page = render_template(
        "errors/error.html", code=503, title="PDF unavailable", message=message
    )
    response = Response(page, status=503, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _report(scope: ReportScope, key: int | None, fmt: str) -> Response:
    if fmt not in MIMETYPES:
        abort(404)
    if fmt == "pdf" and not pdf_available():
        return _unavailable(
            f"PDF reports are not enabled on this server: {INSTALL_HINT}."
            " The HTML, XLSX and CSV reports work."
        )
    data = build(scope, key)
    html = render_html(data)
    audit.record(
        current_user,
        "report.export",
        data.agreement or (data.customer.customer if data.customer else None),
        f"{fmt.upper()} {scope.value} report, {data.months} months",
        format=fmt,
        scope=scope.value,
        months=data.months,
        quotes=data.include_quotes,
    )
    db.session.commit()
    if fmt == "html":
        response = download(html.encode("utf-8"), f"{data.slug}.html", "text/html")
        # Should it be opened in place after all: only its own scripts, sandboxed.
        response.headers["Content-Security-Policy"] = report_csp(html)
        return response
    try:
        body = render_pdf(html)
    except PdfError as exc:
        current_app.logger.warning("PDF report failed: %s", exc)
        return _unavailable(
            "The PDF could not be made just now; the HTML report works."
        )
    return download(body, f"{data.slug}.pdf", MIMETYPES["pdf"])


@bp.get("/staff/reports/agreement/<int:agreement_id>.<any(html, pdf):fmt>")
@may_export
def agreement_report(agreement_id: int, fmt: str) -> Response:
    """One SLA (and its subtree) over the chosen period."""
    return _report(ReportScope.AGREEMENT, agreement_id, fmt)


@bp.get("/staff/reports/customer/<int:customer_id>.<any(html, pdf):fmt>")
@may_export
def customer_report(customer_id: int, fmt: str) -> Response:
    """A customer's SLAs, rolled up and one by one."""
    return _report(ReportScope.CUSTOMER, customer_id, fmt)


@bp.get("/staff/reports/portfolio.<any(html, pdf):fmt>")
@may_export
def portfolio_report(fmt: str) -> Response:
    """Every SLA the user may see; the mismatches in detail."""
    return _report(ReportScope.PORTFOLIO, None, fmt)


@bp.app_template_global()
def report_pdf_available() -> bool:
    """Whether the Export card offers PDF (else it says how to enable it)."""
    return pdf_available()


@bp.app_template_global()
def report_install_hint() -> str:
    return INSTALL_HINT


@bp.app_template_global()
def report_tables_available() -> bool:
    """Whether the CSV/XLSX exports are registered (their own module)."""
    return "reports.export_table" in current_app.view_functions


def _load_tabular_routes() -> None:
    """The CSV/XLSX routes register themselves on ``bp`` when imported."""
    try:
        importlib.import_module("engage.reports.tabular_routes")
    except ModuleNotFoundError as exc:
        if exc.name != "engage.reports.tabular_routes":
            raise


_load_tabular_routes()
