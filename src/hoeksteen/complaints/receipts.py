"""Receipt codes for anonymous complainants.

A receipt is 16 random digits, shown once. Only a slow Argon2id hash is kept,
salted per organisation (as GlobaLeaks does), so the hash is deterministic
within the organisation and can be looked up by equality: the code is the
only key, and guessing it costs a deliberate ~0.1 s per try on top of the
rate limit.
"""

from __future__ import annotations

import secrets

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings

RECEIPT_DIGITS = 16


def new_receipt() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def normalise(code: str) -> str | None:
    """Digits only, as typed with or without spaces; None when it cannot be a receipt."""
    digits = "".join(ch for ch in code if not ch.isspace() and ch != "-")
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def receipt_hash(code: str, *, salt: str) -> str:
    raw = hash_secret_raw(
        code.encode(),
        bytes.fromhex(salt),
        time_cost=settings.RECEIPT_HASH_TIME_COST,
        memory_cost=settings.RECEIPT_HASH_MEMORY_KIB,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()


def display(code: str) -> str:
    """1234 5678 9012 3456: easier to copy by hand."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
