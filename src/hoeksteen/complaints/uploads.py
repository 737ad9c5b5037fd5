"""Checks on uploaded documents: size, count and kind, by content, not by name."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Accepted kinds, recognised by their first bytes.
_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"PK\x03\x04", "application/zip", ".zip-office"),
]
_OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}


class UploadRejected(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def upload_path(instance: Any, filename: str) -> str:
    """A random name: the original name is kept in the database only."""
    return f"attachments/{uuid.uuid4().hex}"


def inspect(upload: UploadedFile[bytes]) -> tuple[str, str, int, str]:
    """(safe original name, content type, size, sha256) or UploadRejected."""
    name = (upload.name or "document").replace("/", "_").replace("\\", "_")[-150:]
    size = upload.size or 0
    if size == 0:
        raise UploadRejected(_("The file “%(name)s” is empty.") % {"name": name})
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise UploadRejected(
            _("The file “%(name)s” is larger than %(mb)s MB.")
            % {"name": name, "mb": f"{settings.ATTACHMENT_MAX_BYTES / (1024 * 1024):.3g}"}
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = _kind(head, name)
    if content_type is None:
        raise UploadRejected(
            _(
                "The file “%(name)s” is not a kind we accept. Send a PDF, a photo (PNG or "
                "JPEG), a Word or OpenDocument text, or plain text."
            )
            % {"name": name}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return name, content_type, size, digest.hexdigest()


def _kind(head: bytes, name: str) -> str | None:
    lower = name.lower()
    for signature, content_type, _ext in _SIGNATURES:
        if head.startswith(signature):
            if content_type != "application/zip":
                return content_type
            for ext, office_type in _OFFICE.items():
                if lower.endswith(ext):
                    return office_type
            return None
    if lower.endswith(".txt"):
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A multi-byte character may be cut at byte 16; accept if the rest decodes.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return "text/plain" if b"\x00" not in head else None
    return None
