"""The per-survey response form: kinds, ranges, required answers and hostile input."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from app import create_app
from engage.models import Question, QuestionKind, SurveyVersion
from surveys.respond.form import answers_from, make_response_form, parse_hours

TEXT_MAX = 50


@pytest.fixture(scope="module")
def app() -> Flask:
    """An app for form contexts only: no database is touched."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "unit-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "WTF_CSRF_ENABLED": False,
        }
    )


def version(*specs: dict[str, Any]) -> SurveyVersion:
    questions = [Question(id=i + 1, position=i, **spec) for i, spec in enumerate(specs)]
    return SurveyVersion(id=1, number=1, questions=questions)


ALL = version(
    {"kind": QuestionKind.CSAT, "prompt": "Satisfied?", "required": True},
    {"kind": QuestionKind.HAPPINESS, "prompt": "Recommend?"},
    {"kind": QuestionKind.CES, "prompt": "Easy?"},
    {"kind": QuestionKind.SINGLE, "prompt": "Channel", "options": ["Phone", "Mail"]},
    {"kind": QuestionKind.MULTIPLE, "prompt": "Good", "options": ["A", "B", "C"]},
    {"kind": QuestionKind.TEXT, "prompt": "Comment"},
    {"kind": QuestionKind.LOST_TIME, "prompt": "Hours"},
)


def validate(app: Flask, data: MultiDict[str, str]) -> tuple[bool, Any]:
    with app.test_request_context(method="POST"):
        form = make_response_form(ALL, text_max=TEXT_MAX, formdata=data)
        ok = form.validate()
        return ok, (answers_from(form, ALL) if ok else form.errors)


def test_one_field_per_question_with_labelled_scale_ends(app: Flask) -> None:
    with app.test_request_context():
        form = make_response_form(ALL, text_max=TEXT_MAX)
        assert [f.name for f in form if f.name.startswith("q")] == [
            f"q{i}" for i in range(1, 8)
        ]
        assert [c.value for c in form["q1"].choices] == ["1", "2", "3", "4", "5"]
        assert [c.value for c in form["q2"].choices][0::10] == ["0", "10"]
        assert [c.value for c in form["q3"].choices][-1] == "7"
        assert form["q1"].ends == {"1": "Very dissatisfied", "5": "Very satisfied"}
        assert form["q2"].ends == {"0": "Not at all likely", "10": "Extremely likely"}
        assert form["q1"].flags.required
        assert not form["q2"].flags.required


def test_valid_answers_become_values(app: Flask) -> None:
    data = MultiDict(
        [
            ("q1", "5"),
            ("q2", "0"),
            ("q3", "7"),
            ("q4", "Mail"),
            ("q5", "C"),
            ("q5", "A"),
            ("q6", "Fine"),
            ("q7", "2,25"),
        ]
    )
    ok, values = validate(app, data)
    assert ok, values
    assert values == {
        1: 5.0,
        2: 0.0,
        3: 7.0,
        4: "Mail",
        5: ["A", "C"],
        6: "Fine",
        7: 2.25,
    }


def test_only_the_required_answer_is_needed(app: Flask) -> None:
    ok, values = validate(app, MultiDict([("q1", "3"), ("q6", "   ")]))
    assert ok, values
    assert values == {1: 3.0, 2: None, 3: None, 4: None, 5: None, 6: None, 7: None}


@pytest.mark.parametrize(
    ("pairs", "field", "message"),
    [
        ([], "q1", "Please answer this question."),
        ([("q1", "")], "q1", "Please answer this question."),
        ([("q1", "6")], "q1", "Please choose one of the numbers."),
        ([("q1", "0")], "q1", "Please choose one of the numbers."),
        ([("q2", "11")], "q2", "Please choose one of the numbers."),
        ([("q3", "8")], "q3", "Please choose one of the numbers."),
        ([("q1", "4.5")], "q1", "Please choose one of the numbers."),
        ([("q1", "3"), ("q1", "4")], "q1", "Please give one answer only."),
        ([("q4", "Fax")], "q4", "Please choose one of the options."),
        ([("q4", "Phone"), ("q4", "Mail")], "q4", "Please give one answer only."),
        ([("q5", "A"), ("q5", "Z")], "q5", "Please choose among the options shown."),
        ([("q6", "a"), ("q6", "b")], "q6", "Please give one answer only."),
        ([("q6", "nul\x00byte")], "q6", "Please remove the invisible NUL characters."),
        ([("q6", "x" * (TEXT_MAX + 1))], "q6", "Please shorten your answer"),
        ([("q7", "1e309")], "q7", "from 0 to 1000"),
        ([("q7", "NaN")], "q7", "Please enter a number of hours"),
        ([("q7", "inf")], "q7", "Please enter a number of hours"),
        ([("q7", "-1")], "q7", "from 0 to 1000"),
        ([("q7", "1000.5")], "q7", "from 0 to 1000"),
        ([("q7", "two")], "q7", "Please enter a number of hours"),
        ([("q7", "1"), ("q7", "2")], "q7", "Please give one answer only."),
    ],
)
def test_bad_input_gets_a_clear_field_message(
    app: Flask, pairs: list[tuple[str, str]], field: str, message: str
) -> None:
    data = MultiDict([("q1", "3"), *pairs]) if field != "q1" else MultiDict(pairs)
    ok, errors = validate(app, data)
    assert not ok
    assert any(message in e for e in errors[field]), errors
    assert set(errors) == {field}


def test_text_of_exactly_the_maximum_is_accepted(app: Flask) -> None:
    ok, values = validate(app, MultiDict([("q1", "1"), ("q6", "y" * TEXT_MAX)]))
    assert ok
    assert values[6] == "y" * TEXT_MAX


@pytest.mark.parametrize(
    ("text", "hours"), [("0", 0.0), (" 1.5 ", 1.5), ("1,5", 1.5), ("1000", 1000.0)]
)
def test_parse_hours(text: str, hours: float) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text", ["1e309", "nan", "-0.1", "1" * 30, "", "0x10"])
def test_parse_hours_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="hours"):
        parse_hours(text)
