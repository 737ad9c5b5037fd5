"""No IP address of an anonymous complainant is stored; no personal data in logs."""

from __future__ import annotations

import logging
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone

from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.sending import drain_outbox
from hoeksteen.people.models import User

ADDRESS = "203.0.113.77"
STORY = "De vertrouwenspersoon vertelde het aan mijn leidinggevende"


def _everything_stored() -> str:
    dump = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - names from the model registry
            dump.append(repr(cursor.fetchall()))
    return "\n".join(dump)


def test_it_keeps_no_trace_of_an_anonymous_complainants_address_or_words_in_logs(
    client: Client,
    acme: Organisation,
    subject_vp: User,
    hr_handler: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    page = client.get("/o/acme/klacht/nieuw/", REMOTE_ADDR=ADDRESS)
    token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = client.post(
        "/o/acme/klacht/nieuw/",
        {
            "form_token": token.group(1),
            "subject_vp": subject_vp.pk,
            "category": "confidentiality",
            "description": STORY,
            "contact_email": "anoniem@example.invalid",
        },
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    client.post("/o/acme/mijn-klacht/", {"code": "1234 5678 9012 3456"}, REMOTE_ADDR=ADDRESS)
    drain_outbox(now=timezone.now())
    stored = _everything_stored()
    assert ADDRESS not in stored
    assert STORY not in stored
    assert "anoniem@example.invalid" not in stored  # encrypted on the file, blanked once sent
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (ADDRESS, STORY, "anoniem@example.invalid"):
        assert secret not in logged
