"""The feedback import page: upload a CSV of comments, read the per-line report."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Response, render_template
from flask_login import current_user

from engage.auth.access import role_required, staff_only
from engage.extensions import db
from engage.imports import service
from engage.imports.feedback_csv import CsvFileError, sample_csv
from engage.imports.forms import FeedbackImportForm
from engage.models import Role, User, utcnow

bp = Blueprint("imports", __name__, url_prefix="/staff")
staff_only(bp)

#: Rows of an error report shown on the page; the counts always cover every row.
REPORT_LIMIT = 500
#: The sample's customer and SLA when the importer has none yet.
PLACEHOLDER = ("Acme Manufacturing", "Acme managed services")


def _me() -> User:
    return cast(User, current_user._get_current_object())


def _page(
    form: FeedbackImportForm,
    report: service.ImportReport | None = None,
    filename: str = "",
) -> str:
    return render_template(
        "engage/imports/feedback_import.html",
        form=form,
        report=report,
        filename=filename,
        report_limit=REPORT_LIMIT,
        listing=service.directory_for(_me()).listing(),
    )


@bp.route("/feedback/import", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.MANAGER)
def feedback_import() -> str | tuple[str, int]:
    """Import a CSV of comments: valid rows are stored, bad ones reported by line."""
    form = FeedbackImportForm()
    if not form.validate_on_submit():
        return (_page(form), 422) if form.is_submitted() else _page(form)
    upload = form.file.data
    filename = (upload.filename or "file.csv")[:100]
    dry_run = bool(form.validate_only.data)
    try:
        parsed = service.read_csv(upload.read(), _me(), utcnow().date())
    except CsvFileError as error:
        form.file.errors = [str(error)]
        return _page(form), 422
    report = service.import_rows(parsed, dry_run=dry_run)
    if not dry_run:
        service.record_import(report, _me(), filename)
        db.session.commit()
    # The report is the answer: a redirect would lose it, and sending the same file
    # again is harmless (its rows are then already present).
    return _page(form, report, filename)


@bp.get("/feedback/import/sample.csv")
@role_required(Role.ADMIN, Role.MANAGER)
def feedback_sample() -> Response:
    """A sample file naming the importer's first customers and SLAs."""
    pairs = [
        (customer.display_name, agreements[0].name)
        for customer, agreements in service.directory_for(_me()).listing()
        if agreements
    ]
    body = sample_csv(pairs[:2] or [PLACEHOLDER], utcnow().date())
    # The BOM makes spreadsheet programs read the file as UTF-8; the import skips it.
    return Response(
        "\ufeff" + body,
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="feedback-sample.csv"',
            "Cache-Control": "no-store",
        },
    )
