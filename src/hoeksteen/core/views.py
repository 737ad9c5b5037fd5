"""Pages that belong to no domain: the start page and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template import loader

from hoeksteen.access import policy
from hoeksteen.organisations.models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    """Send a member to their organisation; let someone in several choose."""
    if not request.user.is_authenticated:
        return redirect("people:login")
    organisations = list(
        policy.visible_to(request.user, Organisation).filter(
            id__in=policy.organisation_ids_with_role(request.user)
        )
    )
    if len(organisations) == 1:
        return redirect("organisations:home", slug=organisations[0].slug)
    return render(request, "core/choose_organisation.html", {"organisations": organisations})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    template = loader.get_template("403_csrf.html")
    return HttpResponseForbidden(template.render({}, request))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 with the request, so the header and the language switch work."""
    return render(request, "400.html", status=400)
