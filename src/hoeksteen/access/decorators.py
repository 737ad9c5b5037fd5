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
            organisation = policy.organisation_for(request.user, slug)
            user_roles = policy.roles_in(request.user, organisation)
            policy.remember_roles(request.user, organisation, user_roles)
            if roles and not user_roles.intersection(roles):
                raise Http404
            request.organisation = organisation  # type: ignore[attr-defined]
            request.roles = user_roles  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapper.access_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate
