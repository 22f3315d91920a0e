"""Pushing feedback with an Idempotency-Key: a retry never stores twice.

draft-ietf-httpapi-idempotency-key-header and SECURITY.md ("Idempotent form
submission"): same key and body -> the original answer; another body -> 422;
no key -> 400.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    Feedback,
    FeedbackKind,
    FeedbackRollup,
    FeedbackSource,
    Slice,
)
from tests.integration.api.conftest import Ids
from tests.integration.api.helpers import Caller

PATH = "/api/v1/feedback"
YESTERDAY = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()


def pushed(app: Flask) -> list[tuple[str, str | None, float | None]]:
    with app.app_context():
        rows = db.session.scalars(
            select(Feedback)
            .where(Feedback.import_key.is_not(None))
            .order_by(Feedback.id)
        )
        return [(r.kind.value, r.text, r.score) for r in rows]


def rollup_total(app: Flask) -> int:
    with app.app_context():
        total = select(func.sum(FeedbackRollup.text_n)).where(
            FeedbackRollup.slice == Slice.ALL
        )
        return int(db.session.scalar(total) or 0)


def body(**changes: Any) -> dict[str, Any]:
    return {
        "items": [
            {
                "customer": "Acme",
                "agreement": "Acme SLA",
                "received_at": YESTERDAY,
                "text": "The outage took two days 😞 — مرحبا",
                "score": 2,
                **changes,
            },
            {
                "customer": "acme",
                "agreement": "Acme SLA",
                "received_at": f"{YESTERDAY}T09:30:00+02:00",
                "text": '=HYPERLINK("http://x") <script>alert(1)</script>',
            },
        ]
    }


def send(api: Caller, payload: Any, key: str | None = "push-0001-abcdef") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return api.post(PATH, payload, headers=headers)


def test_push_stores_comments_and_scores_with_rollups(
    app: Flask, api: Caller, world: Ids
) -> None:
    before = rollup_total(app)
    response = send(api, body())
    assert response.status_code == 201, response.json
    assert response.json["stored"] == 2
    assert response.json["scores"] == 1
    assert pushed(app) == [
        ("text", "The outage took two days 😞 — مرحبا", None),
        ("csat", None, 2.0),
        ("text", '=HYPERLINK("http://x") <script>alert(1)</script>', None),
    ]
    assert rollup_total(app) == before + 2
    with app.app_context():
        row = db.session.get(Feedback, response.json["items"][0]["id"])
        assert row is not None
        assert row.source is FeedbackSource.IMPORT
        assert row.agreement_id == world["acme_sla"]
        assert row.compound is not None


def test_two_identical_posts_store_once_and_answer_the_same(
    app: Flask, api: Caller, world: Ids
) -> None:
    first = send(api, body())
    again = send(api, body())
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(pushed(app)) == 3
    # Positive control: a new key for the same comments stores them again (a new
    # request, as the draft says), so the replay above was the key's doing.
    assert send(api, body(), key="push-0002-abcdef").status_code == 201
    assert len(pushed(app)) == 6


@pytest.mark.parametrize(
    "other",
    [
        body(text="A different comment"),
        body(score=5),
        body(score=None),
        {"items": body()["items"][:1]},
        {"items": [*body()["items"], body()["items"][0]]},
    ],
)
def test_same_key_with_another_body_is_422(
    app: Flask, api: Caller, world: Ids, other: dict[str, Any]
) -> None:
    assert send(api, body()).status_code == 201
    response = send(api, other)
    assert response.status_code == 422
    assert "different request body" in response.json["message"]
    assert len(pushed(app)) == 3


def test_keys_are_scoped_per_api_key(
    app: Flask, api: Caller, new_key: Callable[..., str], world: Ids
) -> None:
    """Two integrations choosing the same Idempotency-Key do not collide."""
    other = Caller(api.client, new_key())
    assert send(api, body()).status_code == 201
    second = send(other, body())
    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert len(pushed(app)) == 6


@pytest.mark.parametrize("key", [None, "", "   ", "short", "x" * 201, "has space in"])
def test_missing_or_malformed_idempotency_key_is_400(
    app: Flask, api: Caller, world: Ids, key: str | None
) -> None:
    response = send(api, body(), key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json["message"]
    assert pushed(app) == []
    assert send(api, body()).status_code == 201  # positive control


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"customer": "Nobody"}, "unknown customer"),
        ({"agreement": "Globex SLA"}, "unknown agreement"),
        ({"received_at": "2999-01-01"}, "in the future"),
        ({"received_at": "01/02/2025"}, "not a date"),
        ({"text": "   "}, "empty"),
        ({"text": "x" * 5001}, "more than"),
        ({"score": 6}, "not a CSAT score"),
        ({"score": 0}, "not a CSAT score"),
    ],
)
def test_the_csv_checks_apply_and_nothing_is_stored(
    app: Flask, api: Caller, world: Ids, changes: dict[str, Any], message: str
) -> None:
    response = send(api, body(**changes))
    assert response.status_code == 422
    problems = response.json["errors"]["json"]["items"]
    assert list(problems) == ["0"]
    assert message in " ".join(problems["0"])
    assert pushed(app) == []
    # A failed attempt does not burn the key: the corrected body goes through.
    assert send(api, body()).status_code == 201


def test_ids_instead_of_names(app: Flask, api: Caller, world: Ids) -> None:
    item = {
        "customer_id": world["acme"],
        "agreement_id": world["acme_sla"],
        "received_at": YESTERDAY,
        "text": "By id",
    }
    assert send(api, {"items": [item]}).status_code == 201
    wrong = {**item, "agreement_id": world["globex_sla"]}
    response = send(api, {"items": [wrong]}, key="push-0003-abcdef")
    assert response.status_code == 422
    assert "not an SLA of Acme" in response.json["errors"]["json"]["items"]["0"][0]


@pytest.mark.parametrize(
    "bad",
    [
        {"text": "nul \x00 byte"},
        {"text": "lone \ud800 surrogate"},
        {"score": "1e309"},
        {"score": True},
        {"staff_note": "mass assignment"},
        {"text": ["an", "array"]},
    ],
)
def test_hostile_values_are_422_not_500(
    app: Flask, api: Caller, world: Ids, bad: dict[str, Any]
) -> None:
    response = send(api, body(**bad))
    assert response.status_code == 422
    assert pushed(app) == []


def test_csat_kind_is_stored(app: Flask, api: Caller, world: Ids) -> None:
    send(api, body())
    with app.app_context():
        kinds = db.session.scalars(
            select(Feedback.kind).where(Feedback.import_key.is_not(None))
        ).all()
    assert kinds.count(FeedbackKind.CSAT) == 1
