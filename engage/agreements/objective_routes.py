"""The clause editor: own clauses and overrides of inherited ones.

Registered on the agreements blueprint. Clauses change only while the agreement is a
draft or under renegotiation; otherwise the editor explains how to open one.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engage import audit
from engage.agreements import service
from engage.agreements.forms import ObjectiveForm
from engage.agreements.routes import bp, me
from engage.auth.access import agreement_or_404, can_edit_agreement, require
from engage.extensions import db
from engage.models import Agreement, DomainError, Objective
from engage.sla.tree import check_override


def _back(agreement: Agreement) -> Response:
    return redirect(url_for("agreements.detail", agreement_id=agreement.id), code=303)


def _editable(agreement: Agreement) -> Response | None:
    """403 for a user who may not edit; a redirect with a notice for frozen clauses."""
    require(can_edit_agreement(current_user, agreement))
    if not agreement.clauses_editable:
        flash(service.LOCKED_CLAUSES, "error")
        return _back(agreement)
    return None


def _objective_or_404(objective_id: int) -> Objective:
    objective = db.session.get(Objective, objective_id)
    if objective is None:
        abort(404)
    agreement_or_404(objective.agreement_id)
    return objective


def _clause(form: ObjectiveForm) -> service.Clause:
    return service.Clause(
        aspect=form.aspect_object(),
        metric=form.metric.data,
        target=form.target.data,
        unit=form.unit.data or "",
        direction=form.direction.data,
        description=form.description.data or "",
    )


def _details(objective: Objective) -> dict[str, Any]:
    return {
        "agreement_id": objective.agreement_id,
        "aspect": objective.aspect.name,
        "metric": objective.metric,
        "target_text": objective.target_text,
        "overrides_id": objective.overrides_id,
    }


def _page(
    form: ObjectiveForm,
    agreement: Agreement,
    title: str,
    replaces: Objective | None = None,
    objective: Objective | None = None,
) -> str:
    return render_template(
        "engage/agreements/objective_form.html",
        form=form,
        agreement=agreement,
        title=title,
        replaces=replaces,
        objective=objective,
    )


@bp.route("/agreements/<int:agreement_id>/objectives/new", methods=["GET", "POST"])
def objective_create(agreement_id: int) -> Response | str:
    """Add a clause of the agreement's own."""
    agreement = agreement_or_404(agreement_id)
    if refused := _editable(agreement):
        return refused
    form = ObjectiveForm()
    if form.validate_on_submit():
        try:
            objective = service.add_objective(agreement, _clause(form))
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            audit.record(
                me(),
                "objective.create",
                objective,
                f"Added clause {objective.metric} {objective.target_text} "
                f"to {agreement.name}",
                **_details(objective),
            )
            db.session.commit()
            flash(f"Added the clause “{objective.metric}”.", "success")
            return _back(agreement)
    return _page(form, agreement, "New clause")


@bp.route(
    "/agreements/<int:agreement_id>/objectives/<int:objective_id>/override",
    methods=["GET", "POST"],
)
def objective_override(agreement_id: int, objective_id: int) -> Response | str:
    """Replace an inherited clause for this agreement and its children."""
    agreement = agreement_or_404(agreement_id)
    if refused := _editable(agreement):
        return refused
    inherited = db.session.get(Objective, objective_id)
    if inherited is None:
        abort(404)
    try:
        # Before showing anything of it: the clause must be inherited by this agreement.
        check_override(agreement, inherited)
    except DomainError as error:
        flash(str(error), "error")
        return _back(agreement)
    form = ObjectiveForm(
        objective=inherited,
        data={
            "aspect": inherited.aspect_id,
            "metric": inherited.metric,
            "target": inherited.target,
            "unit": inherited.unit,
            "direction": inherited.direction,
            "description": inherited.description,
        },
    )
    if form.validate_on_submit():
        try:
            objective = service.add_objective(agreement, _clause(form), inherited)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
            return _back(agreement)
        audit.record(
            me(),
            "objective.override",
            objective,
            f"{agreement.name} overrides {inherited.metric} "
            f"{inherited.target_text} with {objective.target_text}",
            replaces=inherited.target_text,
            **_details(objective),
        )
        db.session.commit()
        flash(f"{agreement.name} now overrides “{inherited.metric}”.", "success")
        return _back(agreement)
    return _page(
        form, agreement, f"Override “{inherited.metric}”", inherited, inherited
    )


@bp.route("/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
def objective_edit(objective_id: int) -> Response | str:
    """Change one of the agreement's own clauses."""
    objective = _objective_or_404(objective_id)
    agreement = objective.agreement
    if refused := _editable(agreement):
        return refused
    before = objective.target_text
    form = ObjectiveForm(
        objective=objective,
        data={
            "aspect": objective.aspect_id,
            "metric": objective.metric,
            "target": objective.target,
            "unit": objective.unit,
            "direction": objective.direction,
            "description": objective.description,
        },
    )
    if form.validate_on_submit():
        try:
            service.update_objective(objective, _clause(form))
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            audit.record(
                me(),
                "objective.update",
                objective,
                f"Changed clause {objective.metric} of {agreement.name}: "
                f"{before} -> {objective.target_text}",
                before=before,
                **_details(objective),
            )
            db.session.commit()
            flash(f"Saved the clause “{objective.metric}”.", "success")
            return _back(agreement)
    return _page(
        form, agreement, f"Edit “{objective.metric}”", objective.overrides, objective
    )


@bp.post("/objectives/<int:objective_id>/delete")
def objective_delete(objective_id: int) -> Response:
    """Remove one of the agreement's own clauses (or an override)."""
    objective = _objective_or_404(objective_id)
    agreement = objective.agreement
    if refused := _editable(agreement):
        return refused
    audit.record(
        me(),
        "objective.delete",
        objective,
        f"Deleted clause {objective.metric} {objective.target_text} "
        f"from {agreement.name}",
        **_details(objective),
    )
    try:
        service.delete_objective(objective)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(agreement)
    db.session.commit()
    flash("Deleted the clause.", "success")
    return _back(agreement)
