"""The renegotiation workbench: proposals on an SLA under review, and recording them.

Proposals gather while the SLA is in review (the published version stays in force);
:func:`record` applies them all and publishes the next version with its decisions and
the evidence they were decided on, frozen. Functions add and flush, never commit: the
view records the audit event and commits once, and rolls back on a ``DomainError``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from engage.agreements import service as agreements
from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    Aspect,
    Direction,
    DomainError,
    Measure,
    Objective,
    Proposal,
    ProposalAction,
    User,
)
from engage.sla.perception_targets import RANGES, UNITS
from engage.sla.tree import EffectiveObjective, effective_objectives

NOT_IN_REVIEW = (
    "Start a renegotiation first: proposals are made while the SLA is in review."
)


# -- pure checks (unit-tested without a database) ----------------------------


def stricter(direction: Direction, before: float, after: float) -> bool:
    """Whether ``after`` asks more than ``before``: higher for >=, lower for <=."""
    return after > before if direction is Direction.AT_LEAST else after < before


def check_change(
    action: ProposalAction,
    direction: Direction,
    before: float,
    after: float | None,
    measure: Measure = Measure.METRIC,
) -> None:
    """A tightened target must be stricter than the current one, a relaxed looser.

    :raise DomainError: with a message for the target field.
    """
    if action not in (ProposalAction.TIGHTEN, ProposalAction.RELAX):
        return
    if after is None or not math.isfinite(after):
        raise DomainError(f"Enter the new target to {action.value} it to.")
    check_range(measure, after)
    if after == before:
        raise DomainError(f"The new target equals the current one ({before:g}).")
    higher = "higher" if direction is Direction.AT_LEAST else "lower"
    lower = "lower" if direction is Direction.AT_LEAST else "higher"
    if action is ProposalAction.TIGHTEN and not stricter(direction, before, after):
        raise DomainError(
            f"Tightening {direction.value} {before:g} needs a {higher} target."
        )
    if action is ProposalAction.RELAX and not stricter(direction, after, before):
        raise DomainError(
            f"Relaxing {direction.value} {before:g} needs a {lower} target."
        )


def check_range(measure: Measure, target: float) -> None:
    """A perception target must lie in its measure's range (happiness -100..100 ...).

    :raise DomainError: outside the range.
    """
    if measure in RANGES:
        low, high = RANGES[measure]
        if not low <= target <= high:
            raise DomainError(
                f"A {measure.value} target lies between {low:g} and {high:g}."
            )


def default_metric(measure: Measure, aspect: str) -> str:
    """The name of a perception target, e.g. ``Happiness (service desk)``."""
    names = {
        Measure.HAPPINESS: "Happiness",
        Measure.CSAT: "CSAT",
        Measure.SENTIMENT: "Sentiment",
    }
    return f"{names.get(measure, 'Metric')} ({aspect.lower()})"


def target_text(
    measure: Measure, direction: Direction, target: float, unit: str = ""
) -> str:
    """``happiness >= 40, from feedback`` or ``>= 99.9 %``."""
    text = f"{direction.value} {target:g}{' ' + unit if unit else ''}"
    if measure.is_perception:
        return f"{measure.value} {text}, from feedback"
    return text


def objective_text(objective: Objective) -> str:
    measure = objective.measure or Measure.METRIC
    return target_text(measure, objective.direction, objective.target, objective.unit)


# -- proposals ---------------------------------------------------------------


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
    _check_proposal(objective, action, target, reason)
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


def _check_proposal(
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
    _check_addition(clause, reason)
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


def _check_addition(clause: NewClause, reason: str) -> None:
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


# -- recording ---------------------------------------------------------------


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


def _check_all(agreement: Agreement, proposals: Sequence[Proposal]) -> None:
    """Every proposal still holds against the clauses as they stand now."""
    for proposal in proposals:
        if proposal.action is ProposalAction.ADD:
            assert proposal.aspect is not None
            assert proposal.measure is not None
            assert proposal.direction is not None
            assert proposal.target is not None
            _check_addition(
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
            _check_proposal(
                objective, proposal.action, proposal.target, proposal.reason
            )
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
