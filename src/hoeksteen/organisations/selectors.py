"""Reads about organisations, their regulation and teams."""

from __future__ import annotations

from django.db.models import QuerySet

from hoeksteen.access import policy
from hoeksteen.organisations.models import ComplaintRegulation, Organisation, VPTeam
from hoeksteen.people.models import Membership, Role, User


def regulation_of(*, organisation: Organisation) -> ComplaintRegulation:
    """The organisation's regulation; every organisation has one from its creation."""
    return ComplaintRegulation.objects.get(organisation=organisation)


def teams_visible_to(*, user: User, organisation: Organisation) -> QuerySet[VPTeam]:
    return (
        policy.visible_to(user, VPTeam)
        .filter(organisation=organisation)
        .prefetch_related("members__user")
    )


def my_teams(*, user: User, organisation: Organisation) -> QuerySet[VPTeam]:
    return teams_visible_to(user=user, organisation=organisation).filter(members__user=user)


def memberships_by_role(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    """Everyone's roles in the organisation, for its coordinator."""
    return (
        policy.visible_to(user, Membership)
        .filter(organisation=organisation, is_active=True)
        .exclude(role=Role.EMPLOYEE)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )
