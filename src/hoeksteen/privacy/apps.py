from __future__ import annotations

import os
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "hoeksteen.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        register(encryption_keys_configured, Tags.security, deploy=True)


def encryption_keys_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production the keys must come from the environment, found at start-up
    by `check --deploy`, not at the first encrypted read."""
    if settings.PRODUCTION and not os.environ.get("HOEKSTEEN_ENCRYPTION_KEYS", "").strip():
        return [
            Error(
                "HOEKSTEEN_ENCRYPTION_KEYS is not set.",
                hint="Set one or more Fernet keys, newest first (docs/deployment.md).",
                id="hoeksteen.E001",
            )
        ]
    return []
