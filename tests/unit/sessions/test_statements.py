"""Splitting a session's log into statements, choosing their SLA, reconciling edits."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from engage.models import (
    Agreement,
    AgreementStatus,
    Aspect,
    Direction,
    Feedback,
    Level,
    Objective,
    Service,
    StatementKind,
)
from engage.sessions.statements import (
    agreement_for,
    in_log_order,
    received_at,
    reconcile,
    session_statements,
    split_statements,
    strip_bullet,
)

_ids = itertools.count(1)
AVAILABILITY = Aspect(id=1, name="Availability")
SERVICE_DESK = Aspect(id=2, name="Service desk")
COST = Aspect(id=3, name="Cost")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Backups are fine", "Backups are fine"),
        ("* Backups are fine", "Backups are fine"),
        ("•Backups are fine", "Backups are fine"),
        ("• Backups are fine", "Backups are fine"),
        ("1. Backups are fine", "Backups are fine"),
        ("12) Backups are fine", "Backups are fine"),
        ("a) Backups are fine", "Backups are fine"),
        ("   – Backups are fine  ", "Backups are fine"),
        # Not bullets: a number that starts the sentence, a negative number.
        ("99.9% availability all quarter", "99.9% availability all quarter"),
        ("-5 degrees in the server room", "-5 degrees in the server room"),
        ("I think so", "I think so"),
    ],
)
def test_strip_bullet(line: str, expected: str) -> None:
    assert strip_bullet(line) == expected


def test_lines_then_sentences() -> None:
    text = (
        "- Backups are green. But the restore took two days!\n"
        "\n"
        "2. Dr. Smith wants a named contact\n"
        "   \n"
        "• Thanks for the quick fix on Friday."
    )
    assert split_statements(text) == [
        "Backups are green.",
        "But the restore took two days!",
        "Dr. Smith wants a named contact",
        "Thanks for the quick fix on Friday.",
    ]


def test_empty_text_has_no_statements() -> None:
    assert split_statements("") == []
    assert split_statements(" \n - \n*  \n") == []


def test_session_statements_keep_their_field_and_order() -> None:
    assert session_statements("One. Two.", "- Ask", "We will do it.") == [
        (StatementKind.NOTE, "One."),
        (StatementKind.NOTE, "Two."),
        (StatementKind.ASK, "Ask"),
        (StatementKind.COMMITMENT, "We will do it."),
    ]


def test_received_at_is_noon_utc_on_the_day() -> None:
    assert received_at(date(2026, 3, 4)) == datetime(2026, 3, 4, 12, tzinfo=UTC)


# -- which SLA a statement is filed under ------------------------------------------


def agreement(level: Level, name: str, parent: Agreement | None = None) -> Agreement:
    return Agreement(
        id=next(_ids),
        name=name,
        level=level,
        parent=parent,
        status=AgreementStatus.ACTIVE,
        version=1,
    )


def clause(owner: Agreement, aspect: Aspect) -> Objective:
    objective = Objective(
        id=next(_ids),
        aspect=aspect,
        aspect_id=aspect.id,
        metric=f"{aspect.name} metric",
        target=1,
        unit="%",
        direction=Direction.AT_LEAST,
    )
    owner.objectives.append(objective)
    return objective


@pytest.fixture
def tree() -> dict[str, Agreement]:
    corporate = agreement(Level.CORPORATE, "Corporate")
    clause(corporate, SERVICE_DESK)
    customer = agreement(Level.CUSTOMER, "Acme SLA", corporate)
    hosting = agreement(Level.SERVICE, "Acme / Hosting", customer)
    clause(hosting, AVAILABILITY)
    desk = agreement(Level.SERVICE, "Acme / Desk", customer)
    clause(desk, SERVICE_DESK)
    return {"customer": customer, "hosting": hosting, "desk": desk}


def test_the_sla_whose_clauses_cover_the_aspect(tree: dict[str, Agreement]) -> None:
    discussed = [tree["customer"], tree["desk"], tree["hosting"]]
    assert agreement_for(AVAILABILITY.id, discussed) is tree["hosting"]


def test_an_own_clause_beats_an_inherited_one(tree: dict[str, Agreement]) -> None:
    # Every SLA under the corporate one inherits its service-desk clause; the desk
    # SLA overrides nothing but defines its own, so it is the most specific.
    discussed = [tree["customer"], tree["hosting"], tree["desk"]]
    assert agreement_for(SERVICE_DESK.id, discussed) is tree["desk"]


def test_a_more_specific_level_beats_a_broader_one(tree: dict[str, Agreement]) -> None:
    # Both inherit the clause: the service SLA is more specific than the customer one.
    discussed = [tree["customer"], tree["hosting"]]
    assert agreement_for(SERVICE_DESK.id, discussed) is tree["hosting"]


def test_no_cover_falls_back_to_the_only_or_first_sla(
    tree: dict[str, Agreement],
) -> None:
    assert agreement_for(COST.id, [tree["hosting"]]) is tree["hosting"]
    assert agreement_for(None, [tree["desk"], tree["hosting"]]) is tree["desk"]
    assert agreement_for(COST.id, [tree["desk"], tree["hosting"]]) is tree["desk"]


def test_no_sla_discussed_means_none() -> None:
    assert agreement_for(AVAILABILITY.id, []) is None


# -- reconciling an edit --------------------------------------------------------------


def row(kind: StatementKind, text: str) -> Feedback:
    return Feedback(id=next(_ids), statement_kind=kind, text=text)


def test_reconcile_keeps_unchanged_removes_gone_adds_new() -> None:
    a = row(StatementKind.NOTE, "Same.")
    b = row(StatementKind.NOTE, "Gone.")
    c = row(StatementKind.ASK, "Same.")
    plan = reconcile(
        [a, b, c],
        [
            (StatementKind.NOTE, "Same."),
            (StatementKind.NOTE, "New."),
            (StatementKind.COMMITMENT, "Same."),
        ],
    )
    assert plan.keep == [a]
    # The same words moved to another field are a different statement.
    assert plan.remove == [b, c]
    assert plan.add == [
        (StatementKind.NOTE, "New."),
        (StatementKind.COMMITMENT, "Same."),
    ]


def test_reconcile_counts_repeats() -> None:
    first, second = row(StatementKind.NOTE, "Again."), row(StatementKind.NOTE, "Again.")
    plan = reconcile([first, second], [(StatementKind.NOTE, "Again.")])
    assert plan.keep == [first]
    assert plan.remove == [second]
    assert plan.add == []


def test_in_log_order_follows_the_text_not_the_ids() -> None:
    old = row(StatementKind.NOTE, "Second.")
    new = row(StatementKind.NOTE, "First.")
    ask = row(StatementKind.ASK, "Please.")
    groups = in_log_order(
        [old, new, ask],
        [
            (StatementKind.NOTE, "First."),
            (StatementKind.NOTE, "Second."),
            (StatementKind.ASK, "Please."),
        ],
    )
    assert groups[StatementKind.NOTE] == [new, old]
    assert groups[StatementKind.ASK] == [ask]
    assert groups[StatementKind.COMMITMENT] == []


def test_a_named_service_breaks_a_tie(tree: dict[str, Agreement]) -> None:
    tree["hosting"].service = Service(id=next(_ids), name="Cloud hosting")
    tree["desk"].service = Service(id=next(_ids), name="Service desk")
    both = [tree["desk"], tree["hosting"]]
    # Communication: no clause covers it; the statement names the hosting service.
    text = "Great communication during the hosting incident."
    assert agreement_for(COST.id, both, text) is tree["hosting"]
    assert agreement_for(None, both, "Nothing about either.") is tree["desk"]
    # A clause still decides before a mention does.
    assert agreement_for(AVAILABILITY.id, both, "The desk was down.") is tree["hosting"]
