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


def create_aggregate_app() -> Flask:
    """P3's baseline: the bare SQL ``GROUP BY`` over the raw feedback table.

    ``GET /agg/sla/<id>``: per month, count, mean compound and CSAT counts of one
    agreement; ``GET /agg/portfolio``: per agreement, count and mean compound over the
    last 12 months. One connection per worker, opened when the app is built: a SQLite
    file from BARE_DB, or a PostgreSQL database from BARE_DSN.
    """
    import os
    import sqlite3
    from datetime import UTC, datetime, timedelta
    from typing import Any

    app = Flask(__name__)
    dsn = os.environ.get("BARE_DSN")
    conn: Any
    if dsn:
        import psycopg

        conn = psycopg.connect(dsn, autocommit=True)
        month, mark = "to_char(received_at, 'YYYY-MM')", "%s"
    else:
        conn = sqlite3.connect(os.environ["BARE_DB"], check_same_thread=False)
        month, mark = "substr(received_at, 1, 7)", "?"
    sla_sql = (
        f"SELECT {month} AS m, count(*), avg(compound),"
        " sum(CASE WHEN kind = 'csat' THEN 1 ELSE 0 END),"
        " sum(CASE WHEN kind = 'csat' AND score >= 4 THEN 1 ELSE 0 END)"
        f" FROM feedback WHERE agreement_id = {mark} GROUP BY m ORDER BY m"
    )
    portfolio_sql = (
        "SELECT agreement_id, count(*), avg(compound) FROM feedback"
        f" WHERE received_at >= {mark} GROUP BY agreement_id ORDER BY agreement_id"
    )
    table = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Figures</title></head><body><table>{% for row in rows %}<tr>
{% for cell in row %}<td>{{ cell if cell is not none else '' }}</td>{% endfor %}
</tr>{% endfor %}</table></body></html>"""

    @app.get("/agg/sla/<int:agreement_id>")
    def sla(agreement_id: int) -> str:
        rows = conn.execute(sla_sql, (agreement_id,)).fetchall()
        return render_template_string(table, rows=rows)

    @app.get("/agg/portfolio")
    def portfolio() -> str:
        since = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=365)
        param: Any = since if dsn else since.isoformat(sep=" ")
        rows = conn.execute(portfolio_sql, (param,)).fetchall()
        return render_template_string(table, rows=rows)

    return app
