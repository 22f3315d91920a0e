"""Recording a renegotiation: one transaction, decisions, evidence and history."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    AuditEvent,
    DomainError,
    Measure,
    Objective,
    Proposal,
)
from engage.sla import versions
from engage.sla.tree import effective_objectives
from tests.integration.renegotiation.conftest import Ids
from tests.integration.renegotiation.test_workbench import start_review, url


def propose_all(admin: FlaskClient, app: Flask, ids: Ids) -> None:
    """Tighten the own Response time, tighten the inherited Availability, drop
    Backup success and add a happiness target."""
    start_review(admin, ids)
    posts = [
        (
            f"/clauses/{ids['response']}",
            {"action": "tighten", "target": "2", "reason": "Outages cost them hours"},
        ),
        (
            f"/clauses/{ids['availability']}",
            {"action": "tighten", "target": "99.9", "reason": "Trading floor"},
        ),
        (
            f"/clauses/{ids['backup']}",
            {"action": "drop", "reason": "They run their own backups"},
        ),
    ]
    for path, fields in posts:
        prefix = f"clause-{path.rsplit('/', 1)[1]}"
        data = {f"{prefix}-{k}": v for k, v in fields.items()}
        assert admin.post(url(ids, path), data=data).status_code == 303
    with app.app_context():
        aspect_id = db.session.get(Objective, ids["response"]).aspect_id
    data = {
        "add-aspect": str(aspect_id),
        "add-measure": "happiness",
        "add-direction": ">=",
        "add-target": "40",
        "add-reason": "Service desk tone is the top complaint",
    }
    assert admin.post(url(ids, "/additions"), data=data).status_code == 303


def record(admin: FlaskClient, ids: Ids, on: str = "2025-04-01", note: str = "Why"):  # noqa: ANN201
    return admin.post(
        url(ids, "/record"),
        data={"record-effective_from": on, "record-note": note},
    )


def test_recording_applies_every_proposal_and_publishes_version_2(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    propose_all(admin, app, world)
    response = record(admin, world, note="Faster answers matter more than backups")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/staff/agreements/{world['acme_sla']}#history"
    )
    with app.app_context():
        acme = db.session.get(Agreement, world["acme_sla"])
        assert acme.status is AgreementStatus.ACTIVE
        assert acme.version == 2
        v1, v2 = acme.versions
        assert v1.effective_to == date(2025, 4, 1)
        assert v2.effective_from == date(2025, 4, 1)
        assert v2.change_note == "Faster answers matter more than backups"
        decisions = {d["metric"]: d for d in v2.decisions}
        assert decisions["Response time"] == {
            "action": "tighten",
            "objective_id": world["response"],
            "metric": "Response time",
            "aspect": "Response time",
            "before": "<= 4 h",
            "after": "<= 2 h",
            "reason": "Outages cost them hours",
        }
        # The corporate clause stays; Acme overrides it.
        corporate_clause = db.session.get(Objective, world["availability"])
        assert corporate_clause.target == 99.5
        override = decisions["Availability"]["objective_id"]
        assert db.session.get(Objective, override).overrides_id == world["availability"]
        assert decisions["Availability"]["after"] == ">= 99.9 %"
        assert decisions["Backup success"]["after"] == "dropped"
        assert db.session.get(Objective, world["backup"]).dropped_in == 2
        added = db.session.get(
            Objective, decisions["Happiness (response time)"]["objective_id"]
        )
        assert added.measure is Measure.HAPPINESS
        assert added.target == 40
        assert v2.evidence is not None
        assert "alignment" in v2.evidence
        in_force = {e.objective.metric: e for e in effective_objectives(acme)}
        assert set(in_force) == {
            "Availability",
            "Response time",
            "Happiness (response time)",
        }
        assert not in_force["Availability"].inherited
        assert db.session.scalar(select(func.count(Proposal.id))) == 0
        kinds = {c.kind: c.metric for c in versions.changes(v1, v2)}
        assert kinds["dropped"] == "Backup success"
        audit = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "renegotiation.record")
        ).one()
        assert audit.details["version"] == 2
        assert len(audit.details["decisions"]) == 4
    page = admin.get(f"/staff/agreements/{world['acme_sla']}").get_data(as_text=True)
    assert "They run their own backups" in page  # a decision's reason
    assert "Evidence at the time" in page
    assert "happiness &gt;= 40" in page  # the perception target in force
    assert "Backup success" in page  # in the history, not in force
    objectives_section = page.split('id="objectives-heading"')[1].split("</section>")[0]
    assert "Backup success" not in objectives_section


def test_nothing_is_recorded_without_a_note_or_proposals(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    start_review(admin, world)
    response = record(admin, world)
    assert response.status_code == 422
    assert "Propose at least one change" in response.get_data(as_text=True)
    response = record(admin, world, note="")
    assert "Say why the SLA changes." in response.get_data(as_text=True)
    response = record(admin, world, on="2024-12-01")
    assert "Choose 2025-01-01" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Agreement, world["acme_sla"]).version == 1


def test_a_stale_proposal_stops_the_recording_and_keeps_the_others(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    propose_all(admin, app, world)
    with app.app_context():
        # Someone edits the clause during the review: "<= 1.5 h" makes 2 a relaxation.
        db.session.get(Objective, world["response"]).target = 1.5
        db.session.commit()
    response = record(admin, world, note="Typed note survives")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "no longer holds" in page
    assert "Typed note survives" in page
    with app.app_context():
        acme = db.session.get(Agreement, world["acme_sla"])
        assert acme.version == 1
        assert acme.status is AgreementStatus.IN_REVIEW
        assert db.session.scalar(select(func.count(Proposal.id))) == 4
        assert len(acme.objectives) == 2
        assert db.session.get(Objective, world["backup"]).dropped_in is None


def test_a_failure_after_applying_leaves_nothing_half_applied(
    app: Flask, admin: FlaskClient, world: Ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    propose_all(admin, app, world)

    def refuse(*args: object, **kwargs: object) -> None:
        raise DomainError("The publication was refused.")

    # Fails after every proposal has been applied and flushed.
    monkeypatch.setattr(versions, "publish", refuse)
    response = record(admin, world)
    assert response.status_code == 422
    assert "The publication was refused." in response.get_data(as_text=True)
    with app.app_context():
        acme = db.session.get(Agreement, world["acme_sla"])
        assert acme.version == 1
        assert acme.status is AgreementStatus.IN_REVIEW
        assert len(acme.objectives) == 2  # no override, no new clause
        assert db.session.get(Objective, world["response"]).target == 4
        assert db.session.get(Objective, world["backup"]).dropped_in is None
        assert db.session.scalar(select(func.count(Proposal.id))) == 4
        assert not db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "renegotiation.record")
        ).all()
