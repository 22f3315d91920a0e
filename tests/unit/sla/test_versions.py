"""Publishing, renegotiating and retiring agreements, and version changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask

from engage.extensions import db
from engage.models import Agreement, AgreementStatus, Direction, DomainError, Level
from engage.sla.versions import changes, publish, retire, snapshot
from tests.factories import make_agreement, make_objective


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def draft(ctx: None) -> Agreement:
    agreement = make_agreement(Level.CORPORATE, name="Corporate")
    make_objective(agreement, metric="Uptime", target=99.5)
    make_objective(
        agreement,
        metric="First response",
        target=30,
        unit="minutes",
        direction=Direction.AT_MOST,
        aspect_name="Response time",
    )
    return agreement


def test_first_publication(draft: Agreement) -> None:
    version = publish(draft, on=date(2025, 1, 1), note=" First ", by=None)
    db.session.flush()
    assert draft.status is AgreementStatus.ACTIVE
    assert draft.version == version.number == 1
    assert draft.effective_from == date(2025, 1, 1)
    assert version.effective_to is None
    assert version.change_note == "First"
    assert [c["metric"] for c in version.objectives] == ["Uptime", "First response"]
    assert version.objectives == snapshot(draft)


def test_renegotiation_closes_the_previous_version(draft: Agreement) -> None:
    first = publish(draft, on=date(2025, 1, 1), note="", by=None)
    draft.start_review()
    assert draft.clauses_editable
    draft.objectives[0].target = 99.9
    second = publish(draft, on=date(2025, 7, 1), note="Better uptime", by=None)
    assert draft.version == second.number == 2
    assert first.effective_to == date(2025, 7, 1)
    assert second.effective_to is None
    # The agreement started with the first version and keeps that date.
    assert draft.effective_from == date(2025, 1, 1)
    # The first version's clauses stay as they were published.
    assert first.objectives[0]["target"] == 99.5
    assert second.objectives[0]["target"] == 99.9


def test_later_version_needs_a_note(draft: Agreement) -> None:
    publish(draft, on=date(2025, 1, 1), note="", by=None)
    draft.start_review()
    with pytest.raises(DomainError, match="what changed"):
        publish(draft, on=date(2025, 7, 1), note="   ", by=None)
    assert draft.status is AgreementStatus.IN_REVIEW
    assert draft.version == 1


def test_version_cannot_predate_the_previous_one(draft: Agreement) -> None:
    publish(draft, on=date(2025, 1, 1), note="", by=None)
    draft.start_review()
    with pytest.raises(DomainError, match="before version 1"):
        publish(draft, on=date(2024, 12, 31), note="Oops", by=None)
    assert draft.status is AgreementStatus.IN_REVIEW
    assert len(draft.versions) == 1


@pytest.mark.parametrize("status", [AgreementStatus.ACTIVE, AgreementStatus.RETIRED])
def test_publish_refused_outside_draft_and_review(
    draft: Agreement, status: AgreementStatus
) -> None:
    publish(draft, on=date(2025, 1, 1), note="", by=None)
    draft.status = status
    with pytest.raises(DomainError, match="cannot become active"):
        publish(draft, on=date(2025, 2, 1), note="Again", by=None)
    assert draft.version == 1


def test_retire_ends_agreement_and_current_version(draft: Agreement) -> None:
    version = publish(draft, on=date(2025, 1, 1), note="", by=None)
    retire(draft, on=date(2025, 12, 31))
    assert draft.status is AgreementStatus.RETIRED
    assert draft.effective_to == version.effective_to == date(2025, 12, 31)
    with pytest.raises(DomainError):
        draft.start_review()


def test_retire_refused_for_draft_and_before_start(draft: Agreement) -> None:
    with pytest.raises(DomainError, match="draft cannot become retired"):
        retire(draft, on=date(2025, 1, 1))
    publish(draft, on=date(2025, 6, 1), note="", by=None)
    with pytest.raises(DomainError, match="cannot end before"):
        retire(draft, on=date(2025, 5, 31))
    assert draft.status is AgreementStatus.ACTIVE


def test_changes_between_versions(draft: Agreement) -> None:
    first = publish(draft, on=date(2025, 1, 1), note="", by=None)
    uptime, response = draft.objectives
    draft.start_review()
    uptime.target = 99.9
    # Added before the removal: SQLite reuses the highest deleted id otherwise.
    make_objective(draft, metric="Backups", target=100)
    draft.objectives.remove(response)
    db.session.flush()
    second = publish(draft, on=date(2025, 7, 1), note="Renegotiated", by=None)
    result = changes(first, second)
    assert [(c.kind, c.metric, c.before, c.after) for c in result] == [
        ("changed", "Uptime", ">= 99.5 %", ">= 99.9 %"),
        ("added", "Backups", "", ">= 100 %"),
        ("removed", "First response", "<= 30 minutes", ""),
    ]
    assert [c.kind for c in changes(None, first)] == ["added", "added"]
    assert changes(second, second) == []
