"""Agreement and clause operations for the staff pages.

They add and flush, never commit: the view records the audit event and commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    Aspect,
    Customer,
    Direction,
    DomainError,
    Level,
    Measurement,
    Objective,
    Service,
    User,
)
from engage.sla import versions
from engage.sla.tree import ancestors, check_override, check_placement

LOCKED_CLAUSES = "Start a renegotiation to change the clauses of a published agreement."
LEVEL_ORDER = {Level.CORPORATE: 0, Level.CUSTOMER: 1, Level.SERVICE: 2}


# -- the tree ---------------------------------------------------------------


@dataclass
class TreeNode:
    agreement: Agreement
    #: False when the node is shown only because a descendant matches the filters.
    matches: bool = True
    children: list[TreeNode] = field(default_factory=list)


def build_forest(
    visible: Sequence[Agreement], matching: Iterable[Agreement]
) -> list[TreeNode]:
    """Nest ``matching`` agreements under their visible ancestors, roots first.

    An agreement whose parent is not shown (a customer SLA without a corporate one)
    becomes a root. Ancestors of a match are shown as context.
    """
    visible_ids = {a.id for a in visible}
    matched = {a.id for a in matching}
    shown = set(matched)
    for agreement in visible:
        if agreement.id in matched:
            shown.update(a.id for a in ancestors(agreement) if a.id in visible_ids)
    nodes = {a.id: TreeNode(a, a.id in matched) for a in visible if a.id in shown}
    roots: list[TreeNode] = []
    for agreement in sorted(
        (n.agreement for n in nodes.values()),
        key=lambda a: (LEVEL_ORDER[a.level], a.name.lower(), a.id),
    ):
        parent = nodes.get(agreement.parent_id or -1)
        (parent.children if parent else roots).append(nodes[agreement.id])
    return roots


# -- agreements -------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where an agreement hangs in the tree."""

    level: Level
    parent: Agreement | None
    customer: Customer | None
    service: Service | None


def create_agreement(
    *,
    name: str,
    placement: Placement,
    owner: User | None,
    description: str,
) -> Agreement:
    """Add a draft agreement at ``placement``.

    :raise DomainError: the placement breaks the three-level shape.
    """
    check_placement(
        placement.level, placement.parent, placement.customer, placement.service
    )
    agreement = Agreement(
        name=name.strip(),
        level=placement.level,
        parent=placement.parent,
        customer=placement.customer,
        service=placement.service,
        owner=owner,
        description=description.strip(),
        status=AgreementStatus.DRAFT,
    )
    db.session.add(agreement)
    db.session.flush()
    return agreement


def update_agreement(
    agreement: Agreement,
    *,
    name: str,
    owner: User | None,
    description: str,
    placement: Placement | None = None,
) -> None:
    """Change an agreement's details, and its placement while it is a draft.

    :raise DomainError: the placement changes after publication, breaks the tree shape,
        would strand child agreements or would orphan the agreement's overrides.
    """
    if placement is not None and placement != current_placement(agreement):
        if agreement.status is not AgreementStatus.DRAFT:
            raise DomainError(
                "Level, parent, customer and service are fixed once an agreement "
                "is published."
            )
        check_placement(
            placement.level, placement.parent, placement.customer, placement.service
        )
        if agreement.children and (
            placement.level is not agreement.level
            or placement.customer is not agreement.customer
        ):
            raise DomainError(
                "This agreement has child agreements: its level and customer stay."
            )
        if placement.parent is not agreement.parent and any(
            o.overrides_id for o in agreement.objectives
        ):
            raise DomainError(
                "This agreement overrides clauses of its parent: delete those "
                "overrides before moving it."
            )
        agreement.level = placement.level
        agreement.parent = placement.parent
        agreement.customer = placement.customer
        agreement.service = placement.service
    agreement.name = name.strip()
    agreement.owner = owner
    agreement.description = description.strip()
    db.session.flush()


def current_placement(agreement: Agreement) -> Placement:
    return Placement(
        agreement.level, agreement.parent, agreement.customer, agreement.service
    )


def deletion_problem(agreement: Agreement) -> str | None:
    """Why ``agreement`` cannot be deleted, or None when it can."""
    if agreement.status is not AgreementStatus.DRAFT:
        return "Only a draft can be deleted; retire a published agreement instead."
    if agreement.children:
        return "Delete or move its child agreements first."
    if last_measured_period(agreement) is not None:
        return "It has measurements."
    return None


def delete_agreement(agreement: Agreement) -> None:
    """Delete a draft agreement with no children or measurements.

    :raise DomainError: when :func:`deletion_problem` names a reason.
    """
    problem = deletion_problem(agreement)
    if problem:
        raise DomainError(f"This agreement cannot be deleted. {problem}")
    db.session.delete(agreement)
    db.session.flush()


def publish_agreement(
    agreement: Agreement, *, on: date, note: str, by: User | None
) -> int:
    """Publish ``agreement`` (:func:`engage.sla.versions.publish`); return the number.

    :raise DomainError: also while the parent is unpublished (its clauses are not in force).
    """
    if agreement.parent is not None and agreement.parent.version == 0:
        raise DomainError(
            f"Publish the parent agreement ({agreement.parent.name}) first."
        )
    version = versions.publish(agreement, on=on, note=note, by=by)
    db.session.flush()
    return version.number


def last_measured_period(agreement: Agreement) -> date | None:
    """The latest month with a measurement for ``agreement``."""
    return db.session.scalar(
        select(func.max(Measurement.period)).where(
            Measurement.agreement_id == agreement.id
        )
    )


# -- clauses ----------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """The editable fields of an objective."""

    aspect: Aspect
    metric: str
    target: float
    unit: str
    direction: Direction
    description: str


def _apply(objective: Objective, clause: Clause) -> None:
    objective.aspect = clause.aspect
    objective.metric = clause.metric.strip()
    objective.target = clause.target
    objective.unit = clause.unit.strip()
    objective.direction = clause.direction
    objective.description = clause.description.strip()


def check_clauses_editable(agreement: Agreement) -> None:
    """:raise DomainError: the agreement's clauses are frozen (active or retired)."""
    if not agreement.clauses_editable:
        raise DomainError(LOCKED_CLAUSES)


def add_objective(
    agreement: Agreement, clause: Clause, overrides: Objective | None = None
) -> Objective:
    """Add a clause to ``agreement``, optionally replacing an inherited one.

    :raise DomainError: the clauses are frozen, or ``overrides`` is not inherited.
    """
    check_clauses_editable(agreement)
    if overrides is not None:
        check_override(agreement, overrides)
    position = max((o.position for o in agreement.objectives), default=-1) + 1
    objective = Objective(overrides=overrides, position=position)
    _apply(objective, clause)
    agreement.objectives.append(objective)
    db.session.flush()
    return objective


def update_objective(objective: Objective, clause: Clause) -> None:
    """Change a clause of a draft or renegotiated agreement.

    :raise DomainError: the clauses are frozen.
    """
    check_clauses_editable(objective.agreement)
    _apply(objective, clause)
    db.session.flush()


def delete_objective(objective: Objective) -> None:
    """Remove a clause that was never measured.

    Overrides of it in child agreements become those agreements' own clauses.

    :raise DomainError: the clauses are frozen, or measurements refer to the clause.
    """
    check_clauses_editable(objective.agreement)
    measured = db.session.scalar(
        select(func.count(Measurement.id)).where(
            Measurement.objective_id == objective.id
        )
    )
    if measured:
        raise DomainError(
            f"This clause has {measured} measurement(s) and cannot be deleted; "
            "change its target instead."
        )
    objective.agreement.objectives.remove(objective)
    db.session.flush()
