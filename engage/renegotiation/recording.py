"""Recording a renegotiation: apply every pending proposal and publish the next version.

:func:`record` applies the proposals and publishes the next version with its decisions
and the evidence they were decided on, frozen. Functions add and flush, never commit:
the view records the audit event and commits once, and rolls back on a ``DomainError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from engage.agreements import service as agreements
from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementVersion,
    DomainError,
    Objective,
    Proposal,
    ProposalAction,
    User,
)
from engage.renegotiation.proposing import (
    NewClause,
    check_addition,
    check_open,
    check_proposal,
    clause_in_force,
    describe,
    pending,
)
from engage.renegotiation.rules import objective_text


def _check_all(agreement: Agreement, proposals: Sequence[Proposal]) -> None:
    """Every proposal still holds against the clauses as they stand now."""
    for proposal in proposals:
        if proposal.action is ProposalAction.ADD:
            assert proposal.aspect is not None
            assert proposal.measure is not None
            assert proposal.direction is not None
            assert proposal.target is not None
            check_addition(
                NewClause(
                    proposal.aspect,
                    proposal.measure,
                    proposal.direction,
                    proposal.target,
                    proposal.metric,
                    proposal.unit,
                ),
                proposal.reason,
            )
            continue
        if proposal.objective_id is None:
            raise DomainError(
                "A proposal lost its clause; remove it and propose again."
            )
        try:
            objective = clause_in_force(agreement, proposal.objective_id).objective
            check_proposal(objective, proposal.action, proposal.target, proposal.reason)
        except DomainError as error:
            raise DomainError(
                f"“{describe(proposal)}” no longer holds: {error}"
            ) from None


def _copy(objective: Objective, target: float) -> agreements.Clause:
    return agreements.Clause(
        aspect=objective.aspect,
        metric=objective.metric,
        target=target,
        unit=objective.unit,
        direction=objective.direction,
        description=objective.description,
    )


def _apply(agreement: Agreement, proposal: Proposal, number: int) -> dict[str, Any]:
    """Apply one checked proposal; return its decision as plain data."""
    if proposal.action is ProposalAction.ADD:
        assert proposal.aspect is not None
        assert proposal.measure is not None
        assert proposal.direction is not None
        assert proposal.target is not None
        added = agreements.add_objective(
            agreement,
            agreements.Clause(
                aspect=proposal.aspect,
                metric=proposal.metric,
                target=proposal.target,
                unit=proposal.unit,
                direction=proposal.direction,
                description=proposal.reason,
            ),
        )
        added.measure = proposal.measure
        return _decision(proposal, added, "", objective_text(added))
    assert proposal.objective_id is not None
    effective = clause_in_force(agreement, proposal.objective_id)
    clause = effective.objective
    before = objective_text(clause)
    if effective.inherited:
        # The parent's clause stays as it is for its other children: this SLA
        # overrides it (DESIGN.md section 2), and the override carries the change.
        target = clause.target if proposal.target is None else proposal.target
        own = agreements.add_objective(agreement, _copy(clause, target), clause)
        own.measure = clause.measure
    else:
        own = clause
    if proposal.action is ProposalAction.DROP:
        own.dropped_in = number
        after = "dropped"
    else:
        assert proposal.target is not None
        own.target = proposal.target
        after = objective_text(own)
    db.session.flush()
    return _decision(proposal, own, before, after)


def _decision(
    proposal: Proposal, objective: Objective, before: str, after: str
) -> dict[str, Any]:
    return {
        "action": proposal.action.value,
        "objective_id": objective.id,
        "metric": objective.metric,
        "aspect": objective.aspect.name,
        "before": before,
        "after": after,
        "reason": proposal.reason,
    }


def record(
    agreement: Agreement,
    on: date,
    note: str,
    by: User | None,
    evidence: dict[str, Any] | None,
) -> AgreementVersion:
    """Apply every pending proposal and publish the next version from ``on``.

    Everything is checked before anything changes; the caller commits once, or rolls
    back on a ``DomainError`` so nothing is half-applied.

    :param evidence: the workbench's evidence, frozen into the version as it was.
    :raise DomainError: not in review, no proposals, a proposal that no longer holds,
        no change note, or ``on`` before the version in force took effect.
    """
    check_open(agreement)
    proposals = pending(agreement)
    if not proposals:
        raise DomainError("Propose at least one change before recording.")
    if not note.strip():
        raise DomainError("Say why: the change note is the renegotiation's reason.")
    last = agreement.versions[-1] if agreement.versions else None
    if last is not None and on < last.effective_from:
        raise DomainError(
            f"Choose {last.effective_from.isoformat()} (when version {last.number} "
            "took effect) or later."
        )
    _check_all(agreement, proposals)
    number = agreement.version + 1
    decisions = [_apply(agreement, p, number) for p in proposals]
    agreements.publish_agreement(agreement, on=on, note=note, by=by)
    version = agreement.versions[-1]
    version.decisions = decisions
    version.evidence = evidence
    for proposal in proposals:
        db.session.delete(proposal)
    db.session.flush()
    return version
