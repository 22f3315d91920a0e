"""Staff downloads of the tabular exports: CSV (streamed) and XLSX (temp file, streamed).

Registered on the reports blueprint when :mod:`engage.reports.routes` imports this module,
and sharing its rules (:func:`~engage.reports.routes.may_export`,
:func:`~engage.reports.routes.build`): staff only, viewers cannot export (403), managers
only their customers' SLAs (404 for the rest, as if they did not exist), the same
``months``/``quotes`` parameters, and every export is audited.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import abort, request, stream_with_context
from flask_login import current_user
from werkzeug.wrappers import Response

from engage import audit
from engage.extensions import db
from engage.models.share import ReportScope
from engage.reports.content import ReportData
from engage.reports.csv_export import feedback_csv, responses_csv
from engage.reports.routes import bp, build, may_export
from engage.reports.workbook import report_xlsx, stream_file

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_KINDS = ("feedback", "responses")
FORMATS = "any(csv, xlsx)"


def _attachment(
    body: Iterator[str] | Iterator[bytes], name: str, mime: str
) -> Response:
    response = Response(stream_with_context(body), mimetype=mime)
    # Werkzeug quotes the value (and adds filename* for non-ASCII): RFC 6266.
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _audit(data: ReportData, fmt: str, rows: str | None) -> None:
    audit.record(
        current_user,
        "report.export",
        data.agreement or (data.customer.customer if data.customer else None),
        f"{fmt.upper()} {data.scope.value} report, {data.months} months",
        format=fmt,
        rows=rows,
        scope=data.scope.value,
        months=data.months,
        quotes=data.include_quotes,
    )
    db.session.commit()


@bp.get(f"/staff/reports/<any(agreement, customer):scope>/<int:id>.<{FORMATS}:fmt>")
@bp.get(f"/staff/reports/<any(portfolio):scope>.<{FORMATS}:fmt>")
@may_export
def export_table(scope: str, fmt: str, id: int | None = None) -> Response:
    """A report's tables: CSV of feedback or responses, or the XLSX workbook.

    ``?months=3|6|12|36`` (default 12), ``?quotes=0`` leaves out free text, and for
    CSV ``?rows=feedback|responses`` (default feedback).
    """
    rows = request.args.get("rows", "feedback")
    if fmt == "csv" and rows not in ROW_KINDS:
        abort(400, "rows must be feedback or responses.")
    data = build(ReportScope(scope), id)
    _audit(data, fmt, rows if fmt == "csv" else None)
    if fmt == "xlsx":
        path = report_xlsx(data)
        return _attachment(stream_file(path), f"{data.slug}.xlsx", XLSX_MIMETYPE)
    writer = responses_csv if rows == "responses" else feedback_csv
    body = writer(data.agreement_ids, data.start, data.end, data.include_quotes)
    return _attachment(body, f"{data.slug}-{rows}.csv", "text/csv; charset=utf-8")
