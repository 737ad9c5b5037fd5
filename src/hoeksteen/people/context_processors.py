from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hoeksteen.access import policy
from hoeksteen.organisations.models import Organisation


def memberships(request: HttpRequest) -> dict[str, Any]:
    """The organisations the signed-in user belongs to, for the navigation."""
    if not request.user.is_authenticated:
        return {}
    return {
        "my_organisations": policy.visible_to(request.user, Organisation).filter(
            id__in=policy.organisation_ids_with_role(request.user)
        ),
        "current_organisation": getattr(request, "organisation", None),
    }
