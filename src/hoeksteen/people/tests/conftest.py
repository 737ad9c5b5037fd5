"""Shared helpers for the sign-in tests."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def english_client(client: Client) -> Client:
    """The test client with English chosen, as /i18n/setlang/ would leave it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
