"""The survey demo layer: surveys, invitations and 18 months of answers.

Registered from ``app.py`` with ``engage.demo.register_layer(seed_survey_demo)`` (the
``engage`` package never imports ``surveys``). Everything comes from the demo's seeded
``rng``, so the same end month gives the same answers.

Perception is shaped per SLA: most customers stay content; two SLAs that meet every
target (always green in the core demo) lose their customer's goodwill over the last
eight months (the watermelons); one SLA that breaches now and then keeps a happy
customer (the reverse case).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from engage.demo import DemoResult
from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    Contact,
    Customer,
    Invitation,
    Level,
    Question,
    QuestionKind,
    Survey,
    SurveyVersion,
)
from engage.sla.compliance import add_months
from surveys.demo_data import (
    COMMUNICATION,
    EXTRA_CONTACTS,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
)
from surveys.links import hash_token, token_for
from surveys.respond.service import Value, record_response

WATERMELONS = ("Acme Finance / Cloud hosting", "Northwind Health / Backup and recovery")
REVERSE = "Northwind Health / Cloud hosting"
#: The watermelons' customers grow unhappy over this many final months.
DECLINE_MONTHS = 8
#: The usual mood (0 unhappy .. 1 delighted) of other SLAs; default 0.78.
MOODS = {"Acme Operations / Managed network": 0.66, REVERSE: 0.88}
LINK_DAYS = 30

# (kind, prompt, required)
REVIEW_QUESTIONS = [
    (QuestionKind.CSAT, "How satisfied are you with our service this quarter?", True),
    (
        QuestionKind.HAPPINESS,
        "How likely are you to recommend us to a colleague?",
        True,
    ),
    (QuestionKind.CES, "How easy was it to get things done with us?", False),
    (QuestionKind.TEXT, "What should we do better?", False),
    (
        QuestionKind.LOST_TIME,
        "Roughly how many hours did service problems cost your team this quarter?",
        False,
    ),
]
INCIDENT_QUESTIONS = [
    (
        QuestionKind.CSAT,
        "How satisfied are you with how we handled the incident?",
        True,
    ),
    (QuestionKind.TEXT, "Anything you want to tell us about it?", False),
]
DRAFT_QUESTIONS = [
    (QuestionKind.CSAT, "How satisfied are you with your onboarding?", True),
    (QuestionKind.TEXT, "What was missing?", False),
]


@dataclass
class _Plan:
    """The demo's surveys and the moment they opened."""

    review: Survey
    incident: Survey
    months: int


def seed_survey_demo(result: DemoResult, rng: random.Random) -> None:
    """Add surveys, invitations and answers to the demo (flushes; the caller commits)."""
    assert result.first_month is not None
    assert result.last_month is not None
    first, last = result.first_month, result.last_month
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    opened = _at(first, 1, 8)
    plan = _Plan(
        _survey("Quarterly service review", REVIEW_QUESTIONS, opened),
        _survey("Incident follow-up", INCIDENT_QUESTIONS, opened),
        months,
    )
    _survey("Onboarding check-in", DRAFT_QUESTIONS, None)
    contacts = _contacts()
    slas = _surveyable(result)
    key = str(current_app.config["SECRET_KEY"])
    for index in range(months):
        month = add_months(first, index)
        for k, contact in enumerate(contacts):
            pool = slas.get(contact.customer_id, [])
            services = [a for a in pool if a.level is Level.SERVICE]
            slot = (index + k) % 3
            if slot == 0 and pool:
                # Everyone gets the quarterly review once a quarter, about one SLA;
                # a third of them (the account leads) about the customer SLA too.
                survey = plan.review
                about = pool if k % 3 == 0 or not services else services
                agreement = about[(index // 3 + k) % len(about)]
                sent = _at(month, 2 + rng.randrange(5), 8 + rng.randrange(9), rng)
            elif slot == 1 and services and rng.random() < 0.7:
                # A month later some of them had an incident worth following up.
                survey = plan.incident
                agreement = services[rng.randrange(len(services))]
                sent = _at(month, 8 + rng.randrange(12), 8 + rng.randrange(9), rng)
            else:
                continue
            _invite(survey, agreement, contact, sent, index, plan, key, rng)


def _at(month: date, day: int, hour: int, rng: random.Random | None = None) -> datetime:
    minute = rng.randrange(60) if rng else 0
    return datetime(month.year, month.month, day, hour, minute, tzinfo=UTC)


def _survey(
    title: str, questions: list[tuple[QuestionKind, str, bool]], opened: datetime | None
) -> Survey:
    survey = Survey(
        title=title,
        intro="Two minutes of your time helps us serve you better.",
        thank_you="Thank you, your answers go straight to your service manager.",
    )
    version = SurveyVersion(number=1)
    for position, (kind, prompt, required) in enumerate(questions):
        version.questions.append(
            Question(position=position, kind=kind, prompt=prompt, required=required)
        )
    survey.versions.append(version)
    db.session.add(survey)
    if opened is not None:
        survey.created_at = survey.opened_at = opened - timedelta(days=1)
        survey.open()
    db.session.flush()
    return survey


def _contacts() -> list[Contact]:
    by_name = {c.name: c for c in db.session.scalars(select(Customer))}
    for customer_name, people in EXTRA_CONTACTS.items():
        customer = by_name[customer_name]
        domain = customer_name.split()[0].lower() + ".example"
        for name, title in people:
            first, last = name.lower().replace("dr ", "").split(" ", 1)
            customer.contacts.append(
                Contact(name=name, job_title=title, email=f"{first}.{last}@{domain}")
            )
    db.session.flush()
    return list(db.session.scalars(select(Contact).order_by(Contact.id)))


def _surveyable(result: DemoResult) -> dict[int, list[Agreement]]:
    """Published customer and service SLAs by the customer ids whose contacts see them."""
    slas: dict[int, list[Agreement]] = {}
    for agreement in sorted(result.by_name.values(), key=lambda a: a.name):
        customer = agreement.customer
        if customer is None or not agreement.version:
            continue
        if agreement.status is AgreementStatus.RETIRED:
            continue
        # A parent account's contacts may answer for its departments too.
        ids = (
            [customer.id]
            if customer.parent_id is None
            else [customer.id, customer.parent_id]
        )
        for customer_id in ids:
            slas.setdefault(customer_id, []).append(agreement)
    return slas


def _mood(name: str, index: int, months: int) -> float:
    """How the customer feels about SLA ``name`` in month ``index`` (0..1)."""
    if name in WATERMELONS:
        into = index - (months - DECLINE_MONTHS) + 1
        return 0.86 if into <= 0 else 0.86 - 0.6 * into / DECLINE_MONTHS
    if name == "Globex Logistics / Service desk":
        return 0.44 if index >= months - 6 else 0.76
    return MOODS.get(name, 0.78)


def _invite(
    survey: Survey,
    agreement: Agreement,
    contact: Contact,
    sent: datetime,
    index: int,
    plan: _Plan,
    key: str,
    rng: random.Random,
) -> None:
    salt = f"{rng.getrandbits(256):064x}"
    invitation = Invitation(
        survey=survey,
        agreement=agreement,
        contact=contact,
        token_salt=salt,
        token_hash=hash_token(token_for(salt, key)),
        created_at=sent,
        sent_at=sent,
        expires_at=sent + timedelta(days=LINK_DAYS),
    )
    db.session.add(invitation)
    if rng.random() < 0.88:
        invitation.opened_at = sent + timedelta(hours=rng.uniform(1, 96))
    answers = invitation.opened_at is not None and rng.random() < 0.8
    if not answers:
        invitation.last_reminded_at = sent + timedelta(days=7)
        invitation.reminder_count = 1
        return
    assert invitation.opened_at is not None
    db.session.flush()
    submitted = invitation.opened_at + timedelta(minutes=rng.uniform(2, 25))
    declining = agreement.name in WATERMELONS and _mood(
        agreement.name, index, plan.months
    ) < _mood(agreement.name, 0, plan.months)
    latent = _mood(agreement.name, index, plan.months) + rng.gauss(0, 0.1)
    latent = min(1.0, max(0.0, latent))
    version = survey.current
    values = {q.id: _value(q.kind, latent, declining, rng) for q in version.questions}
    record_response(invitation, version, values, submitted)


def _value(
    kind: QuestionKind, latent: float, declining: bool, rng: random.Random
) -> Value:
    """One answer of a respondent whose mood is ``latent`` (0..1)."""
    if kind is QuestionKind.CSAT:
        return float(_clamp(round(1 + latent * 4 + rng.gauss(0, 0.45)), 1, 5))
    if kind is QuestionKind.HAPPINESS:
        return float(_clamp(round(latent * 11 - 0.3 + rng.gauss(0, 0.8)), 0, 10))
    if kind is QuestionKind.CES:
        if rng.random() < 0.1:
            return None
        return float(_clamp(round(1 + latent * 6 + rng.gauss(0, 0.7)), 1, 7))
    if kind is QuestionKind.LOST_TIME:
        if rng.random() < 0.25:
            return None
        return max(0.0, round(rng.gauss((1 - latent) * 10, 1.5) * 2) / 2)
    if kind is QuestionKind.TEXT:
        return _comment(latent, declining, rng)
    return None


def _comment(latent: float, declining: bool, rng: random.Random) -> str | None:
    """A comment in the respondent's mood, or None (about 40 % leave none)."""
    if rng.random() < 0.4:
        return None
    roll = rng.random()
    if latent >= 0.7:
        bank = POSITIVE if roll < 0.8 else NEUTRAL
    elif latent >= 0.5:
        bank = NEUTRAL if roll < 0.7 else (POSITIVE if roll < 0.85 else NEGATIVE)
    elif declining:
        bank = COMMUNICATION if roll < 0.75 else NEGATIVE
    else:
        bank = NEGATIVE if roll < 0.7 else NEUTRAL
    return rng.choice(bank)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
