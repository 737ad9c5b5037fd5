from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_reports_ready_when_database_cache_and_migrations_are(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_reports_not_ready_when_the_cache_fails(client: Client) -> None:
    with mock.patch("hoeksteen.core.health.cache.set", side_effect=ConnectionError):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
