"""The language a person chooses is the language of the e-mails sent to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.reminders import queue_term_reminders
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.testing.mail import queued_to

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_it_keeps_the_language_a_signed_in_person_chooses(
    complainant: User, login_as: Callable[[User], Client]
) -> None:
    client = login_as(complainant)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    complainant.refresh_from_db()
    assert complainant.language == "en"

    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    complainant.refresh_from_db()
    assert complainant.language == "nl"


@pytest.mark.parametrize("language", ["xx", "", "en<script>", "nl" * 50])
def test_it_ignores_a_language_it_does_not_offer(
    complainant: User, login_as: Callable[[User], Client], language: str
) -> None:
    client = login_as(complainant)
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code in (200, 302)
    complainant.refresh_from_db()
    assert complainant.language == "nl"


def test_it_lets_a_visitor_switch_without_an_account(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert client.get("/i18n/setlang/?language=nl").status_code == 302
    assert "django_language" not in client.get("/i18n/setlang/?language=nl").cookies


@pytest.mark.parametrize(
    ("language", "news", "reminder"),
    [
        (
            "en",
            "There is news about a complaint at Acme",
            "A term in a complaint procedure ends today",
        ),
        (
            "nl",
            "Er is nieuws over een klacht bij Acme",
            "Een termijn in een klachtprocedure verloopt vandaag",
        ),
    ],
)
def test_it_writes_notices_and_reminders_in_the_recipients_language(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Callable[..., ComplaintInput],
    language: str,
    news: str,
    reminder: str,
) -> None:
    User.objects.filter(pk=hr_handler.pk).update(language=language)
    with time_machine.travel(START, tick=False):
        actions.complaint_submit(
            organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
        )
    queue_term_reminders(now=START.replace(day=9))

    to_handler = queued_to(hr_handler.email)
    assert to_handler.exclude(key__startswith="reminder:").get().subject == news
    assert to_handler.get(key__startswith="reminder:").subject == reminder
