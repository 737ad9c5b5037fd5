"""The coordinator's prevention dashboard and the role description."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hoeksteen.access.decorators import member_view
from hoeksteen.core import clock, formtokens
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import Role
from hoeksteen.quality import actions, selectors
from hoeksteen.quality.forms import RoleDescriptionForm
from hoeksteen.quality.status import Step
from hoeksteen.quality.views import acting_user, organisation_of


def step_link(
    step: Step, organisation: Organisation, regulation: ComplaintRegulation
) -> tuple[str, str]:
    """(url, link text) of the place where a next step is taken."""
    slug = organisation.slug
    if step == Step.ROLE_DESCRIPTION:
        return reverse("quality:role_description", args=[slug]), _("Edit the role description")
    if step == Step.REGULATION:
        return (
            reverse("admin:organisations_complaintregulation_change", args=[regulation.pk]),
            _("Change the complaint regulation"),
        )
    if step == Step.ROLES:
        return reverse("admin:people_membership_changelist"), _("Change roles")
    if step == Step.PUBLIC_PAGE:
        return reverse("quality:regulation", args=[slug]), _("Open the public regulation page")
    if step == Step.CONVERSATIONS:
        return reverse("quality:conversations", args=[slug]), _("Quality conversations")
    return reverse("quality:expertise_overview", args=[slug]), _("Intervision and training per VP")


@member_view(Role.COORDINATOR)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = organisation_of(request)
    board = selectors.prevention_dashboard(
        user=acting_user(request), organisation=organisation, now=clock.now()
    )
    rows = [
        {
            "number": number,
            "measure": item.measure,
            "judgement": item.judgement,
            "link": step_link(item.judgement.step, organisation, board.regulation),
        }
        for number, item in enumerate(board.measures, start=1)
    ]
    return render(
        request,
        "quality/dashboard.html",
        {"organisation": organisation, "rows": rows, "counts": board.counts},
    )


@member_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def role_description(request: HttpRequest) -> HttpResponse:
    """Edit the role description: saving adds a version, the old ones stay."""
    organisation = organisation_of(request)
    if request.method == "POST" and (sent := formtokens.answer_if_sent(request)) is not None:
        return sent
    user = acting_user(request)
    versions = selectors.role_description_versions(user=user, organisation=organisation)
    newest = versions.first()
    initial = (
        {
            "tasks": newest.tasks,
            "responsibilities": newest.responsibilities,
            "limits": newest.limits,
            "first_conversation": newest.first_conversation,
        }
        if newest
        else {}
    )
    form = RoleDescriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def revise() -> None:
            saved = actions.role_description_revise(
                organisation=organisation,
                acting_user=user,
                text=actions.RoleDescriptionInput(**form.cleaned_data),
            )
            messages.success(
                request,
                _("The role description is saved as version %(version)s.")
                % {"version": saved.version},
            )

        try:
            return formtokens.submit_once(
                request,
                revise,
                result_url=reverse("quality:role_description", kwargs={"slug": organisation.slug}),
            )
        except formtokens.Refused as refused:
            form.add_error(None, refused.message)
        except actions.QualityError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "quality/role_description.html",
        {"organisation": organisation, "form": form, "versions": versions},
        status=400 if form.errors else 200,
    )
