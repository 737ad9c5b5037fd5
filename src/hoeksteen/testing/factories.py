"""factory-boy factories for tests. Organisations are made through their
action, so every one has its regulation, as in the product."""

from __future__ import annotations

import functools
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoeksteen.core import formtokens
from hoeksteen.organisations.actions import organisation_create
from hoeksteen.organisations.models import Organisation, Route, VPTeam, VPTeamMember
from hoeksteen.people.models import Membership, Role, User

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, **kwargs: Any) -> Organisation:
        return organisation_create(name=kwargs["name"], slug=kwargs["slug"], acting_user=None)


@functools.cache
def _hashed_password() -> str:
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    # Argon2 is slow by design; hash the shared test password once.
    password = factory.LazyFunction(lambda: _hashed_password())

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EMPLOYEE

    class Params:
        internal_vp = factory.Trait(role=Role.VP, vp_kind="internal")
        external_vp = factory.Trait(role=Role.VP, vp_kind="external")
        hr = factory.Trait(role=Role.HANDLER, handler_kind=Route.HR)
        management = factory.Trait(role=Role.HANDLER, handler_kind=Route.MANAGEMENT)
        coordinator = factory.Trait(role=Role.COORDINATOR)
        committee = factory.Trait(role=Role.COMMITTEE)
        support = factory.Trait(role=Role.SUPPORT)


def team_with(organisation: Organisation, *users: User, name: str = "Team") -> VPTeam:
    team = VPTeam.objects.create(organisation=organisation, name=name)
    for user in users:
        VPTeamMember.objects.create(organisation=organisation, team=team, user=user)
    return team


def confirmed_totp(user: User) -> TOTPDevice:
    """An authenticator for `user`; `totp_now(device)` gives its current code."""
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_now(device: TOTPDevice) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def form_token_for(client: Client) -> str:
    """A one-time form token as a page shown to this client would carry."""
    session = client.session
    token = formtokens.issue_for(session)
    session.save()
    return token
