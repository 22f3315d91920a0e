"""Share links: create, find, revoke and log views. Functions flush; callers commit.

The secret in a link's URL is ``secrets.token_urlsafe(32)`` (256 random bits). Only its
SHA-256 is stored, so a copy of the database opens no report; the full URL exists once,
on the page shown right after the link is made.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    Agreement,
    Customer,
    Level,
    ReportScope,
    ShareLink,
    ShareView,
    User,
    utcnow,
)

DEFAULT_DAYS = 30
#: A customer link never lives longer than a quarter.
MAX_DAYS = 90
PERIOD_CHOICES = (3, 6, 12, 24, 36)
#: ``token_urlsafe(32)``: 43 characters of the URL-safe base64 alphabet.
TOKEN_LENGTH = 43


class LinkStatus(enum.StrEnum):
    """Where a link stands now (derived, never stored)."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class ShareError(ValueError):
    """A link cannot be made or changed this way (the message says why)."""


def new_token() -> str:
    """A fresh link secret: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the database stores and looks links up by (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    """Cheap shape check, so junk never reaches the database."""
    return len(token) == TOKEN_LENGTH and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in token
    )


def share_url(token: str) -> str:
    """The link's absolute URL, from ``BASE_URL`` (never from the request's Host)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/r/{token}"


def status_of(link: ShareLink, now: datetime | None = None) -> LinkStatus:
    """Revoked wins over expired: revoking is the deliberate act."""
    if link.revoked_at is not None:
        return LinkStatus.REVOKED
    if link.expires_at <= (now or utcnow()):
        return LinkStatus.EXPIRED
    return LinkStatus.ACTIVE


def shareable(agreement: Agreement) -> bool:
    """Corporate SLAs cover every customer: their report must not go to one of them."""
    return agreement.level is not Level.CORPORATE and agreement.customer_id is not None


def create_link(
    *,
    by: User | None,
    agreement: Agreement | None = None,
    customer: Customer | None = None,
    label: str = "",
    days: int = DEFAULT_DAYS,
    months: int = 12,
    include_quotes: bool = True,
    now: datetime | None = None,
) -> tuple[ShareLink, str]:
    """A new link to one SLA's or one customer's report, and its secret.

    :return: the flushed link and the token to show once.
    :raise ShareError: no or two targets, a corporate SLA, or an out-of-range value.
    """
    if (agreement is None) == (customer is None):
        raise ShareError("A link shows exactly one SLA or one customer.")
    if agreement is not None and not shareable(agreement):
        raise ShareError("Corporate SLAs cover every customer and cannot be shared.")
    if not 1 <= days <= MAX_DAYS:
        raise ShareError(f"A link lasts between 1 and {MAX_DAYS} days.")
    if months not in PERIOD_CHOICES:
        raise ShareError("Choose one of the offered periods.")
    token = new_token()
    link = ShareLink(
        token_hash=hash_token(token),
        scope=ReportScope.AGREEMENT if agreement else ReportScope.CUSTOMER,
        agreement=agreement,
        customer=customer,
        months=months,
        period_end=None,  # always the latest months, like the SLA page
        include_quotes=include_quotes,
        label=label.strip()[:200],
        expires_at=(now or utcnow()) + timedelta(days=days),
        created_by=by,
    )
    db.session.add(link)
    db.session.flush()
    return link, token


def revoke(link: ShareLink, now: datetime | None = None) -> bool:
    """Stop ``link`` working; revoking twice keeps the first time.

    :return: whether this call revoked it.
    """
    if link.revoked_at is not None:
        return False
    link.revoked_at = now or utcnow()
    db.session.flush()
    return True


def find_link(token: str) -> ShareLink | None:
    """The link of a well-formed, known token, whatever its status."""
    if not looks_like_token(token):
        return None
    return db.session.scalars(
        select(ShareLink).where(ShareLink.token_hash == hash_token(token))
    ).one_or_none()


def log_view(link: ShareLink, outcome: LinkStatus, ip: str, user_agent: str) -> None:
    """Record one opening of ``link`` (shown, expired or revoked)."""
    outcome_text = "shown" if outcome is LinkStatus.ACTIVE else outcome.value
    db.session.add(
        ShareView(
            link=link, outcome=outcome_text, ip=ip[:45], user_agent=user_agent[:300]
        )
    )
    db.session.flush()


@dataclass(frozen=True)
class LinkRow:
    """One line of a link list."""

    link: ShareLink
    status: LinkStatus
    views: int
    last_view: datetime | None


def link_rows(
    agreement: Agreement | None = None, customer: Customer | None = None
) -> list[LinkRow]:
    """The links of one SLA or customer, newest first, with their view counts."""
    stmt = select(ShareLink).order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    if agreement is not None:
        stmt = stmt.where(ShareLink.agreement_id == agreement.id)
    else:
        assert customer is not None
        stmt = stmt.where(ShareLink.customer_id == customer.id)
    links = list(db.session.scalars(stmt))
    counts = {
        link_id: (count, last)
        for link_id, count, last in db.session.execute(
            select(ShareView.link_id, func.count(), func.max(ShareView.viewed_at))
            .where(ShareView.link_id.in_([link.id for link in links]))
            .group_by(ShareView.link_id)
        )
    }
    now = utcnow()
    return [
        LinkRow(
            link,
            status_of(link, now),
            counts.get(link.id, (0, None))[0],
            counts.get(link.id, (0, None))[1],
        )
        for link in links
    ]


def active_count(
    agreement: Agreement | None = None, customer: Customer | None = None
) -> int:
    """How many links of one SLA or customer work right now."""
    stmt = select(func.count()).where(
        ShareLink.revoked_at.is_(None), ShareLink.expires_at > utcnow()
    )
    if agreement is not None:
        stmt = stmt.where(ShareLink.agreement_id == agreement.id)
    elif customer is not None:
        stmt = stmt.where(ShareLink.customer_id == customer.id)
    return db.session.scalar(stmt) or 0
