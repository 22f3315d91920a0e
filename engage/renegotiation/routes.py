"""The renegotiation workbench: evidence, proposals per clause, and recording them.

For staff who may edit the SLA. Proposals are made while the SLA is in review; a
refused step keeps what was typed and says why; a bad id is a 404, never a 500.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engage import audit
from engage.agreements.routes import me
from engage.auth.access import (
    agreement_or_404,
    can_edit_agreement,
    require,
    staff_only,
)
from engage.extensions import db
from engage.models import Agreement, AgreementStatus, DomainError, Proposal
from engage.renegotiation import proposing, recording, rules
from engage.renegotiation.forms import AdditionForm, ChangeForm, RecordForm
from engage.sla.tree import effective_objectives

bp = Blueprint("renegotiation", __name__, url_prefix="/staff")
staff_only(bp)


def _editable(agreement_id: int) -> Agreement:
    """The SLA, 404 when hidden from this user, 403 when they may only read it."""
    agreement = agreement_or_404(agreement_id)
    require(can_edit_agreement(current_user, agreement))
    return agreement


def evidence_for(agreement: Agreement) -> dict[str, Any]:
    """The evidence section (helper module in engage.perception), as JSON-able data."""
    from engage.perception.evidence import build_evidence

    evidence: dict[str, Any] = build_evidence(agreement, current_user)
    return evidence


def _back(agreement: Agreement) -> Response:
    return redirect(
        url_for("renegotiation.workbench", agreement_id=agreement.id), code=303
    )


def _closed(agreement: Agreement) -> Response | None:
    """A redirect with a notice when the SLA is not under review (no forms shown)."""
    if agreement.status is AgreementStatus.IN_REVIEW:
        return None
    flash(proposing.NOT_IN_REVIEW, "error")
    return _back(agreement)


def render_workbench(
    agreement: Agreement,
    *,
    change_form: ChangeForm | None = None,
    addition_form: AdditionForm | None = None,
    record_form: RecordForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The workbench page, with the form that failed (if any) keeping its input."""
    in_review = agreement.status is AgreementStatus.IN_REVIEW
    clauses = []
    for effective in effective_objectives(agreement) if in_review else []:
        objective = effective.objective
        form = (
            change_form
            if change_form is not None and change_form.objective.id == objective.id
            else ChangeForm(objective=objective, formdata=None)
        )
        clauses.append((effective, form))
    proposals = proposing.pending(agreement) if in_review else []
    return (
        render_template(
            "engage/renegotiation/workbench.html",
            agreement=agreement,
            in_review=in_review,
            evidence=evidence_for(agreement),
            clauses=clauses,
            proposals=[(p, proposing.describe(p)) for p in proposals],
            addition_form=addition_form or AdditionForm(formdata=None),
            record_form=record_form or RecordForm(agreement=agreement, formdata=None),
            text_of=rules.objective_text,
        ),
        status,
    )


@bp.get("/agreements/<int:agreement_id>/renegotiation")
def workbench(agreement_id: int) -> tuple[str, int]:
    """The evidence for an SLA next to the proposed changes to its clauses."""
    return render_workbench(_editable(agreement_id))


@bp.post("/agreements/<int:agreement_id>/renegotiation/clauses/<int:objective_id>")
def propose_change(agreement_id: int, objective_id: int) -> Response | tuple[str, int]:
    """Propose tightening, relaxing or dropping one clause in force."""
    agreement = _editable(agreement_id)
    if refused := _closed(agreement):
        return refused
    in_force = {e.objective.id: e.objective for e in effective_objectives(agreement)}
    if objective_id not in in_force:
        abort(404)
    form = ChangeForm(objective=in_force[objective_id])
    if not form.validate_on_submit():
        return render_workbench(agreement, change_form=form, status=422)
    try:
        proposal = proposing.propose_change(
            agreement,
            objective_id,
            form.action.data,
            form.target.data,
            form.reason.data or "",
            me(),
        )
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return render_workbench(agreement, change_form=form, status=422)
    _audit_proposal(agreement, proposal)
    db.session.commit()
    flash(f"Proposed: {proposing.describe(proposal)}.", "success")
    return _back(agreement)


@bp.post("/agreements/<int:agreement_id>/renegotiation/additions")
def propose_addition(agreement_id: int) -> Response | tuple[str, int]:
    """Propose a new clause: a perception target or a measured metric."""
    agreement = _editable(agreement_id)
    if refused := _closed(agreement):
        return refused
    form = AdditionForm()
    if not form.validate_on_submit():
        return render_workbench(agreement, addition_form=form, status=422)
    try:
        proposal = proposing.propose_addition(
            agreement, form.new_clause(), form.reason.data or "", me()
        )
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return render_workbench(agreement, addition_form=form, status=422)
    _audit_proposal(agreement, proposal)
    db.session.commit()
    flash(f"Proposed: {proposing.describe(proposal)}.", "success")
    return _back(agreement)


def _audit_proposal(agreement: Agreement, proposal: Proposal) -> None:
    audit.record(
        me(),
        "renegotiation.propose",
        agreement,
        f"Proposed on {agreement.name}: {proposing.describe(proposal)}",
        proposal_id=proposal.id,
        proposal_action=proposal.action,
        objective_id=proposal.objective_id,
        new_target=proposal.target,
        reason=proposal.reason,
    )


@bp.post(
    "/agreements/<int:agreement_id>/renegotiation/proposals/<int:proposal_id>/delete"
)
def remove_proposal(agreement_id: int, proposal_id: int) -> Response:
    """Withdraw a pending proposal."""
    agreement = _editable(agreement_id)
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.agreement_id != agreement.id:
        abort(404)
    text = proposing.describe(proposal)
    try:
        proposing.remove_proposal(proposal)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(agreement)
    audit.record(
        me(),
        "renegotiation.withdraw",
        agreement,
        f"Withdrew on {agreement.name}: {text}",
        proposal_id=proposal_id,
    )
    db.session.commit()
    flash(f"Removed: {text}.", "success")
    return _back(agreement)


@bp.post("/agreements/<int:agreement_id>/renegotiation/record")
def record(agreement_id: int) -> Response | tuple[str, int]:
    """Apply every proposal and publish the next version with its evidence."""
    agreement = _editable(agreement_id)
    if refused := _closed(agreement):
        return refused
    form = RecordForm(agreement=agreement)
    if not form.validate_on_submit():
        return render_workbench(agreement, record_form=form, status=422)
    note = (form.note.data or "").strip()
    evidence = evidence_for(agreement)
    try:
        version = recording.record(
            agreement, form.effective_from.data, note, me(), evidence
        )
    except DomainError as error:
        # Nothing of the renegotiation stays: the proposals wait, unchanged.
        db.session.rollback()
        form.form_errors.append(str(error))
        return render_workbench(agreement, record_form=form, status=422)
    audit.record(
        me(),
        "renegotiation.record",
        agreement,
        f"Recorded the renegotiation of {agreement.name}: version {version.number}",
        version=version.number,
        effective_from=version.effective_from,
        note=note,
        decisions=version.decisions,
    )
    db.session.commit()
    flash(
        f"Version {version.number} is in force from "
        f"{version.effective_from.isoformat()} with {len(version.decisions)} "
        "decision(s).",
        "success",
    )
    return redirect(
        url_for("agreements.detail", agreement_id=agreement.id, _anchor="history"),
        code=303,
    )
