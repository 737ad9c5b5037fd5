"""Re-encrypting everything under the current key (python -m hoeksteen rotate-keys).

The scan is idempotent: a value the current key already opens is left
alone, so an interrupted rotation simply resumes when run again. Each batch
is one transaction; a file is replaced atomically (write aside, rename).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from hoeksteen.privacy import crypto
from hoeksteen.privacy.storage import EncryptedFileStorage


@dataclasses.dataclass
class Rotation:
    checked: int = 0
    rotated: int = 0
    files_rotated: int = 0


class Interrupted(Exception):
    """Raised by the test hook to simulate a crash in the middle."""


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        if fields:
            yield model, fields


def encrypted_file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and isinstance(
                field.storage, EncryptedFileStorage
            ):
                yield model, field


def count_work() -> int:
    total = sum(m._base_manager.count() for m, _ in encrypted_fields())
    return total + sum(m._base_manager.count() for m, _ in encrypted_file_fields())


def _rotated(value: str | None) -> str | None:
    """The value under the current key, or None when it already is."""
    if not value:
        return None
    if not value.startswith(crypto.PREFIX):
        return crypto.encrypt_text(value)  # plaintext from before encryption
    token = value[len(crypto.PREFIX) :].encode()
    if crypto.is_current(token):
        return None
    return crypto.PREFIX + crypto.rotate_token(token).decode()


def rotate_all(
    *,
    batch: int = 500,
    progress: Callable[[int], object] = lambda n: None,
    interrupt_after: int | None = None,
) -> Rotation:
    crypto.reset()
    result = Rotation()
    quote = connection.ops.quote_name
    for model, fields in encrypted_fields():
        assert model._meta.pk is not None
        table, pk = model._meta.db_table, str(model._meta.pk.column)
        columns = ", ".join(quote(str(f.column)) for f in fields)
        last = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(pk)}, {columns} FROM {quote(table)} "  # noqa: S608 - names from the model registry
                    f"WHERE {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT %s",
                    [last, batch],
                )
                rows = cursor.fetchall()
                for row in rows:
                    updates = {
                        str(field.column): new
                        for field, value in zip(fields, row[1:], strict=True)
                        if (new := _rotated(value)) is not None
                    }
                    if updates:
                        assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
                        cursor.execute(
                            f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s",  # noqa: S608
                            [*updates.values(), row[0]],
                        )
                        result.rotated += len(updates)
                    result.checked += 1
                    if interrupt_after is not None and result.rotated >= interrupt_after:
                        raise Interrupted
            progress(len(rows))
            if len(rows) < batch:
                break
            last = rows[-1][0]
    for model, field in encrypted_file_fields():
        for name in (
            model._base_manager.exclude(**{field.attname: ""})
            .values_list(field.attname, flat=True)
            .iterator()
        ):
            if _rotate_file(Path(field.storage.path(name))):
                result.files_rotated += 1
            progress(1)
    return result


def _rotate_file(path: Path) -> bool:
    if not path.exists():
        return False
    token = path.read_bytes()
    if crypto.is_current(token):
        return False
    aside = path.with_suffix(".rotating")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(crypto.rotate_token(token))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(aside, path)
    return True


def add_embedded_key() -> None:
    """Put a new key first in var/encryption-keys (the embedded mode's rotation step 1)."""
    from cryptography.fernet import Fernet

    path = crypto.key_file()
    keys = crypto.load_keys()
    new = Fernet.generate_key().decode()
    tmp = path.with_suffix(".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join([new, *keys]) + "\n")
    os.replace(tmp, path)
    crypto.reset()


def drop_old_embedded_keys() -> None:
    """Keep only the current key, once everything is rotated."""
    path = crypto.key_file()
    keys = crypto.load_keys()
    tmp = path.with_suffix(".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(keys[0] + "\n")
    os.replace(tmp, path)
    crypto.reset()
