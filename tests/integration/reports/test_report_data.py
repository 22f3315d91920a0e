"""report_data on the perception test tree: counts checked by hand.

corporate -> Acme SLA -> Acme / Hosting (watermelon), Acme / Desk
          -> Globex SLA -> Globex / Hosting (reverse)
Hosting has 18 "comment i" + the story's 6 outage, 3 billing, 3 praise = 30 texts.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from engage.extensions import db
from engage.models import Agreement, Customer, Role
from engage.models.share import ReportScope
from engage.reports import data as report_module
from engage.reports.data import report_data
from engage.sla.versions import publish
from tests.factories import make_user
from tests.integration.perception.conftest import END, Ids, tree  # noqa: F401
from tests.integration.perception.test_evidence import BILLING, PRAISE, story  # noqa: F401
from tests.session_factories import add_item, add_session


def test_agreement_report_matches_the_sla_evidence(app: Flask, story: Ids) -> None:  # noqa: F811
    with app.app_context():
        hosting = db.session.get_one(Agreement, story["hosting"])
        acme = db.session.get_one(Customer, story["acme"])
        add_session(
            acme, None, title="QBR", held_on=date(2026, 5, 3), agreements=[hosting]
        )
        add_session(acme, None, title="Too old", held_on=date(2025, 5, 3))
        add_item(acme, None, date(2026, 7, 1), title="Call back", agreement=hosting)
        db.session.commit()
        data = report_data(ReportScope.AGREEMENT, None, agreement=hosting, months=6)
        assert data.scope is ReportScope.AGREEMENT
        assert (data.start, data.end) == (date(2026, 1, 1), date(2026, 6, 30))
        assert data.agreement_ids == [story["hosting"]]
        (section,) = data.sections
        assert section.alignment == "watermelon"
        assert section.evidence["perception"]["n"] == 30
        assert section.evidence["compliance"] == {"met": 6, "measured": 6}
        assert [p.month for p in section.series][0] == date(2026, 1, 1)
        assert len(section.series) == 6
        # 3 "comment i" a month, + 2 outage in each of the last 3, + 6 in June.
        assert [p.n for p in section.series] == [3, 3, 3, 5, 5, 11]
        assert all(p.compliance == 100.0 for p in section.series)
        june = section.series[-1]
        assert june.mean is not None
        assert june.low is not None
        assert june.high is not None
        assert june.low < june.mean < june.high
        assert section.figure["data"]
        assert [s.title for s in data.sessions] == ["QBR"]
        assert [a.title for a in data.actions] == ["Call back"]
        assert data.omitted == 0
        assert data.slug == f"engage-report-sla-{hosting.id}-2026-01-to-2026-06"
        quotes = section.evidence["quotes"]
        assert PRAISE in [q["text"] for q in quotes["positive"]]


def test_quotes_and_theme_examples_are_left_out_on_request(
    app: Flask,
    story: Ids,  # noqa: F811
) -> None:
    with app.app_context():
        hosting = db.session.get_one(Agreement, story["hosting"])
        data = report_data(
            ReportScope.AGREEMENT,
            None,
            agreement=hosting,
            months=6,
            include_quotes=False,
        )
        evidence = data.sections[0].evidence
        assert evidence["quotes"] == {"positive": [], "negative": []}
        assert evidence["themes"]
        assert all(t["example"] == "" for t in evidence["themes"])
        assert BILLING not in repr(evidence)
        # Positive control: with quotes, the billing complaint is there.
        full = report_data(ReportScope.AGREEMENT, None, agreement=hosting, months=6)
        assert BILLING in repr(full.sections[0].evidence)


def test_customer_report_covers_its_slas_and_manager_sees_own_only(
    app: Flask,
    story: Ids,  # noqa: F811
) -> None:
    with app.app_context():
        acme = db.session.get_one(Customer, story["acme"])
        data = report_data(ReportScope.CUSTOMER, None, customer=acme, months=6, end=END)
        assert data.agreement_ids == sorted(
            [story["acme_sla"], story["hosting"], story["desk"]]
        )
        assert data.customer is not None
        assert data.customer.perception is not None
        # The watermelon first, then the rest by name.
        assert [s.agreement.name for s in data.sections] == [
            "Acme / Hosting",
            "Acme / Desk",
            "Acme SLA",
        ]
        assert [r.agreement.name for r in data.rows][0] == "Acme / Hosting"
        manager = make_user(Role.MANAGER, customers=[acme])
        mine = report_data(ReportScope.PORTFOLIO, manager, months=6, end=END)
        names = {r.agreement.name for r in mine.rows}
        assert "Globex / Hosting" not in names
        assert "Acme / Hosting" in names  # positive control
        assert story["globex_hosting"] not in mine.agreement_ids


def test_portfolio_report_puts_mismatches_first_and_caps_sections(
    app: Flask,
    story: Ids,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(report_module, "MAX_SECTIONS", 2)
    with app.app_context():
        data = report_data(ReportScope.PORTFOLIO, None, months=6, end=END)
        assert len(data.rows) == 6
        assert set(data.agreement_ids) == {
            story[k]
            for k in (
                "corporate",
                "acme_sla",
                "hosting",
                "desk",
                "globex_sla",
                "globex_hosting",
            )
        }
        mismatch = [r.verdict.alignment.mismatch for r in data.rows]
        assert mismatch == sorted(mismatch, reverse=True)  # mismatches first
        assert mismatch[0]
        detailed = [s.agreement.id for s in data.sections]
        assert detailed == [r.agreement.id for r in data.rows[:2]]
        assert data.sections[0].alignment == data.rows[0].verdict.alignment.value
        assert data.omitted == 4
        assert data.slug == "engage-report-portfolio-2026-01-to-2026-06"


def test_history_lists_versions_with_changes_newest_first(
    app: Flask,
    story: Ids,  # noqa: F811
) -> None:
    with app.app_context():
        hosting = db.session.get_one(Agreement, story["hosting"])
        hosting.start_review()
        hosting.objectives[0].target = 99.7
        publish(hosting, on=date(2026, 4, 1), note="Tighter availability", by=None)
        db.session.commit()
        data = report_data(ReportScope.AGREEMENT, None, agreement=hosting, months=6)
        latest, first = data.sections[0].history
        assert latest.number == 2
        assert first.number == 1
        assert latest.change_note == "Tighter availability"
        (change,) = latest.changes
        # The factory published v1 before the clause was added: v2 brings it.
        assert change.kind == "added"
        assert "99.7" in change.after


def test_bad_arguments_are_refused(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(ValueError, match="needs an agreement"):
            report_data(ReportScope.AGREEMENT, None)
        with pytest.raises(ValueError, match="months"):
            report_data(ReportScope.PORTFOLIO, None, months=0)
