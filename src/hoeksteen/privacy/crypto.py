"""Authenticated encryption of sensitive text at rest, with key rotation.

Fernet (AES-128-CBC with HMAC-SHA256) from `cryptography`; MultiFernet holds
the current key first and older keys after it, so data written under an
older key stays readable until `rotate-keys` has re-encrypted it. Keys come
from HOEKSTEEN_ENCRYPTION_KEYS (comma-separated, newest first); the embedded
mode keeps them in var/encryption-keys, readable by its owner only, outside
the database file — so a copy of the database alone reveals nothing.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "enc1:"


class DecryptionError(Exception):
    """Stored ciphertext that none of the configured keys opens."""


def load_keys() -> list[str]:
    configured = os.environ.get("HOEKSTEEN_ENCRYPTION_KEYS", "")
    keys = [key.strip() for key in configured.split(",") if key.strip()]
    if keys:
        return keys
    if settings.PRODUCTION:
        raise RuntimeError("HOEKSTEEN_ENCRYPTION_KEYS must be set when HOEKSTEEN_PRODUCTION=1.")
    return _embedded_keys(key_file())


def key_file() -> Path:
    return Path(settings.VAR_DIR) / "encryption-keys"


def _embedded_keys(path: Path) -> list[str]:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode() + "\n")
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


@functools.cache
def keyring() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in load_keys()])


@functools.cache
def current_key() -> Fernet:
    return Fernet(load_keys()[0].encode())


def reset() -> None:
    """Forget the loaded keys (after adding or removing one)."""
    keyring.cache_clear()
    current_key.cache_clear()


def encrypt_bytes(data: bytes) -> bytes:
    return keyring().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return keyring().decrypt(token)
    except InvalidToken:
        raise DecryptionError("No configured key opens this value.") from None


def encrypt_text(text: str) -> str:
    return PREFIX + encrypt_bytes(text.encode()).decode()


def decrypt_text(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was enabled for this field
    return decrypt_bytes(stored[len(PREFIX) :].encode()).decode()


def is_current(token: bytes) -> bool:
    """True when the current key alone opens `token` (nothing left to rotate)."""
    try:
        current_key().decrypt(token)
    except InvalidToken:
        return False
    return True


def rotate_token(token: bytes) -> bytes:
    return keyring().rotate(token)
