"""Measurements and compliance pages (registered on the agreements blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from engage import audit
from engage.agreements.measurement_forms import ImportForm, MeasurementForm, ValueForm
from engage.agreements.overview import agreement_grid
from engage.agreements.routes import bp
from engage.auth.access import agreement_or_404, can_edit_agreement, require
from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    DomainError,
    Measurement,
    MeasurementSource,
    User,
    utcnow,
)
from engage.sla import measurements as service
from engage.sla.compliance import add_months, month_start
from engage.sla.measurement_csv import CsvFileError, parse_csv, template_csv
from engage.sla.tree import measured_objectives

#: The grid spans one of these many months (``?months=``); anything else is a 400.
MONTH_CHOICES = ("12", "18", "24")
#: Rows of an error report shown on the page; the counts always cover every row.
REPORT_LIMIT = 500
RACE = "Someone else changed these measurements at the same moment; nothing was saved."


def _months() -> str:
    months = request.args.get("months", "12")
    if months not in MONTH_CHOICES:
        abort(400)
    return months


def _back(agreement: Agreement) -> Response:
    """303 to the measurements page, keeping the span of months chosen."""
    url = url_for(
        "agreements.measurements", agreement_id=agreement.id, months=_months()
    )
    return redirect(url, code=303)


def _measurable(agreement: Agreement) -> bool:
    try:
        service.check_measurable(agreement)
    except DomainError as error:
        flash(str(error), "error")
        return False
    return True


def _shown(measurement: Measurement) -> str:
    unit = f" {measurement.objective.unit}" if measurement.objective.unit else ""
    what = f"{measurement.objective.metric} for {measurement.period:%B %Y}"
    return f"{what}: {measurement.value:g}{unit}"


def _me() -> User:
    """The signed-in user itself, not the proxy, to store in a relationship."""
    user: User = current_user._get_current_object()
    return user


def _page(agreement: Agreement, form: MeasurementForm | None) -> str:
    months = _months()
    periods = service.grid_periods(agreement, int(months), utcnow().date())
    return render_template(
        "engage/agreements/measurements.html",
        agreement=agreement,
        grid=agreement_grid(agreement, periods),
        form=form,
        months=months,
        month_choices=MONTH_CHOICES,
        by_month=service.measurements_by_month(agreement, periods[0], periods[-1]),
        can_edit=can_edit_agreement(current_user, agreement),
    )


def _entry_form(agreement: Agreement) -> MeasurementForm | None:
    """The entry form, for those who may record measurements on this agreement."""
    if (
        not can_edit_agreement(current_user, agreement)
        or agreement.status is AgreementStatus.DRAFT
    ):
        return None
    return MeasurementForm(
        objectives=measured_objectives(agreement), today=utcnow().date()
    )


def _save(agreement: Agreement, entry: service.Entry) -> Response:
    """Record a typed-in measurement, audit and commit it, and say what happened."""
    try:
        done = service.record(
            agreement, entry, source=MeasurementSource.MANUAL, by=_me()
        )
    except IntegrityError:
        db.session.rollback()
        flash(RACE, "error")
        return _back(agreement)
    except DomainError as error:  # a perception target, or a month after a drop
        db.session.rollback()
        flash(str(error), "error")
        return _back(agreement)
    measurement = done.measurement
    if done.outcome is service.Outcome.UNCHANGED:
        flash(f"Already recorded, nothing changed: {_shown(measurement)}.", "info")
        return _back(agreement)
    created = done.outcome is service.Outcome.ADDED
    summary = (
        f"Added {_shown(measurement)}"
        if created
        else f"Updated {_shown(measurement)} (was {done.previous:g})"
    )
    audit.record(
        _me(),
        "measurement.create" if created else "measurement.update",
        measurement,
        f"{summary} on {agreement.name}",
        agreement_id=agreement.id,
        objective_id=measurement.objective_id,
        period=measurement.period,
        value=measurement.value,
        previous=done.previous,
    )
    db.session.commit()
    flash(f"{summary}.", "success")
    return _back(agreement)


# -- compliance and manual entry --------------------------------------------


@bp.get("/agreements/<int:agreement_id>/measurements")
def measurements(agreement_id: int) -> str:
    """Compliance per objective and month, the measurements behind it, and entry."""
    agreement = agreement_or_404(agreement_id)
    return _page(agreement, _entry_form(agreement))


@bp.post("/agreements/<int:agreement_id>/measurements")
def record_measurement(agreement_id: int) -> Response | str:
    """Add a measurement, or update the one for the same objective and month."""
    agreement = agreement_or_404(agreement_id)
    require(can_edit_agreement(current_user, agreement))
    if not _measurable(agreement):
        return _back(agreement)
    form = _entry_form(agreement)
    assert form is not None
    if not form.validate_on_submit():
        return _page(agreement, form)
    return _save(agreement, form.entry())


def _measurement_or_404(measurement_id: int) -> tuple[Measurement, Agreement]:
    """The measurement and its agreement, if the current user may change them."""
    measurement = db.session.get(Measurement, measurement_id) or abort(404)
    agreement = agreement_or_404(measurement.agreement_id)
    require(can_edit_agreement(current_user, agreement))
    return measurement, agreement


@bp.route("/measurements/<int:measurement_id>/edit", methods=["GET", "POST"])
def edit_measurement(measurement_id: int) -> Response | str:
    """Correct the value or note of one measurement."""
    measurement, agreement = _measurement_or_404(measurement_id)
    if not _measurable(agreement):
        return _back(agreement)
    form = ValueForm(obj=measurement)
    if form.validate_on_submit():
        assert form.value.data is not None
        note = (form.note.data or "").strip()
        entry = service.Entry(
            measurement.objective, measurement.period, form.value.data, note
        )
        return _save(agreement, entry)
    return render_template(
        "form_page.html",
        form=form,
        title="Edit measurement",
        subtitle=f"{_shown(measurement)} · {agreement.name}",
        submit_label="Save",
        cancel_url=url_for("agreements.measurements", agreement_id=agreement.id),
    )


@bp.post("/measurements/<int:measurement_id>/delete")
def delete_measurement(measurement_id: int) -> Response:
    """Delete one measurement; its month shows as no data again."""
    measurement, agreement = _measurement_or_404(measurement_id)
    summary = f"Deleted {_shown(measurement)}"
    audit.record(
        _me(),
        "measurement.delete",
        measurement,
        f"{summary} on {agreement.name}",
        agreement_id=agreement.id,
        objective_id=measurement.objective_id,
        period=measurement.period,
        value=measurement.value,
    )
    db.session.delete(measurement)
    db.session.commit()
    flash(f"{summary}.", "success")
    return _back(agreement)


# -- CSV import -------------------------------------------------------------


@bp.get("/agreements/<int:agreement_id>/measurements/template.csv")
def measurements_template(agreement_id: int) -> Response:
    """A CSV to fill in: last month, one row per objective in force."""
    agreement = agreement_or_404(agreement_id)
    objectives = [e.objective for e in measured_objectives(agreement)]
    last_month = add_months(month_start(utcnow().date()), -1)
    name = f"measurements-sla-{agreement.id}.csv"
    # The BOM makes spreadsheet programs read the file as UTF-8; the import skips it.
    return Response(
        "\ufeff" + template_csv(objectives, last_month),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/agreements/<int:agreement_id>/measurements/import", methods=["GET", "POST"])
def import_measurements(agreement_id: int) -> Response | str | tuple[str, int]:
    """Import a CSV; every row is checked before anything is stored."""
    agreement = agreement_or_404(agreement_id)
    require(can_edit_agreement(current_user, agreement))
    if not _measurable(agreement):
        return _back(agreement)
    form = ImportForm()
    effective = measured_objectives(agreement)

    def page(**report: object) -> str:
        return render_template(
            "engage/agreements/measurements_import.html",
            agreement=agreement,
            form=form,
            objectives=effective,
            report_limit=REPORT_LIMIT,
            **report,
        )

    if not form.validate_on_submit():
        return page()
    upload = form.file.data
    filename = (upload.filename or "file")[:100]
    try:
        objectives = [e.objective for e in effective]
        parsed = parse_csv(upload.read(), objectives, utcnow().date())
        if not parsed.rows and not parsed.errors:
            raise CsvFileError("The file has a header but no measurements.")
    except CsvFileError as error:
        form.file.errors = [str(error)]
        return page(), 422
    if parsed.errors and not form.skip_invalid.data:
        # All or nothing: one bad row keeps the whole file out.
        return page(parsed=parsed, imported=None), 422
    try:
        counts = service.import_rows(agreement, parsed.rows, by=_me())
    except IntegrityError:
        db.session.rollback()
        flash(RACE, "error")
        return page(), 409
    counts.skipped = len(parsed.errors)
    summary = (
        f"Imported {filename} into {agreement.name}: {counts.added} added, "
        f"{counts.updated} updated, {counts.unchanged} unchanged, "
        f"{counts.skipped} skipped"
    )
    audit.record(
        _me(),
        "measurement.import",
        agreement,
        summary,
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        skipped=counts.skipped,
        filename=filename,
    )
    db.session.commit()
    flash(f"{summary}.", "success")
    if parsed.errors:
        # The skipped rows are shown now: a redirect would lose the report. Sending
        # the form again is harmless, the rows then count as unchanged.
        return page(parsed=parsed, imported=counts)
    return _back(agreement)
