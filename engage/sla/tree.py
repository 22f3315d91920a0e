"""The agreement tree: where an agreement may hang, and the clauses in force for it."""

from __future__ import annotations

from dataclasses import dataclass

from engage.models import Agreement, Customer, DomainError, Level, Objective, Service


@dataclass(frozen=True)
class EffectiveObjective:
    """A clause in force for an agreement, and where it came from."""

    objective: Objective
    #: The agreement that defines ``objective``.
    source: Agreement
    #: True when ``source`` is an ancestor: the clause is inherited as it stands.
    inherited: bool
    #: The ancestor clause that ``objective`` replaces, if it is an override.
    replaces: Objective | None = None


def ancestors(agreement: Agreement) -> list[Agreement]:
    """The chain above ``agreement``, root first."""
    chain: list[Agreement] = []
    node = agreement.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain[::-1]


def effective_objectives(
    agreement: Agreement, *, include_dropped: bool = False
) -> list[EffectiveObjective]:
    """Resolve inheritance: every ancestor's clauses, overridden ones replaced in place.

    A child inherits its parent's clauses unless it overrides them (DESIGN.md section 2);
    an override keeps the position of the clause it replaces.

    :param include_dropped: keep clauses a renegotiation dropped (``dropped_in`` set).
        They bind nothing now, but a compliance grid still judges the months before
        the drop, so it asks for them; every "in force" listing leaves them out.
    """
    in_force: dict[int, EffectiveObjective] = {}
    #: objective id -> the id of the root clause it stands for
    lineage: dict[int, int] = {}
    for node in [*ancestors(agreement), agreement]:
        inherited = node is not agreement
        for objective in node.objectives:
            key = lineage.get(objective.overrides_id or -1)
            if key is None:
                key = objective.id
                in_force[key] = EffectiveObjective(objective, node, inherited)
            else:
                replaced = in_force[key].objective
                in_force[key] = EffectiveObjective(objective, node, inherited, replaced)
            lineage[objective.id] = key
    # Filtered only now: a dropped override still hides the clause it replaced.
    return [
        e
        for e in in_force.values()
        if include_dropped or e.objective.dropped_in is None
    ]


def is_perception_target(objective: Objective) -> bool:
    """Whether ``objective`` is judged from feedback rather than measured.

    ``measure`` is None on an object not flushed yet: a measured clause by default.
    """
    return objective.measure is not None and objective.measure.is_perception


def measured_objectives(agreement: Agreement) -> list[EffectiveObjective]:
    """Clauses in force that take measurements: perception targets are judged from
    feedback, so measurement entry and CSV import do not offer them."""
    return [
        e
        for e in effective_objectives(agreement)
        if not is_perception_target(e.objective)
    ]


def overridable(agreement: Agreement) -> list[EffectiveObjective]:
    """Inherited clauses that ``agreement`` does not override yet."""
    return [e for e in effective_objectives(agreement) if e.inherited]


def check_placement(
    level: Level,
    parent: Agreement | None,
    customer: Customer | None,
    service: Service | None,
) -> None:
    """Enforce the three-level shape: corporate -> customer -> service.

    :raise DomainError: with a message for the form.
    """
    if level is Level.CORPORATE:
        if parent or customer or service:
            raise DomainError(
                "A corporate agreement has no parent, customer or service."
            )
        return
    if customer is None:
        raise DomainError(f"A {level.value} agreement needs a customer.")
    if parent is not None and parent.level is not level.parent_level:
        raise DomainError(
            f"A {level.value} agreement hangs under a {level.parent_level} agreement."
        )
    if level is Level.CUSTOMER:
        if service is not None:
            raise DomainError(
                "A customer agreement has no service; use a service agreement."
            )
        return
    if service is None:
        raise DomainError("A service agreement needs a service.")
    if parent is None:
        raise DomainError("A service agreement hangs under the customer's agreement.")
    if parent.customer_id != customer.id:
        raise DomainError(
            "A service agreement belongs to the same customer as its parent."
        )


def check_override(agreement: Agreement, replaced: Objective) -> None:
    """An override must replace a clause inherited from an ancestor.

    :raise DomainError: when ``replaced`` is not an inherited clause in force.
    """
    if replaced.id not in {e.objective.id for e in overridable(agreement)}:
        raise DomainError(
            "Only a clause inherited from a parent agreement can be overridden."
        )
