"""The bare baseline: a minimal Flask app doing the same physical work as Engage's page.

``GET /page`` renders one small template with a random token in a form, like a page
with a CSRF token, and nothing else (PERFORMANCE.md, "bare baseline").
"""

from __future__ import annotations

import secrets

from flask import Flask, render_template_string

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
</head><body><form method="post"><input type="hidden" name="t" value="{{ token }}">
<label for="e">Email</label><input id="e" name="email" type="email">
<label for="p">Password</label><input id="p" name="password" type="password">
<button>Sign in</button></form></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/page")
    def page() -> str:
        return render_template_string(PAGE, token=secrets.token_urlsafe(32))

    return app


def create_insert_app() -> Flask:
    """``POST /submit``: one INSERT per request on one connection per worker.

    The same journal mode and synchronous setting as Engage's default (WAL, FULL), as
    PERFORMANCE.md asks of the P1 baseline. The database path comes from BARE_DB.
    """
    import os
    import sqlite3

    from flask import request

    app = Flask(__name__)
    conn = sqlite3.connect(
        os.environ["BARE_DB"], isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS responses (id INTEGER PRIMARY KEY, body TEXT)"
    )

    @app.post("/submit")
    def submit() -> tuple[str, int, dict[str, str]]:
        conn.execute(
            "INSERT INTO responses (body) VALUES (?)", (request.get_data(as_text=True),)
        )
        return "", 303, {"Location": "/thanks"}

    return app
