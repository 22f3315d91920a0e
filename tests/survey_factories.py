"""Factories for survey test data: surveys, links, invitations and answers.

Call them inside an app context; they flush, never commit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engage.extensions import db
from engage.models import (
    Agreement,
    Contact,
    Customer,
    Level,
)
from tests.factories import (
    _seq,
    make_agreement,
    make_contact,
    make_customer,
)

# --- surveys (builder) ---


def make_survey(
    title: str | None = None,
    kinds: tuple[str, ...] = ("csat",),
    status: str = "draft",
) -> Any:
    """A survey with version 1 holding one question per kind, then put in ``status``."""
    from engage.models import (
        Question,
        QuestionKind,
        Survey,
        SurveyStatus,
        SurveyVersion,
    )

    survey = Survey(title=title or f"Survey {next(_seq)}", intro="", thank_you="")
    version = SurveyVersion(number=1)
    for position, kind in enumerate(kinds):
        k = QuestionKind(kind)
        version.questions.append(
            Question(
                position=position,
                kind=k,
                prompt=f"Question {position + 1} ({k.value})",
                options=["Yes", "No"] if k.has_options else [],
            )
        )
    survey.versions.append(version)
    db.session.add(survey)
    db.session.flush()
    if status != "draft":
        survey.open()
    if status == "closed":
        survey.close()
    assert survey.status is SurveyStatus(status)
    db.session.flush()
    return survey


def make_survey_response(version: Any, agreement: Agreement | None = None) -> Any:
    """A submitted response (through an invitation) to ``version``, with no answers."""
    import hashlib
    from datetime import UTC, datetime, timedelta

    from engage.models import Invitation, Response

    agreement = agreement or make_agreement(Level.CUSTOMER)
    assert agreement.customer is not None
    token = f"token-{next(_seq)}"
    invitation = Invitation(
        survey_id=version.survey_id,
        agreement=agreement,
        contact=make_contact(agreement.customer),
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        token_salt=token,
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    response = Response(invitation=invitation, version=version)
    db.session.add(response)
    db.session.flush()
    return response


# -- surveys (respondent side) -------------------------------------------------


def make_respondent_survey(
    questions: list[dict[str, Any]] | None = None,
    status: Any = None,
    title: str | None = None,
    **overrides: Any,
) -> Any:
    """A survey with one version holding ``questions`` (dicts of Question fields).

    Without ``questions`` it asks one required CSAT and one optional comment; the
    default ``status`` is open.
    """
    from engage.models import (
        Question,
        QuestionKind,
        Survey,
        SurveyStatus,
        SurveyVersion,
    )

    specs = questions or [
        {
            "kind": QuestionKind.CSAT,
            "prompt": "How satisfied are you?",
            "required": True,
        },
        {"kind": QuestionKind.TEXT, "prompt": "Anything else?"},
    ]
    survey = Survey(
        title=title or f"Survey {next(_seq)}",
        status=status or SurveyStatus.OPEN,
        **overrides,
    )
    version = SurveyVersion(survey=survey, number=1)
    for position, spec in enumerate(specs):
        version.questions.append(Question(position=position, **spec))
    db.session.add(survey)
    db.session.flush()
    return survey


def make_respondent_link(
    survey: Any,
    agreement: Agreement | None = None,
    contact: Contact | None = None,
    **overrides: Any,
) -> tuple[Any, str]:
    """An invitation to ``survey`` and its link token (needs an app context)."""
    from datetime import UTC, datetime, timedelta

    from flask import current_app

    from engage.models import Invitation, Level
    from surveys.links import hash_token, new_salt, token_for

    if agreement is None:
        agreement = make_agreement(Level.CUSTOMER)
    if contact is None:
        assert agreement.customer is not None
        contact = make_contact(agreement.customer)
    salt = new_salt()
    token = token_for(salt, current_app.config["SECRET_KEY"])
    invitation = Invitation(
        survey=survey,
        agreement=agreement,
        contact=contact,
        token_salt=salt,
        token_hash=hash_token(token),
        expires_at=overrides.pop("expires_at", datetime.now(UTC) + timedelta(days=30)),
        **overrides,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


# --- surveys (invitations) ---


def make_invitable_agreement(
    customer: Customer | None = None, level: Level = Level.CUSTOMER
) -> Agreement:
    """An active (published) customer- or service-level agreement, ready to survey."""
    customer = customer or make_customer()
    parent = None
    if level is Level.SERVICE:
        parent = make_agreement(Level.CUSTOMER, customer=customer)
    return make_agreement(
        level, customer=customer, parent=parent, published_on=date(2024, 1, 1)
    )


def make_invitation(
    survey: Any, agreement: Agreement, contact: Contact, **overrides: Any
) -> Any:
    """An invitation built as the service builds it: salt and hash, never the token."""
    from datetime import UTC, datetime, timedelta

    from flask import current_app

    from engage.models import Invitation
    from surveys.links import hash_token, new_salt, token_for

    salt = new_salt()
    now = overrides.pop("created_at", None) or datetime.now(UTC)
    invitation = Invitation(
        survey=survey,
        agreement=agreement,
        contact=contact,
        token_salt=salt,
        token_hash=hash_token(token_for(salt, current_app.config["SECRET_KEY"])),
        created_at=now,
        expires_at=overrides.pop("expires_at", now + timedelta(days=30)),
        **overrides,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


# --- surveys (results) ---


def make_results_invitation(
    survey: Any,
    agreement: Agreement,
    contact: Contact | None = None,
    *,
    sent: bool = True,
    opened: bool = False,
) -> Any:
    """An invitation about ``agreement``; ``sent``/``opened`` set those timestamps."""
    from datetime import UTC, datetime, timedelta

    from engage.models import Invitation
    from surveys.links import hash_token, new_salt, token_for

    assert agreement.customer is not None
    now = datetime.now(UTC)
    salt = new_salt()
    invitation = Invitation(
        survey=survey,
        agreement=agreement,
        contact=contact or make_contact(agreement.customer),
        token_salt=salt,
        token_hash=hash_token(token_for(salt, "factory-key")),
        expires_at=now + timedelta(days=30),
        sent_at=now - timedelta(days=2) if sent else None,
        opened_at=now - timedelta(days=1) if opened else None,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


def answer_invitation(invitation: Any, values_by_kind: dict[str, Any]) -> Any:
    """Record a response to ``invitation`` through the real service.

    :param values_by_kind: answer per question kind of the survey's current version.
    """
    from datetime import UTC, datetime

    from surveys.respond.service import record_response

    version = invitation.survey.current
    values = {
        q.id: values_by_kind.get(q.kind.value)
        for q in version.questions
        if q.kind.value in values_by_kind
    }
    if invitation.opened_at is None:
        invitation.opened_at = datetime.now(UTC)
    response = record_response(invitation, version, values, datetime.now(UTC))
    assert response is not None
    return response
