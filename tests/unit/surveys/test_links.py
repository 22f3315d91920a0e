"""Survey link tokens: strength, determinism and what is stored (SECURITY.md 6)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from surveys.links import hash_token, looks_like_token, new_salt, token_for

KEY = "unit-test-secret-key-" + "k" * 32


def test_token_is_43_urlsafe_chars_carrying_256_bits() -> None:
    """[ASVS 11.5.1] at least 128 bits from secrets; here a full HMAC-SHA256."""
    token = token_for(new_salt(), KEY)
    assert len(token) == 43
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert len(base64.urlsafe_b64decode(token + "=")) * 8 == 256
    assert looks_like_token(token)


def test_salt_is_32_random_bytes() -> None:
    salts = {new_salt() for _ in range(200)}
    assert len(salts) == 200
    assert all(len(bytes.fromhex(s)) == 32 for s in salts)


def test_different_salts_give_different_tokens() -> None:
    tokens = {token_for(new_salt(), KEY) for _ in range(200)}
    assert len(tokens) == 200


def test_same_salt_and_key_give_the_same_token() -> None:
    salt = new_salt()
    assert token_for(salt, KEY) == token_for(salt, KEY.encode())
    assert token_for(salt, KEY) != token_for(salt, KEY + "rotated")


def test_hash_is_sha256_hex_of_the_token() -> None:
    token = token_for(new_salt(), KEY)
    digest = hash_token(token)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token not in digest


@pytest.mark.parametrize(
    "candidate", ["", "short", "a" * 42, "a" * 44, "a" * 42 + "/", "a" * 42 + "="]
)
def test_looks_like_token_rejects_other_shapes(candidate: str) -> None:
    assert not looks_like_token(candidate)
