"""Intervision, training and LVV registration: the VP's own pages and the
coordinator's overview."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoeksteen.access.decorators import member_view
from hoeksteen.core import clock, confirmation, formtokens
from hoeksteen.people.models import Role
from hoeksteen.quality import actions, selectors
from hoeksteen.quality.forms import LVVRegistrationForm, NormForm, TrainingRecordForm
from hoeksteen.quality.views import acting_user, organisation_of


def _render_mine(
    request: HttpRequest,
    *,
    add: forms.Form | None = None,
    lvv: forms.Form | None = None,
) -> HttpResponse:
    organisation = organisation_of(request)
    user = acting_user(request)
    today = timezone.localdate(clock.now())
    mine = selectors.my_expertise(user=user, organisation=organisation, today=today)
    registration = mine.registration
    lvv_initial = (
        {
            "registered_on": registration.registered_on,
            "certificate_expires_on": registration.certificate_expires_on,
        }
        if registration
        else {}
    )
    return render(
        request,
        "quality/expertise.html",
        {
            "organisation": organisation,
            "mine": mine,
            "norm": selectors.norm_of(organisation=organisation),
            "add": add or TrainingRecordForm(prefix="add", initial={"attended_on": today}),
            "lvv": lvv or LVVRegistrationForm(prefix="lvv", initial=lvv_initial),
        },
        status=400 if add is not None or lvv is not None else 200,
    )


def _training_input(form: forms.Form) -> actions.TrainingInput:
    return actions.TrainingInput(**form.cleaned_data)


@member_view(Role.VP)
@require_http_methods(["GET", "POST"])
def my_expertise(request: HttpRequest) -> HttpResponse:
    """The VP's own records and progress towards re-registration; adding one."""
    if request.method != "POST":
        return _render_mine(request)
    if (sent := formtokens.answer_if_sent(request)) is not None:
        return sent
    organisation = organisation_of(request)
    form = TrainingRecordForm(request.POST, prefix="add")
    if form.is_valid():
        try:
            return formtokens.submit_once(
                request,
                lambda: actions.training_record_add(
                    organisation=organisation,
                    acting_user=acting_user(request),
                    data=_training_input(form),
                ),
                result_url=reverse("quality:expertise", kwargs={"slug": organisation.slug}),
                saved=_("The hours are recorded."),
            )
        except formtokens.Refused as refused:
            form.add_error(None, refused.message)
        except actions.QualityError as error:
            form.add_error(None, error.message)
    return _render_mine(request, add=form)


@member_view(Role.VP)
@require_POST
def lvv_registration(request: HttpRequest) -> HttpResponse:
    organisation = organisation_of(request)
    form = LVVRegistrationForm(request.POST, prefix="lvv")
    if form.is_valid():
        try:
            actions.lvv_registration_set(
                organisation=organisation,
                acting_user=acting_user(request),
                registered_on=form.cleaned_data["registered_on"],
                expires_on=form.cleaned_data["certificate_expires_on"],
            )
        except actions.QualityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your LVV registration is saved."))
            return redirect("quality:expertise", slug=organisation.slug)
    return _render_mine(request, lvv=form)


@member_view(Role.VP)
@require_http_methods(["GET", "POST"])
def training_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one of the VP's own records; anyone else's does not exist here."""
    organisation = organisation_of(request)
    user = acting_user(request)
    record = selectors.my_training_record(user=user, organisation=organisation, pk=pk)
    form = TrainingRecordForm(
        request.POST or None,
        prefix="edit",
        initial={
            "kind": record.kind,
            "hours": record.hours,
            "attended_on": record.attended_on,
            "description": record.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.training_record_update(
                record=record, acting_user=user, data=_training_input(form)
            )
        except actions.QualityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The record is saved."))
            return redirect("quality:expertise", slug=organisation.slug)
    return render(
        request,
        "quality/training_record.html",
        {"organisation": organisation, "record": record, "form": form},
        status=400 if form.errors else 200,
    )


@member_view(Role.VP)
@require_POST
def training_record_remove(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_of(request)
    user = acting_user(request)
    record = selectors.my_training_record(user=user, organisation=organisation, pk=pk)
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Remove this record?"),
            consequence=_(
                "%(hours)s hours of %(kind)s on %(date)s no longer count towards your "
                "re-registration. A removed record cannot be brought back; you can add it anew."
            )
            % {
                "hours": floatformat(record.hours, -1),
                "kind": record.get_kind_display().lower(),
                "date": formats.date_format(record.attended_on, "j F Y"),
            },
            button=_("Yes, remove it"),
            back_url=reverse(
                "quality:training_record", kwargs={"slug": organisation.slug, "pk": record.pk}
            ),
            context={"organisation": organisation},
        )
    actions.training_record_remove(record=record, acting_user=user)
    messages.success(request, _("The record is removed."))
    return redirect("quality:expertise", slug=organisation.slug)


def _render_overview(request: HttpRequest, *, norm_form: forms.Form | None = None) -> HttpResponse:
    organisation = organisation_of(request)
    norm = selectors.norm_of(organisation=organisation)
    return render(
        request,
        "quality/expertise_overview.html",
        {
            "organisation": organisation,
            "rows": selectors.expertise_overview(
                user=acting_user(request),
                organisation=organisation,
                today=timezone.localdate(clock.now()),
            ),
            "norm": norm,
            "norm_form": norm_form
            or NormForm(
                prefix="norm",
                initial={
                    "cycle_years": norm.cycle_years,
                    "total_hours": norm.total_hours,
                    "training_hours": norm.training_hours,
                    "intervision_hours": norm.intervision_hours,
                    "other_hours": norm.other_hours,
                },
            ),
        },
        status=400 if norm_form is not None else 200,
    )


@member_view(Role.COORDINATOR)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Per VP, for the coordinator: hours and colours, never a description."""
    return _render_overview(request)


@member_view(Role.COORDINATOR)
@require_POST
def norm(request: HttpRequest) -> HttpResponse:
    organisation = organisation_of(request)
    form = NormForm(request.POST, prefix="norm")
    if form.is_valid():
        try:
            actions.recertification_norm_set(
                organisation=organisation,
                acting_user=acting_user(request),
                data=actions.NormInput(**form.cleaned_data),
            )
        except actions.QualityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The re-certification norm is saved."))
            return redirect("quality:expertise_overview", slug=organisation.slug)
    return _render_overview(request, norm_form=form)
