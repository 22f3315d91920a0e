"""Publishing, renegotiating and retiring SLAs (registered on the agreements blueprint).

An illegal step (a ``DomainError``) is flashed and redirected to the agreement, never a
500; a form with missing or bad values is shown again on the agreement page.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engage import audit
from engage.agreements import service
from engage.agreements.forms import PublishForm, RetireForm
from engage.agreements.routes import bp, me, render_detail
from engage.auth.access import agreement_or_404, can_edit_agreement, require
from engage.extensions import db
from engage.models import Agreement, DomainError
from engage.sla import versions


def _back(agreement_id: int) -> Response:
    return redirect(url_for("agreements.detail", agreement_id=agreement_id), code=303)


def _refused(agreement_id: int, error: DomainError) -> Response:
    db.session.rollback()
    flash(str(error), "error")
    return _back(agreement_id)


def _editable(agreement_id: int) -> Agreement:
    agreement = agreement_or_404(agreement_id)
    require(can_edit_agreement(current_user, agreement))
    return agreement


@bp.post("/agreements/<int:agreement_id>/publish")
def publish(agreement_id: int) -> Response | str:
    """Put a draft or renegotiated SLA in force as its next version."""
    agreement = _editable(agreement_id)
    form = PublishForm(agreement=agreement)
    if not form.validate_on_submit():
        return render_detail(agreement, publish_form=form)
    note = (form.note.data or "").strip()
    try:
        number = service.publish_agreement(
            agreement, on=form.effective_from.data, note=note, by=me()
        )
    except DomainError as error:
        return _refused(agreement_id, error)
    audit.record(
        me(),
        "agreement.publish",
        agreement,
        f"Published {agreement.name} version {number}",
        version=number,
        effective_from=form.effective_from.data,
        note=note,
    )
    db.session.commit()
    flash(f"Version {number} is in force from {form.effective_from.data}.", "success")
    return _back(agreement.id)


@bp.post("/agreements/<int:agreement_id>/review")
def review(agreement_id: int) -> Response:
    """Open a renegotiation: clauses become editable, the published version stays."""
    agreement = _editable(agreement_id)
    try:
        agreement.start_review()
    except DomainError as error:
        return _refused(agreement_id, error)
    audit.record(
        me(),
        "agreement.review",
        agreement,
        f"Started renegotiating {agreement.name} (version {agreement.version} in force)",
        version=agreement.version,
    )
    db.session.commit()
    flash(
        f"Renegotiation started. Version {agreement.version} stays in force until you "
        "publish the next one.",
        "success",
    )
    if request.form.get("next") == "workbench":
        # Started from the renegotiation workbench: carry on proposing there.
        return redirect(
            url_for("renegotiation.workbench", agreement_id=agreement.id), code=303
        )
    return _back(agreement.id)


@bp.post("/agreements/<int:agreement_id>/retire")
def retire(agreement_id: int) -> Response | str:
    """End an SLA on a date; its history stays."""
    agreement = _editable(agreement_id)
    form = RetireForm()
    if not form.validate_on_submit():
        return render_detail(agreement, retire_form=form)
    try:
        versions.retire(agreement, on=form.effective_to.data)
    except DomainError as error:
        return _refused(agreement_id, error)
    audit.record(
        me(),
        "agreement.retire",
        agreement,
        f"Retired {agreement.name} on {form.effective_to.data}",
        effective_to=form.effective_to.data,
        note=(form.note.data or "").strip(),
    )
    db.session.commit()
    flash(f"{agreement.name} is retired from {form.effective_to.data}.", "success")
    return _back(agreement.id)
