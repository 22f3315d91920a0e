"""Shared data for the respondent tests: one open survey asking every kind of question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import Answer, Feedback, QuestionKind, Response
from tests.survey_factories import make_respondent_link, make_respondent_survey

ALL_KINDS = [
    {"kind": QuestionKind.CSAT, "prompt": "How satisfied are you?", "required": True},
    {"kind": QuestionKind.HAPPINESS, "prompt": "Would you recommend us?"},
    {"kind": QuestionKind.CES, "prompt": "How easy was it?"},
    {
        "kind": QuestionKind.SINGLE,
        "prompt": "How did you reach us?",
        "options": ["Phone", "Email"],
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "prompt": "What went well?",
        "options": ["Speed", "Friendliness", "Knowledge"],
    },
    {"kind": QuestionKind.TEXT, "prompt": "Tell us more", "required": True},
    {"kind": QuestionKind.LOST_TIME, "prompt": "Hours lost"},
]


@dataclass
class Link:
    """An invitation's token, ids and the question ids by kind."""

    token: str
    invitation_id: int
    survey_id: int
    version_id: int
    q: dict[str, int]

    @property
    def url(self) -> str:
        return f"/s/{self.token}"

    def answers(self, **overrides: object) -> dict[str, object]:
        """A complete, valid submission (keys ``q<id>``)."""
        data: dict[str, object] = {
            f"q{self.q['csat']}": "4",
            f"q{self.q['happiness']}": "9",
            f"q{self.q['ces']}": "6",
            f"q{self.q['single']}": "Email",
            f"q{self.q['multiple']}": ["Speed", "Knowledge"],
            f"q{self.q['text']}": "The engineer was great, thank you!",
            f"q{self.q['lost_time']}": "1.5",
            "version_id": str(self.version_id),
        }
        for kind, value in overrides.items():
            data[f"q{self.q[kind]}"] = value
        return data


def make_link(app: Flask, **survey: object) -> Link:
    """Create an open all-kinds survey and one invitation, committed."""
    with app.app_context():
        made = make_respondent_survey(questions=ALL_KINDS, **survey)
        invitation, token = make_respondent_link(made)
        version = made.current
        link = Link(
            token=token,
            invitation_id=invitation.id,
            survey_id=made.id,
            version_id=version.id,
            q={q.kind.value: q.id for q in version.questions},
        )
        db.session.commit()
    return link


def counts(app: Flask) -> tuple[int, int, int]:
    """How many responses, answers and feedback rows are stored."""
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Response)) or 0,
            db.session.scalar(select(func.count()).select_from(Answer)) or 0,
            db.session.scalar(select(func.count()).select_from(Feedback)) or 0,
        )


def csrf_token(html: str) -> str:
    """The CSRF token rendered in a page."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, "no csrf token in the page"
    return found.group(1)
