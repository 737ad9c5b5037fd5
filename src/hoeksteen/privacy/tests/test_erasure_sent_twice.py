"""Erasing a person is sent once: a double click neither erases twice nor
answers the second click with "no such person"."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.privacy.models import Erasure
from hoeksteen.testing.factories import MembershipFactory, UserFactory, form_token_for


def test_it_erases_once_when_the_form_is_sent_twice(
    login_as: Callable[[User], Client], acme: Organisation, coordinator: User
) -> None:
    MembershipFactory(organisation=acme, user=UserFactory(username="leaver"))
    client = login_as(coordinator)
    data = {
        "username": "leaver",
        "reason": "Verzoek, art. 17",
        "form_token": form_token_for(client),
    }

    first = client.post("/o/acme/privacy/", data)
    second = client.post("/o/acme/privacy/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Erasure.objects.count() == 1
    page = client.get(second["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This form was already sent, and it was saved once." in page
    assert "No person with this user name" not in page
