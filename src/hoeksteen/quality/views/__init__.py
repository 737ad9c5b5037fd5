"""Pages of prevention and quality. They parse input, call one action or
selector, and render; the access policy stands in front of each."""

from __future__ import annotations

from django.http import HttpRequest

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User


def acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def organisation_of(request: HttpRequest) -> Organisation:
    organisation = request.organisation  # type: ignore[attr-defined]
    assert isinstance(organisation, Organisation)
    return organisation


def roles_of(request: HttpRequest) -> set[str]:
    roles: set[str] = request.roles  # type: ignore[attr-defined]
    return roles
