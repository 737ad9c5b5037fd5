"""Private file storage that encrypts every file at rest."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from hoeksteen.privacy import crypto


class EncryptedFileStorage(FileSystemStorage):
    """Files under MEDIA_ROOT (outside the web root), encrypted with the keyring.

    Documents are at most a few MB, so each is encrypted whole in memory.
    """

    def _save(self, name: str, content: File[Any]) -> str:
        content.seek(0)
        token = crypto.encrypt_bytes(content.read())
        saved: str = super()._save(name, ContentFile(token))  # type: ignore[misc]
        return saved

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        with super()._open(name, "rb") as handle:  # type: ignore[misc]
            plain = crypto.decrypt_bytes(handle.read())
        return File(io.BytesIO(plain), name=name)

    def size_on_disk(self, name: str) -> int:
        return super().size(name)
