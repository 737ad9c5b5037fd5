"""The personas of the test suite, as pytest fixtures.

One organisation, "acme", with:
  complainant  - an employee
  subject_vp   - an internal VP in team North (the VP a complaint is about)
  colleague_vp - an internal VP in team North too: subject_vp's direct colleague
  other_vp     - an external VP in no team with subject_vp
  hr_handler   - HR, the route for internal VPs
  management   - the management board, the route for external VPs
  committee    - a member of the external complaints committee
  coordinator  - the coordinator of the VP function
  supporter    - a support person
and an organisation "other" with `outsider`, its coordinator.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    confirmed_totp,
    team_with,
)


@pytest.fixture
def acme(db: None) -> Organisation:
    return OrganisationFactory(name="Acme", slug="acme")


@pytest.fixture
def other_org(db: None) -> Organisation:
    return OrganisationFactory(name="Other", slug="other")


def _member(organisation: Organisation, username: str, **traits: bool) -> User:
    user = UserFactory(username=username)
    MembershipFactory(organisation=organisation, user=user, **traits)
    return user


@pytest.fixture
def complainant(acme: Organisation) -> User:
    return _member(acme, "complainant")


@pytest.fixture
def subject_vp(acme: Organisation) -> User:
    return _member(acme, "subject_vp", internal_vp=True)


@pytest.fixture
def colleague_vp(acme: Organisation, subject_vp: User) -> User:
    user = _member(acme, "colleague_vp", internal_vp=True)
    team_with(acme, subject_vp, user, name="North")
    return user


@pytest.fixture
def other_vp(acme: Organisation) -> User:
    return _member(acme, "other_vp", external_vp=True)


@pytest.fixture
def hr_handler(acme: Organisation) -> User:
    return _member(acme, "hr_handler", hr=True)


@pytest.fixture
def management(acme: Organisation) -> User:
    return _member(acme, "management", management=True)


@pytest.fixture
def committee(acme: Organisation) -> User:
    return _member(acme, "committee", committee=True)


@pytest.fixture
def coordinator(acme: Organisation) -> User:
    return _member(acme, "coordinator", coordinator=True)


@pytest.fixture
def supporter(acme: Organisation) -> User:
    return _member(acme, "supporter", support=True)


@pytest.fixture
def outsider(other_org: Organisation) -> User:
    return _member(other_org, "outsider", coordinator=True)


@pytest.fixture
def login_as(client: Client) -> Callable[[User], Client]:
    """Sign a user in, with a verified second factor when their role needs one."""

    def login(user: User) -> Client:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_totp(
            user
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


@pytest.fixture
def complaint_about(subject_vp: User) -> Callable[..., ComplaintInput]:
    """Input for a complaint about `subject_vp`; override fields with keywords."""

    def make(**overrides: object) -> ComplaintInput:
        values: dict[str, object] = {
            "subject_vp_id": subject_vp.pk,
            "category": "not_heard",
            "description": "Ik voelde me niet gehoord toen ik mijn melding deed.",
            "desired_outcome": "Een gesprek.",
            "vp_may_read_description": True,
            "vp_may_know_identity": False,
            "language": "nl",
        }
        values.update(overrides)
        return ComplaintInput(**values)  # type: ignore[arg-type]

    return make
