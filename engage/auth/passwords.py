"""Password hashing with Argon2id at OWASP's recommended parameters."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

MIN_LENGTH = 12
#: Longer input is refused before hashing, so a huge password costs nothing.
MAX_LENGTH = 256


def hash_password(password: str) -> str:
    """Return an Argon2id PHC string for ``password``."""
    if len(password) > MAX_LENGTH:
        raise ValueError(f"Passwords are at most {MAX_LENGTH} characters long.")
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password``; with no hash (unknown account) spend the same time and fail."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash is weaker than the current parameters."""
    return _hasher.check_needs_rehash(password_hash)
