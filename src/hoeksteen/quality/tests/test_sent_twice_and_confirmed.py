"""Quality pages: a form sent twice adds once, and removing a record of
hours is asked about first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from hoeksteen.organisations.models import Organisation, RoleDescription
from hoeksteen.people.models import User
from hoeksteen.quality import actions
from hoeksteen.quality.models import TrainingRecord
from hoeksteen.quality.tests.conftest import NOW
from hoeksteen.testing.factories import form_token_for

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def test_it_records_hours_once_when_the_form_is_sent_twice(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User
) -> None:
    client = login_as(subject_vp)
    data = {
        "add-kind": "training",
        "add-hours": "6.5",
        "add-attended_on": "2026-05-20",
        "add-description": "Training gespreksvoering",
        "form_token": form_token_for(client),
    }

    for _ in range(2):
        assert client.post("/o/acme/kwaliteit/deskundigheid/", data).status_code == 302

    assert TrainingRecord.objects.count() == 1


def test_it_saves_one_version_when_the_role_description_is_sent_twice(
    login_as: Callable[[User], Client], acme: Organisation, coordinator: User
) -> None:
    client = login_as(coordinator)
    data = {
        "tasks": "Luisteren.",
        "responsibilities": "Geheimhouding.",
        "limits": "Geen onderzoek.",
        "first_conversation": "Ik doe niets zonder uw toestemming.",
        "form_token": form_token_for(client),
    }

    for _ in range(2):
        assert client.post("/o/acme/kwaliteit/rolomschrijving/", data).status_code == 302

    assert RoleDescription.objects.filter(organisation=acme).count() == 2  # the default and one


def test_it_asks_before_removing_a_record_of_hours(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User
) -> None:
    record = actions.training_record_add(
        organisation=acme,
        acting_user=subject_vp,
        data=actions.TrainingInput(
            kind="intervision",
            hours=Decimal(3),
            attended_on=dt.date(2026, 5, 12),
            description="Intervisiegroep Noord",
        ),
    )
    client = login_as(subject_vp)
    url = f"/o/acme/kwaliteit/deskundigheid/{record.pk}/verwijderen/"

    asked = client.post(url, HTTP_ACCEPT_LANGUAGE="en")

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Remove this record?" in page
    assert "3 hours of intervision on 12 May 2026" in page
    assert TrainingRecord.objects.filter(pk=record.pk).exists()

    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert not TrainingRecord.objects.filter(pk=record.pk).exists()
