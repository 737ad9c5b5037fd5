"""The organisation's home page: one page, a section per role the user holds."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hoeksteen.access.decorators import member_view
from hoeksteen.complaints import selectors as complaint_selectors
from hoeksteen.core import clock
from hoeksteen.organisations import selectors
from hoeksteen.people.models import Role, User


@member_view()
def organisation_home(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    roles: set[str] = request.roles  # type: ignore[attr-defined]
    user = request.user
    assert isinstance(user, User)
    context = {
        "organisation": organisation,
        "roles": [Role(r) for r in sorted(roles)],
        "regulation": selectors.regulation_of(organisation=organisation),
    }
    if Role.VP in roles:
        context["my_teams"] = selectors.my_teams(user=user, organisation=organisation)
    context["open_cases"] = (
        complaint_selectors.complaints_handled_by(user=user, organisation=organisation)
        .filter(closed_at__isnull=True)
        .count()
    )
    if Role.COORDINATOR in roles:
        context["counts"] = complaint_selectors.coordinator_counts(
            user=user, organisation=organisation, now=clock.now()
        )
        context["teams"] = selectors.teams_visible_to(user=user, organisation=organisation)
        context["people"] = selectors.memberships_by_role(user=user, organisation=organisation)
    return render(request, "organisations/home.html", context)
