"""SECURITY.md L1: 50 simultaneous submissions of one link store exactly one response."""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from engage.extensions import db
from engage.models import Answer, Response
from tests.integration.surveys.respond_helpers import make_link

THREADS = 50
ROUNDS = 5


@pytest.fixture
def server(app: Flask) -> Iterator[int]:
    """The app on a threaded loopback server; yields its port."""
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()
    thread.join()
    srv.server_close()


def _post_all_at_once(port: int, path: str, body: bytes) -> list[int]:
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    lock = threading.Lock()

    def submit() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.connect()
        barrier.wait()
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        reply = conn.getresponse()
        reply.read()
        with lock:
            statuses.append(reply.status)
        conn.close()

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_fifty_simultaneous_submissions_store_exactly_one(
    app: Flask, server: int
) -> None:
    """[SECURITY.md L1, lesson 3; Formbricks GHSA-cmwp-6pgc-wr32]: 1 stored, 49 x 303."""
    for _ in range(ROUNDS):
        link = make_link(app)
        body = urlencode(link.answers(), doseq=True).encode()
        statuses = _post_all_at_once(server, link.url, body)
        assert Counter(statuses) == {303: THREADS}
        with app.app_context():
            responses = db.session.scalar(
                select(func.count())
                .select_from(Response)
                .where(Response.invitation_id == link.invitation_id)
            )
            answers = db.session.scalar(
                select(func.count())
                .select_from(Answer)
                .join(Response)
                .where(Response.invitation_id == link.invitation_id)
            )
        assert responses == 1
        assert answers == 7
