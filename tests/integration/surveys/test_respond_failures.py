"""Nothing typed is lost: validation, CSRF expiry, database hiccups (SECURITY.md 5, 12, 13, L6)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from engage.extensions import db
from tests.integration.surveys.respond_helpers import (
    Link,
    counts,
    csrf_token,
    make_link,
)

COMMENT = "Printer on floor 3 still jams; otherwise good."


def checked(html: str, name: str, value: str) -> bool:
    """Whether the radio or checkbox ``name=value`` is rendered checked."""
    for tag in re.findall(r"<input [^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no input {name}={value}")


def _assert_kept(html: str, link: Link, comment: str = COMMENT) -> None:
    """Every typed answer is back in the page."""
    q = {kind: f"q{qid}" for kind, qid in link.q.items()}
    assert checked(html, q["happiness"], "9")
    assert checked(html, q["ces"], "6")
    assert checked(html, q["single"], "Email")
    assert checked(html, q["multiple"], "Speed")
    assert checked(html, q["multiple"], "Knowledge")
    assert not checked(html, q["multiple"], "Friendliness")
    assert comment in html
    assert 'value="1.5"' in html


def test_missing_required_answer_gives_422_and_keeps_the_rest(
    app: Flask, client: FlaskClient
) -> None:
    link = make_link(app)
    page = client.post(link.url, data=link.answers(csat="", text=COMMENT))
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Please answer this question." in html
    assert f'href="#q{link.q["csat"]}"' in html
    assert f'aria-describedby="q{link.q["csat"]}-error"' in html
    _assert_kept(html, link)
    assert counts(app) == (0, 0, 0)


def test_overlong_comment_gives_422_with_other_answers_kept(
    app: Flask, client: FlaskClient
) -> None:
    """SECURITY.md 12 [ASVS 5.2.1]: 10 001 characters is one too many."""
    link = make_link(app)
    long_text = "x" * 10_001
    page = client.post(link.url, data=link.answers(text=long_text))
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "10,000 characters" in html
    assert long_text in html
    assert checked(html, f"q{link.q['csat']}", "4")
    assert counts(app) == (0, 0, 0)
    # exactly the maximum is fine
    assert (
        client.post(link.url, data=link.answers(text="y" * 10_000)).status_code == 303
    )


def test_oversize_body_gets_a_neutral_413(app: Flask, client: FlaskClient) -> None:
    """SECURITY.md 12: beyond MAX_CONTENT_LENGTH, in the respondent's layout."""
    link = make_link(app)
    page = client.post(link.url, data=link.answers(text="z" * (1024 * 1024 + 10)))
    assert page.status_code == 413
    html = page.get_data(as_text=True)
    assert "Too much text" in html
    assert "staff" not in html.lower()
    assert counts(app) == (0, 0, 0)


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_expired_csrf_token_rerenders_answers_then_retry_stores_once(
    csrf_app: Flask, client: FlaskClient
) -> None:
    """SECURITY.md 13 [Flask-WTF defaults; ASVS 16.5.3]: an hour-old form is not lost."""
    link = make_link(csrf_app)
    csrf_app.config["WTF_CSRF_TIME_LIMIT"] = 1
    first = csrf_token(client.get(link.url).get_data(as_text=True))
    time.sleep(2)
    page = client.post(link.url, data={**link.answers(), "csrf_token": first})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "open for a long time" in html
    _assert_kept(html, link, "The engineer was great, thank you!")
    fresh = csrf_token(html)
    assert fresh != first
    assert counts(csrf_app) == (0, 0, 0)
    retry = client.post(link.url, data={**link.answers(), "csrf_token": fresh})
    assert retry.status_code == 303
    again = client.post(link.url, data={**link.answers(), "csrf_token": fresh})
    assert again.status_code == 303
    assert counts(csrf_app)[0] == 1


def test_missing_session_cookie_rerenders_answers(
    csrf_app: Flask, client: FlaskClient
) -> None:
    """SECURITY.md 13: the session cookie was stripped (private mode, another device)."""
    link = make_link(csrf_app)
    token = csrf_token(client.get(link.url).get_data(as_text=True))
    stranger = csrf_app.test_client()
    page = stranger.post(link.url, data={**link.answers(), "csrf_token": token})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    _assert_kept(html, link, "The engineer was great, thank you!")
    assert counts(csrf_app) == (0, 0, 0)
    # The fresh token goes with the new session cookie the page just set.
    retry = stranger.post(
        link.url, data={**link.answers(), "csrf_token": csrf_token(html)}
    )
    assert retry.status_code == 303
    assert counts(csrf_app)[0] == 1


def test_missing_csrf_token_is_refused(csrf_app: Flask, client: FlaskClient) -> None:
    link = make_link(csrf_app)
    client.get(link.url)
    assert client.post(link.url, data=link.answers()).status_code == 400
    assert counts(csrf_app) == (0, 0, 0)


@pytest.mark.parametrize("method", ["commit", "flush"])
def test_database_hiccup_gives_503_with_answers_then_retry_stores_once(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """SECURITY.md L6: 503 + Retry-After, answers re-rendered, never a 2xx without COMMIT."""
    link = make_link(app)
    real = getattr(db.session, method)
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("COMMIT", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(db.session, method, flaky)
    page = client.post(link.url, data=link.answers(text=COMMENT))
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    html = page.get_data(as_text=True)
    assert "could not save your answers" in html
    _assert_kept(html, link)
    assert counts(app) == (0, 0, 0)
    retry = client.post(link.url, data=link.answers(text=COMMENT))
    assert retry.status_code == 303
    assert client.post(link.url, data=link.answers()).status_code == 303
    assert counts(app) == (1, 7, 5)
