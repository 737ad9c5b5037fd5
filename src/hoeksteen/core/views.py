"""Pages that belong to no domain: the start page and the error pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template import loader
from django.views import i18n

from hoeksteen.access import policy
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.actions import language_choose


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


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (a GET changes nothing and goes back); a
    signed-in person's choice is also kept for the e-mails sent to them."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and settings.LANGUAGE_COOKIE_NAME in response.cookies:
        language_choose(user=request.user, language=language)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    template = loader.get_template("403_csrf.html")
    return HttpResponseForbidden(template.render({}, request))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 with the request, so the header and the language switch work."""
    return render(request, "400.html", status=400)
