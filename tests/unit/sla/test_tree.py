"""The agreement tree: inheritance, overrides and placement rules (no app needed)."""

from __future__ import annotations

import itertools

import pytest

from engage.models import (
    Agreement,
    AgreementStatus,
    Aspect,
    Customer,
    Direction,
    DomainError,
    Level,
    Objective,
    Service,
)
from engage.sla.tree import (
    ancestors,
    check_override,
    check_placement,
    effective_objectives,
    overridable,
)

_ids = itertools.count(1)
AVAILABILITY = Aspect(id=1, name="Availability")


def agreement(
    level: Level, parent: Agreement | None = None, customer: Customer | None = None
) -> Agreement:
    return Agreement(
        id=next(_ids),
        name=f"{level.value} {next(_ids)}",
        level=level,
        parent=parent,
        customer=customer,
        customer_id=customer.id if customer else None,
        status=AgreementStatus.DRAFT,
        version=0,
    )


def clause(
    owner: Agreement, metric: str, target: float, overrides: Objective | None = None
) -> Objective:
    objective = Objective(
        id=next(_ids),
        aspect=AVAILABILITY,
        metric=metric,
        target=target,
        unit="%",
        direction=Direction.AT_LEAST,
        overrides=overrides,
        overrides_id=overrides.id if overrides else None,
    )
    owner.objectives.append(objective)
    return objective


@pytest.fixture
def chain() -> tuple[Agreement, Agreement, Agreement]:
    acme = Customer(id=next(_ids), name="Acme")
    corporate = agreement(Level.CORPORATE)
    customer = agreement(Level.CUSTOMER, corporate, acme)
    service = agreement(Level.SERVICE, customer, acme)
    return corporate, customer, service


def test_ancestors_root_first(chain: tuple[Agreement, Agreement, Agreement]) -> None:
    corporate, customer, service = chain
    assert ancestors(service) == [corporate, customer]
    assert ancestors(corporate) == []


def test_child_inherits_every_ancestor_clause_in_tree_order(
    chain: tuple[Agreement, Agreement, Agreement],
) -> None:
    corporate, customer, service = chain
    uptime = clause(corporate, "Uptime", 99.5)
    response = clause(customer, "First response", 30)
    restore = clause(service, "Restore", 4)
    result = effective_objectives(service)
    assert [e.objective for e in result] == [uptime, response, restore]
    assert [e.source for e in result] == [corporate, customer, service]
    assert [e.inherited for e in result] == [True, True, False]
    assert all(e.replaces is None for e in result)


def test_override_replaces_in_place_and_parent_keeps_original(
    chain: tuple[Agreement, Agreement, Agreement],
) -> None:
    corporate, customer, _ = chain
    uptime = clause(corporate, "Uptime", 99.5)
    backups = clause(corporate, "Backups", 100)
    own = clause(customer, "Reports", 1)
    better = clause(customer, "Uptime", 99.9, overrides=uptime)
    result = effective_objectives(customer)
    # The override takes the position of the clause it replaces, not its own.
    assert [e.objective for e in result] == [better, backups, own]
    assert result[0].replaces is uptime
    assert result[0].inherited is False
    assert [e.objective for e in effective_objectives(corporate)] == [uptime, backups]


def test_override_of_an_override_two_levels_down(
    chain: tuple[Agreement, Agreement, Agreement],
) -> None:
    corporate, customer, service = chain
    uptime = clause(corporate, "Uptime", 99.5)
    middle = clause(customer, "Uptime", 99.9, overrides=uptime)
    leaf = clause(service, "Uptime", 99.95, overrides=middle)
    result = effective_objectives(service)
    assert [e.objective for e in result] == [leaf]
    assert result[0].replaces is middle
    # Seen from the service, the customer's override is an inherited clause.
    inherited = effective_objectives(customer)
    assert inherited[0].objective is middle
    assert [e.objective for e in overridable(service)] == []


def test_overridable_lists_only_inherited_clauses_not_yet_overridden(
    chain: tuple[Agreement, Agreement, Agreement],
) -> None:
    corporate, customer, _ = chain
    uptime = clause(corporate, "Uptime", 99.5)
    backups = clause(corporate, "Backups", 100)
    clause(customer, "Reports", 1)
    assert [e.objective for e in overridable(customer)] == [uptime, backups]
    clause(customer, "Uptime", 99.9, overrides=uptime)
    assert [e.objective for e in overridable(customer)] == [backups]


def test_check_override(chain: tuple[Agreement, Agreement, Agreement]) -> None:
    corporate, customer, service = chain
    uptime = clause(corporate, "Uptime", 99.5)
    own = clause(customer, "Reports", 1)
    check_override(customer, uptime)  # inherited: fine
    with pytest.raises(DomainError, match="inherited"):
        check_override(customer, own)  # its own clause
    with pytest.raises(DomainError):
        check_override(corporate, uptime)  # nothing above a corporate SLA
    stranger = clause(agreement(Level.CORPORATE), "Other", 1)
    with pytest.raises(DomainError):
        check_override(service, stranger)  # not in the chain


ACME = Customer(id=900, name="Acme")
GLOBEX = Customer(id=901, name="Globex")
HOSTING = Service(id=902, name="Hosting")
CORPORATE = Agreement(id=903, level=Level.CORPORATE, name="Corporate")
ACME_SLA = Agreement(
    id=904, level=Level.CUSTOMER, name="Acme", customer=ACME, customer_id=ACME.id
)
ACME_HOSTING = Agreement(
    id=905,
    level=Level.SERVICE,
    name="Acme hosting",
    customer=ACME,
    customer_id=ACME.id,
    service=HOSTING,
)


@pytest.mark.parametrize(
    ("level", "parent", "customer", "service"),
    [
        (Level.CORPORATE, None, None, None),
        (Level.CUSTOMER, CORPORATE, ACME, None),
        (Level.CUSTOMER, None, ACME, None),  # a customer SLA may be a root
        (Level.SERVICE, ACME_SLA, ACME, HOSTING),
    ],
)
def test_check_placement_accepts(
    level: Level,
    parent: Agreement | None,
    customer: Customer | None,
    service: Service | None,
) -> None:
    check_placement(level, parent, customer, service)


@pytest.mark.parametrize(
    ("level", "parent", "customer", "service", "message"),
    [
        (Level.CORPORATE, CORPORATE, None, None, "no parent"),
        (Level.CORPORATE, None, ACME, None, "no parent, customer"),
        (Level.CORPORATE, None, None, HOSTING, "service"),
        (Level.CUSTOMER, CORPORATE, None, None, "needs a customer"),
        (Level.CUSTOMER, ACME_SLA, ACME, None, "under a corporate"),
        (Level.CUSTOMER, CORPORATE, ACME, HOSTING, "has no service"),
        (Level.SERVICE, ACME_SLA, None, HOSTING, "needs a customer"),
        (Level.SERVICE, ACME_SLA, ACME, None, "needs a service"),
        (Level.SERVICE, None, ACME, HOSTING, "hangs under the customer"),
        (Level.SERVICE, CORPORATE, ACME, HOSTING, "under a customer"),
        (Level.SERVICE, ACME_HOSTING, ACME, HOSTING, "under a customer"),
        (Level.SERVICE, ACME_SLA, GLOBEX, HOSTING, "same customer"),
    ],
)
def test_check_placement_refuses(
    level: Level,
    parent: Agreement | None,
    customer: Customer | None,
    service: Service | None,
    message: str,
) -> None:
    with pytest.raises(DomainError, match=message):
        check_placement(level, parent, customer, service)
