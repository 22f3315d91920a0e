"""The HTML report opened for real: parsed, no external reference, payloads inert.

SECURITY.md cases 1, 15 and 29: answer text is attacker-controlled; the report must
show it literally, keep unicode intact and refer to no URL at all.
"""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser

import pytest
from flask import Flask

from engage.extensions import db
from engage.models import Agreement, Customer, Role
from engage.models.share import ReportScope
from engage.reports.data import report_data
from engage.reports.html import render_html, report_csp
from tests.factories import make_user
from tests.feedback_factories import make_text_feedback
from tests.integration.perception.conftest import END, Ids, at, tree  # noqa: F401
from tests.integration.perception.test_evidence import story  # noqa: F401
from tests.session_factories import add_item, add_session

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "{{7*7}} {{config}}",
    '<img src="http://169.254.169.254/">',
    '<link rel=attachment href="file:///etc/passwd">',
    "<style>@import url(http://127.0.0.1:9/)</style>",
    "</script><script>alert(2)</script>",
]
UNICODE = "Great 😀 service, مرحبا, café with combining e\u0301 and 𝄞"


class Parsed(HTMLParser):
    """Every tag with its attributes, the scripts' types and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in: str | None = None
        self.scripts: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in {"script", "style"}:
            self._in = tag
        if tag == "script":
            self.scripts.append((dict(attrs).get("type"), ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            kind, body = self.scripts[-1]
            self.scripts[-1] = (kind, body + data)
        elif self._in is None:
            self.text.append(data)


def parse(html: str) -> Parsed:
    parser = Parsed()
    parser.feed(html)
    parser.close()
    return parser


def seed_payloads(hosting: Agreement, customer: Customer) -> None:
    for i, payload in enumerate(PAYLOADS):
        make_text_feedback(
            payload, hosting, received_at=at(END, 25), compound=-0.99 + i / 1000
        )
    make_text_feedback(UNICODE, hosting, received_at=at(END, 26), compound=0.99)
    add_session(
        customer,
        None,
        title=PAYLOADS[1],
        held_on=date(2026, 6, 2),
        notes=PAYLOADS[0] + " " + UNICODE,
        agreements=[hosting],
    )
    for payload in PAYLOADS:  # each one shown in the action items table
        add_item(customer, None, date(2026, 7, 1), title=payload, agreement=hosting)


@pytest.fixture
def html(app: Flask, story: Ids) -> str:  # noqa: F811
    with app.app_context():
        hosting = db.session.get_one(Agreement, story["hosting"])
        seed_payloads(hosting, db.session.get_one(Customer, story["acme"]))
        db.session.commit()
        data = report_data(ReportScope.AGREEMENT, None, agreement=hosting, months=6)
        return render_html(data)


def test_report_is_self_contained_and_refers_to_no_url(html: str) -> None:
    parsed = parse(html)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "action", "data", "poster", "srcset"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value or value.startswith("#"), (tag, name, value)
        assert tag not in {"link", "iframe", "object", "embed", "img", "base", "form"}
    # plotly.js is inside, figures are JSON data blocks, one drawing script.
    executable = [body for kind, body in parsed.scripts if kind is None]
    assert len(executable) == 2
    assert "Plotly" in executable[0]
    assert len(executable[0]) > 1_000_000
    figures = [json.loads(body) for kind, body in parsed.scripts if kind]
    assert figures
    assert figures[0]["data"]
    assert "@media print" in html
    assert "page-break-before" in html


def test_payloads_stay_text_and_unicode_survives(html: str) -> None:
    parsed = parse(html)
    text = "".join(parsed.text)
    for payload in PAYLOADS:
        assert payload in text, payload  # shown literally, as text
    assert UNICODE in text
    assert "مرحبا" in text
    assert "e\u0301" in text
    # No tag or attribute came from the payloads.
    assert not [t for t, a in parsed.tags if t in {"img", "svg", "link"}]
    links = [a.get("href") or "" for t, a in parsed.tags if t == "a"]
    assert links  # positive control: the contents' in-page links
    assert all(
        href.startswith("#sla-") or href in {"#sessions", "#actions"} for href in links
    )
    assert not [a for _, a in parsed.tags if any(k.startswith("on") for k in a)]
    executable = [body for kind, body in parsed.scripts if kind is None]
    assert len(executable) == 2
    assert not any("alert(" in body for body in executable[1:])
    # Jinja did not evaluate the template payload.
    assert "{{7*7}}" in text
    assert "{{config}}" in text
    assert "SECRET_KEY" not in html


def test_report_csp_allows_only_the_reports_own_scripts(html: str) -> None:
    csp = report_csp(html)
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["sandbox"] == "allow-scripts"
    assert "allow-same-origin" not in csp
    assert "'unsafe-inline'" not in directives["script-src"]
    assert len(directives["script-src"].split()) == 2  # plotly.js and the drawing
    assert directives["style-src"].startswith("'sha256-")
    assert directives["img-src"] == "data:"
    # A different script gets a different policy: the hashes are of this file.
    assert report_csp(html.replace("Math.min(680", "Math.min(600")) != csp


def test_session_notes_reach_staff_reports_only(app: Flask, story: Ids) -> None:  # noqa: F811
    """A share link or a scheduled mail goes to the customer: staff notes stay out."""
    with app.app_context():
        hosting = db.session.get_one(Agreement, story["hosting"])
        customer = db.session.get_one(Customer, story["acme"])
        add_session(
            customer,
            None,
            title="Quarterly review",
            held_on=date(2026, 6, 2),
            notes="Internal: their CIO is looking at other providers.",
            agreements=[hosting],
        )
        db.session.commit()
        admin = make_user(Role.ADMIN)
        staff = render_html(
            report_data(ReportScope.AGREEMENT, admin, agreement=hosting, months=6)
        )
        customer_copy = render_html(
            report_data(ReportScope.AGREEMENT, None, agreement=hosting, months=6)
        )
    assert "looking at other providers" in staff
    assert "Quarterly review" in customer_copy
    assert "looking at other providers" not in customer_copy
