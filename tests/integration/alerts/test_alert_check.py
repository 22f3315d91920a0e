"""The check: which verdict changes raise alerts, for whom, and only once."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engage.alerts.check import check_alerts, recipients
from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    Alert,
    AlertKind,
    PerceptionState,
    Role,
)
from tests.factories import make_agreement, make_user
from tests.integration.alerts.conftest import (
    MONTHS,
    content,
    falling,
    sla,
    unhappy,
)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Alert)) or 0


def test_first_sight_watermelon_alerts_the_owner_once(app: Flask) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER, name="Olive Owner")
        make_user(Role.ADMIN)  # has an owner, so admins are not told
        hosting = sla("Acme / Hosting", owner)
        unhappy(hosting)
        db.session.commit()

        alerts = check_alerts(db.session)
        db.session.commit()
        assert [(a.kind, a.user, a.agreement) for a in alerts] == [
            (AlertKind.WATERMELON, owner, hosting)
        ]
        text = alerts[0].message
        assert text.startswith("Acme / Hosting turned watermelon:")
        assert "Targets met in 6 of 6 measured months" in text
        assert "mean sentiment -0.52 (n = 5" in text
        state = db.session.get(PerceptionState, hosting.id)
        assert state is not None
        assert (state.alignment, state.direction) == ("watermelon", "flat")

        # Idempotent: nothing changed, nothing new.
        assert check_alerts(db.session) == []
        db.session.commit()
        # Staying a watermelon, even with more complaints, raises nothing either.
        unhappy(hosting, MONTHS[-2])
        db.session.commit()
        assert check_alerts(db.session) == []
        assert _count() == 1


def test_green_sla_alerts_nothing_until_it_turns_watermelon(app: Flask) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER)
        desk = sla("Desk", owner)
        content(desk)
        db.session.commit()
        assert check_alerts(db.session) == []
        db.session.commit()
        state = db.session.get(PerceptionState, desk.id)
        assert state is not None
        assert state.alignment == "green"

        # Twice as many complaints as praise: the mean drops below zero.
        unhappy(desk)
        unhappy(desk, MONTHS[-2])
        db.session.commit()
        alerts = check_alerts(db.session)
        db.session.commit()
        assert [(a.kind, a.user_id) for a in alerts] == [
            (AlertKind.WATERMELON, owner.id)
        ]


def test_flat_to_falling_alerts_falling(app: Flask) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER)
        # Breached targets: red, never a watermelon, so only the trend can alert.
        network = sla("Network", owner, met=False)
        for month in MONTHS:
            unhappy(network, month)
        db.session.commit()
        assert check_alerts(db.session) == []
        db.session.commit()
        state = db.session.get(PerceptionState, network.id)
        assert state is not None
        assert (state.alignment, state.direction) == ("red", "flat")

        falling(network)
        db.session.commit()
        alerts = check_alerts(db.session)
        db.session.commit()
        assert [a.kind for a in alerts] == [AlertKind.FALLING]
        assert "is falling significantly" in alerts[0].message
        assert "trend falling (Mann-Kendall p = 0.0" in alerts[0].message
        assert check_alerts(db.session) == []


def test_falling_and_watermelon_at_once_raise_both(app: Flask) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER)
        cloud = sla("Cloud", owner)
        falling(cloud, start=0.4)  # still positive on average, but falling
        db.session.commit()
        alerts = check_alerts(db.session)
        assert sorted(a.kind for a in alerts) == [
            AlertKind.FALLING,
            AlertKind.WATERMELON,
        ]


def test_recipients_fall_back_to_an_ancestor_owner_then_to_admins(
    app: Flask,
) -> None:
    with app.app_context():
        parent_owner = make_user(Role.MANAGER)
        gone = make_user(Role.MANAGER, active=False)
        admin_a, admin_b = make_user(Role.ADMIN), make_user(Role.ADMIN)
        make_user(Role.ADMIN, active=False)
        make_user(Role.VIEWER)
        acme = sla("Acme", parent_owner)
        hosting = sla("Acme / Hosting", gone, parent=acme)
        orphan = sla("Orphan")
        assert recipients(db.session, acme) == [parent_owner]
        # An inactive owner counts as none: the parent's owner hears instead.
        assert recipients(db.session, hosting) == [parent_owner]
        assert recipients(db.session, orphan) == [admin_a, admin_b]

        unhappy(orphan)
        db.session.commit()
        alerts = check_alerts(db.session)
        assert {a.user_id for a in alerts} == {admin_a.id, admin_b.id}
        assert {a.kind for a in alerts} == {AlertKind.WATERMELON}


def test_draft_and_retired_slas_are_not_checked(app: Flask) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER)
        retired = sla("Retired", owner)
        retired.retire()
        unhappy(retired)
        draft = make_agreement(name="Draft")
        draft.owner = owner
        db.session.commit()
        assert draft.status is AgreementStatus.DRAFT
        assert check_alerts(db.session) == []
        checked = db.session.scalars(select(PerceptionState.agreement_id)).all()
        assert retired.id not in checked
        assert draft.id not in checked
        # Positive control: the same data on a live SLA alerts.
        live = sla("Live", owner)
        unhappy(live)
        db.session.commit()
        assert [a.agreement for a in check_alerts(db.session)] == [live]
        assert db.session.get(Agreement, retired.id) is not None
