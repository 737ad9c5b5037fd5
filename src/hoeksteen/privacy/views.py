"""Subject access, the processing register and erasure."""

from __future__ import annotations

import json

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from hoeksteen.access import policy
from hoeksteen.access.decorators import member_view
from hoeksteen.audit.actions import audit_record
from hoeksteen.core import formtokens
from hoeksteen.core.pdf import pdf_response_headers, render_pdf
from hoeksteen.organisations.selectors import regulation_of
from hoeksteen.people.models import Role, User
from hoeksteen.privacy import actions
from hoeksteen.privacy.export import subject_export
from hoeksteen.privacy.models import Erasure
from hoeksteen.privacy.register import SECURITY_MEASURES, register_for


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _exported(request: HttpRequest) -> dict[str, object]:
    organisation = request.organisation  # type: ignore[attr-defined]
    user = _user(request)
    audit_record(
        actor=user, organisation_id=organisation.pk, action="privacy.exported", target=user
    )
    return subject_export(user=user, organisation=organisation)


@member_view()
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/my_data.html", {"organisation": request.organisation})  # type: ignore[attr-defined]


@member_view()
@require_GET
def my_data_json(request: HttpRequest) -> HttpResponse:
    body = json.dumps(_exported(request), ensure_ascii=False, indent=2)
    return HttpResponse(
        body,
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="mijn-gegevens.json"',
            "Cache-Control": "no-store",
        },
    )


@member_view()
@require_GET
def my_data_pdf(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    return HttpResponse(
        render_pdf(
            "privacy/my_data_pdf.html",
            {"organisation": organisation, "data": _exported(request)},
            language=request.LANGUAGE_CODE,
        ),
        headers=pdf_response_headers("mijn-gegevens.pdf"),
    )


class ErasureForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


@member_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def privacy_overview(request: HttpRequest) -> HttpResponse:
    """The coordinator's privacy page: the register, retention terms and erasure."""
    organisation = request.organisation  # type: ignore[attr-defined]
    if request.method == "POST" and (sent := formtokens.answer_if_sent(request)) is not None:
        # Sent twice: the second would find the person gone and say so.
        return sent
    actor = _user(request)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = (
            policy.visible_to(actor, User)
            .filter(username=form.cleaned_data["username"], memberships__organisation=organisation)
            .first()
        )
        if person is None:
            form.add_error("username", _("No person with this user name in your organisation."))
        else:
            try:
                return formtokens.submit_once(
                    request,
                    lambda: actions.person_erase(
                        organisation=organisation,
                        actor=actor,
                        user=person,
                        reason=form.cleaned_data["reason"],
                    ),
                    result_url=reverse("privacy:overview", kwargs={"slug": organisation.slug}),
                    saved=_("The person's data was erased."),
                )
            except (formtokens.Refused, actions.ErasureRefused) as refused:
                form.add_error(None, refused.message)
    regulation = regulation_of(organisation=organisation)
    return render(
        request,
        "privacy/overview.html",
        {
            "organisation": organisation,
            "register": register_for(regulation),
            "measures": SECURITY_MEASURES,
            "regulation": regulation,
            "form": form,
            "erasures": policy.visible_to(actor, Erasure).filter(organisation=organisation),
        },
        status=400 if form.errors else 200,
    )
