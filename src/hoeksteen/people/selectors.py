"""Reads about people and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from hoeksteen.access import policy
from hoeksteen.people.models import ROLES_REQUIRING_SECOND_FACTOR, User


def user_requires_second_factor(*, user: User | AnonymousUser) -> bool:
    """Handlers, committee members and coordinators always sign in with 2FA;
    anyone who has set up an authenticator is asked for it too."""
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    from django_otp import user_has_device

    if user_has_device(user):
        return True
    return policy.active_memberships(user).filter(role__in=ROLES_REQUIRING_SECOND_FACTOR).exists()
