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
