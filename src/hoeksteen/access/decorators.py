"""View decorators that put the access policy in front of every tenant view."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from hoeksteen.access import policy

View = Callable[..., HttpResponse]


def member_view(*roles: str) -> Callable[[View], View]:
    """Resolve the organisation in the URL (`slug`) for a signed-in member.

    The view receives the organisation as `request.organisation` and the
    user's roles there as `request.roles`. With `roles`, the user must hold at
    least one of them; otherwise — like for a stranger — the page does not
    exist (404), so a URL never confirms what lies behind it.
    """

    def decorate(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            # One query answers the organisation, the roles in it and, for
            # the navigation, every organisation the user belongs to.
            memberships = policy.memberships_with_organisations(request.user)
            organisation = next(
                (m.organisation for m in memberships if m.organisation.slug == slug), None
            )
            if organisation is None:
                raise Http404
            user_roles = {m.role for m in memberships if m.organisation_id == organisation.pk}
            policy.remember_roles(request.user, organisation, user_roles)
            request.my_organisations = policy.organisations_of(memberships)  # type: ignore[attr-defined]
            if roles and not user_roles.intersection(roles):
                raise Http404
            request.organisation = organisation  # type: ignore[attr-defined]
            request.roles = user_roles  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapper.access_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate
