"""The same form arriving twice at the same moment (a double click two
workers serve at once) still adds its row once: the one-time token is
taken in the database, not in the session both requests read first.

The requests run in threads, each with its own connection, on committed
data: PostgreSQL's test database, or on SQLite a file copy of it
(hoeksteen.testing.threads.runners_database).
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from hoeksteen.complaints.models import Complaint, Message
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    case_url,
    client_for,
    complaint_by,
    english,
    form_token,
    http_isolation,
    intake_data,
    intake_url,
)
from hoeksteen.people.models import User
from hoeksteen.testing.factories import form_token_for
from hoeksteen.testing.threads import at_once, runners_database

pytestmark = pytest.mark.django_db(transaction=True)

TIMES = 2


def _same_browser(client: Client) -> Client:
    """Another client with the same cookies: the same browser, another connection."""
    twin = Client(HTTP_ACCEPT_LANGUAGE="en")
    twin.cookies = SimpleCookie(client.cookies.output(header="", sep=";"))
    return twin


def _send_at_once(client: Client, path: str, data: dict[str, Any], database: str | None) -> Any:
    def send() -> tuple[int, str]:
        response = _same_browser(client).post(path, data)
        return response.status_code, response.get("Location", "")

    return at_once(send, runners=TIMES, database=database)


def _count(query: Any, database: str | None) -> int:
    counted: list[int] = at_once(query, runners=1, database=database)
    return counted[0]


def test_it_files_one_complaint_when_the_intake_form_arrives_twice_at_once(
    subject_vp: User, hr_handler: User, tmp_path: Path
) -> None:
    visitor = english()
    data = intake_data(subject_vp, form_token(visitor))
    database = runners_database(tmp_path)

    answers = _send_at_once(visitor, intake_url(), data, database)

    assert answers == [(302, "/o/acme/klacht/ontvangen/")] * TIMES
    assert _count(lambda: Complaint.objects.count(), database) == 1


def test_it_sends_one_message_when_the_form_arrives_twice_at_once(
    complainant: User, subject_vp: User, hr_handler: User, tmp_path: Path
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    handler = client_for(hr_handler)
    data = {"message-body": "Wanneer kunnen we praten?", "form_token": form_token_for(handler)}
    database = runners_database(tmp_path)

    answers = _send_at_once(handler, f"{case_url(complaint)}stap/message/", data, database)

    assert answers == [(302, case_url(complaint))] * TIMES
    assert _count(lambda: Message.objects.count(), database) == 1
