"""Proposals on an SLA under review: validate, propose, remove and describe them.

Proposals gather while the SLA is in review (the published version stays in force).
Functions add and flush, never commit: the view records the audit event and commits
once, and rolls back on a ``DomainError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    Aspect,
    Direction,
    DomainError,
    Measure,
    Objective,
    Proposal,
    ProposalAction,
    User,
)
from engage.renegotiation.rules import (
    check_change,
    check_range,
    default_metric,
    objective_text,
    target_text,
)
from engage.sla.perception_targets import UNITS
from engage.sla.tree import EffectiveObjective, effective_objectives

NOT_IN_REVIEW = (
    "Start a renegotiation first: proposals are made while the SLA is in review."
)


def check_open(agreement: Agreement) -> None:
    """:raise DomainError: the SLA is not under review."""
    if agreement.status is not AgreementStatus.IN_REVIEW:
        raise DomainError(NOT_IN_REVIEW)


def clause_in_force(agreement: Agreement, objective_id: int) -> EffectiveObjective:
    """The clause in force for ``agreement`` with that id (own or inherited).

    :raise DomainError: no such clause binds the agreement now.
    """
    for effective in effective_objectives(agreement):
        if effective.objective.id == objective_id:
            return effective
    raise DomainError("That clause is not in force for this SLA.")


def pending(agreement: Agreement) -> list[Proposal]:
    """The proposals waiting to be recorded, oldest first."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.agreement_id == agreement.id)
            .order_by(Proposal.created_at, Proposal.id)
        )
    )


def propose_change(
    agreement: Agreement,
    objective_id: int,
    action: ProposalAction,
    target: float | None,
    reason: str,
    by: User | None,
) -> Proposal:
    """Propose tightening, relaxing or dropping a clause in force.

    A second proposal on the same clause replaces the first.

    :raise DomainError: not in review, not a clause in force, a target that does not
        tighten or relax, or a drop without a reason.
    """
    check_open(agreement)
    if action is ProposalAction.ADD:
        raise DomainError("Use the form for a new clause to add one.")
    objective = clause_in_force(agreement, objective_id).objective
    check_proposal(objective, action, target, reason)
    for old in pending(agreement):
        if old.objective_id == objective.id:
            db.session.delete(old)
    proposal = Proposal(
        agreement=agreement,
        objective=objective,
        action=action,
        target=target if action is not ProposalAction.DROP else None,
        reason=reason.strip(),
        created_by=by,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def check_proposal(
    objective: Objective, action: ProposalAction, target: float | None, reason: str
) -> None:
    if action is ProposalAction.DROP:
        if not reason.strip():
            raise DomainError("Say why the clause is dropped.")
        return
    check_change(
        action,
        objective.direction,
        objective.target,
        target,
        objective.measure or Measure.METRIC,
    )


@dataclass(frozen=True)
class NewClause:
    """What a proposed new clause is about and how it is judged."""

    aspect: Aspect
    measure: Measure
    direction: Direction
    target: float
    metric: str = ""
    unit: str = ""


def propose_addition(
    agreement: Agreement, clause: NewClause, reason: str, by: User | None
) -> Proposal:
    """Propose a new clause, usually a perception target.

    :raise DomainError: not in review, a target outside the measure's range, a
        measured clause without a metric name, or no reason.
    """
    check_open(agreement)
    check_addition(clause, reason)
    metric = clause.metric.strip() or default_metric(clause.measure, clause.aspect.name)
    proposal = Proposal(
        agreement=agreement,
        action=ProposalAction.ADD,
        target=clause.target,
        aspect=clause.aspect,
        measure=clause.measure,
        direction=clause.direction,
        metric=metric,
        unit=UNITS.get(clause.measure, "")
        if clause.measure.is_perception
        else clause.unit.strip(),
        reason=reason.strip(),
        created_by=by,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def check_addition(clause: NewClause, reason: str) -> None:
    if not math.isfinite(clause.target):
        raise DomainError("Enter an ordinary number as the target.")
    check_range(clause.measure, clause.target)
    if clause.measure is Measure.METRIC and not clause.metric.strip():
        raise DomainError("Name the metric of a measured clause.")
    if not reason.strip():
        raise DomainError("Say what the customer needs this clause for.")


def remove_proposal(proposal: Proposal) -> None:
    """Withdraw a pending proposal.

    :raise DomainError: the SLA is no longer in review.
    """
    check_open(proposal.agreement)
    db.session.delete(proposal)
    db.session.flush()


def describe(proposal: Proposal) -> str:
    """One line for the pending list: ``Tighten Availability: >= 99.5 % -> 99.9``."""
    if proposal.action is ProposalAction.ADD:
        measure = proposal.measure or Measure.METRIC
        direction = proposal.direction or Direction.AT_LEAST
        text = target_text(measure, direction, proposal.target or 0.0, proposal.unit)
        return f"Add {proposal.metric}: {text}"
    objective = proposal.objective
    assert objective is not None
    if proposal.action is ProposalAction.DROP:
        return f"Drop {objective.metric} ({objective_text(objective)})"
    after = target_text(
        objective.measure or Measure.METRIC,
        objective.direction,
        proposal.target or 0.0,
        objective.unit,
    )
    return (
        f"{proposal.action.label} {objective.metric}: "
        f"{objective_text(objective)} → {after}"
    )
