from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hoeksteen.access import policy
from hoeksteen.organisations.models import Organisation


def memberships(request: HttpRequest) -> dict[str, Any]:
    """The organisations the signed-in user belongs to, for the navigation."""
    if not request.user.is_authenticated:
        return {}
    # member_view has already read them with the user's memberships.
    known = getattr(request, "my_organisations", None)
    return {
        "my_organisations": known
        if known is not None
        else policy.visible_to(request.user, Organisation).filter(
            id__in=policy.organisation_ids_with_role(request.user)
        ),
        "current_organisation": getattr(request, "organisation", None),
    }
