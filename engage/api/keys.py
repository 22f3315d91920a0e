"""Creating, listing and revoking API keys (the admin area's API keys page).

The key itself exists only in the response that creates it; Engage keeps its SHA-256
and the first characters, so a lost key is replaced, never recovered.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage import audit
from engage.api.auth import hash_key, new_key, shown_prefix
from engage.extensions import db
from engage.models import ApiKey, ApiScope, User, utcnow

#: What each scope lets an integration do, for the form and the docs.
SCOPE_LABELS = {
    ApiScope.READ: "Read customers, agreements, perception and compliance",
    ApiScope.MEASUREMENTS: "Push SLA measurements",
    ApiScope.FEEDBACK: "Push feedback (comments and CSAT scores)",
}


def create_key(name: str, scopes: Sequence[str], by: User | None) -> tuple[ApiKey, str]:
    """A new key named ``name`` with ``scopes``; returns it and the plain key.

    The caller shows the plain key once and commits.

    :raise ValueError: an unknown scope or no scope.
    """
    chosen = [s.value for s in ApiScope if s.value in set(scopes)]
    if not chosen or len(chosen) != len(set(scopes)):
        raise ValueError("choose one or more of the known scopes")
    plain = new_key()
    key = ApiKey(
        name=name.strip(),
        prefix=shown_prefix(plain),
        key_hash=hash_key(plain),
        scopes=chosen,
        created_by=by,
    )
    db.session.add(key)
    db.session.flush()
    audit.record(
        by,
        "api_key.create",
        key,
        f"Created API key '{key.name}' ({key.prefix}…) with {', '.join(chosen)}",
        scopes=chosen,
        prefix=key.prefix,
    )
    return key, plain


def list_keys() -> list[ApiKey]:
    """Every key, active ones first, newest first."""
    stmt = (
        select(ApiKey)
        .options(selectinload(ApiKey.created_by))
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id)
    )
    return list(db.session.scalars(stmt))


def revoke_key(key: ApiKey, by: User | None) -> bool:
    """Revoke ``key`` (the caller commits); False if it was revoked already."""
    if key.revoked_at is not None:
        return False
    key.revoked_at = utcnow()
    audit.record(
        by,
        "api_key.revoke",
        key,
        f"Revoked API key '{key.name}' ({key.prefix}…)",
        prefix=key.prefix,
    )
    return True
