"""One-time survey link tokens.

A token is HMAC-SHA256 over 32 random bytes from ``secrets`` (the invitation's salt),
keyed with the server's secret key: 256 unpredictable bits. The database keeps only the
salt and the SHA-256 of the token, so a copy of the database cannot open any link, yet a
reminder can repeat the very link of the first email. Rotating ``SECRET_KEY`` therefore
retires every outstanding link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_CONTEXT = b"engage survey link v1:"


def new_salt() -> str:
    """Fresh randomness for one invitation (32 bytes from ``secrets``, hex)."""
    return secrets.token_hex(32)


def token_for(salt: str, key: str | bytes) -> str:
    """The link token of the invitation with ``salt``: 43 URL-safe characters."""
    key_bytes = key.encode() if isinstance(key, str) else key
    digest = hmac.new(
        key_bytes, _CONTEXT + bytes.fromhex(salt), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    """What the database stores and looks links up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    """Cheap shape check before touching the database."""
    return len(token) == 43 and all(c.isalnum() or c in "-_" for c in token)
