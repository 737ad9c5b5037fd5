"""Model fields whose content is encrypted at rest (see privacy.crypto)."""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from hoeksteen.privacy import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token. Not searchable or orderable by content."""

    encrypted = True

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(str(value))


class EncryptedJSONField(models.TextField):  # type: ignore[type-arg]
    """A JSON document stored as a Fernet token."""

    encrypted = True

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return {}
        return json.loads(crypto.decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else {}
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt_text(json.dumps(value, sort_keys=True, default=str))

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), sort_keys=True, default=str)
