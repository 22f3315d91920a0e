"""Bearer-key authentication for the JSON API.

Keys are organisation-wide: an integration (a monitoring tool, a ticketing system) is
not a staff member, so no manager's customer list narrows what a key reaches; its
scopes do. Only the SHA-256 of a key is stored, so a database dump reveals no key.
A key is compared by looking its hash up (a unique index), which takes the same time
whether or not a stored key shares a prefix with it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_smorest import abort
from sqlalchemy import select

from engage.extensions import db
from engage.models import ApiKey, ApiScope, utcnow

F = TypeVar("F", bound=Callable[..., Any])

#: Every key starts with this, so secret scanners and people can recognise one.
KEY_PREFIX = "eng_"
#: Characters of a key shown in lists (``eng_`` and 8 more) to tell keys apart.
SHOWN_CHARS = 12
#: ``last_used_at`` is written at most this often per key, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)
#: What a 401 names, so clients know how to authenticate (RFC 6750).
CHALLENGE = 'Bearer realm="engage-api"'


def new_key() -> str:
    """A fresh key with 256 bits of randomness (SECURITY.md case 6)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def shown_prefix(key: str) -> str:
    return key[:SHOWN_CHARS]


def presented_key() -> str | None:
    """The key of ``Authorization: Bearer <key>``, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key or len(key) > 200:
        return None
    return key


def rate_limit_key() -> str:
    """Flask-Limiter's bucket: a hash of the whole key, else the client address.

    The key is read from the header before authentication (the limiter runs first).
    Not the shown prefix: anyone who saw it in the admin list could otherwise spend
    that key's budget with made-up keys.
    """
    key = presented_key()
    if key is not None and key.startswith(KEY_PREFIX):
        return "api-key:" + hash_key(key)
    return "api-ip:" + (get_remote_address() or "")


def _unauthorized(message: str) -> None:
    abort(
        401,
        message=message,
        headers={"WWW-Authenticate": CHALLENGE},
    )


def authenticate() -> ApiKey:
    """The active key the request presents; 401 with a challenge otherwise.

    Also notes when the key was last used, at most once a minute, committed at once
    so the write does not ride on (or roll back with) the request's own transaction.
    """
    key = presented_key()
    if key is None:
        _unauthorized("Send an API key as 'Authorization: Bearer <key>'.")
    assert key is not None
    found = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if found is None or found.revoked_at is not None:
        _unauthorized("This API key is unknown or has been revoked.")
    assert found is not None
    now = utcnow()
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_EVERY:
        found.last_used_at = now
        db.session.commit()
    g.api_key = found
    return found


def current_key() -> ApiKey:
    key: ApiKey = g.api_key
    return key


def require_scope(scope: ApiScope) -> Callable[[F], F]:
    """403 unless the request's key has ``scope`` (authentication ran already)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_key().allows(scope):
                abort(403, message=f"This API key lacks the '{scope.value}' scope.")
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def rate_limit() -> str:
    """The per-key limit from the configuration (``API_RATE_LIMIT``)."""
    limit: str = current_app.config["API_RATE_LIMIT"]
    return limit
