"""Fixtures of the quality tests, on top of the personas (hoeksteen.testing.personas)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice import actions as practice_actions
from hoeksteen.practice.models import Melding, MeldingCategory

# A Monday in spring, mid-morning in Amsterdam.
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def register_melding(acme: Organisation) -> Callable[..., Melding]:
    """Register a melding in a VP's own log, through the practice's action."""
    category = MeldingCategory.objects.filter(organisation=acme).first()
    assert category is not None

    def register(vp: User, *, on: dt.date = TODAY, role_explained: bool = True) -> Melding:
        return practice_actions.melding_register(
            organisation=acme,
            actor=vp,
            data=practice_actions.MeldingInput(
                first_contact_on=on,
                category_id=category.pk,
                contact_kind="in_person",
                role_explained=role_explained,
            ),
            now=NOW,
        )

    return register


@pytest.fixture(autouse=True)
def english_pages(client: Client) -> None:
    """Pages are read in English here, so assertions hold once the Dutch
    catalogue translates them; the public page is tested in Dutch too."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
