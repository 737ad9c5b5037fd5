"""The VP's log of meldingen, consent, sharing and handover; the melder's consents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoeksteen.access import policy
from hoeksteen.access.decorators import member_view
from hoeksteen.core import confirmation, formtokens
from hoeksteen.core.paging import page_of
from hoeksteen.core.pdf import pdf_response_headers, render_pdf
from hoeksteen.people.models import Role, User
from hoeksteen.practice import actions, selectors
from hoeksteen.practice.forms import (
    CloseMeldingForm,
    ConsentRecordForm,
    HandoverForm,
    IdForm,
    MelderAccountForm,
    MeldingForm,
    SharingForm,
    StepBackForm,
)
from hoeksteen.practice.models import Consent, Handover, HandoverKind, Melding


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# The VP's log shows this many meldingen a page, open ones first.
MELDINGEN_PER_PAGE = 50


@member_view(Role.VP)
def log(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    user = _user(request)
    return render(
        request,
        "practice/log.html",
        {
            "organisation": organisation,
            "meldingen": page_of(
                request,
                selectors.my_meldingen(user=user, organisation=organisation),
                per_page=MELDINGEN_PER_PAGE,
            ),
            "handovers": selectors.my_handovers(user=user, organisation=organisation),
            "step_back": StepBackForm(
                successors=actions.successor_candidates(organisation=organisation, actor=user),
                prefix="stepback",
            ),
        },
    )


@member_view(Role.VP)
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    if request.method == "POST" and (sent := formtokens.answer_if_sent(request)) is not None:
        return sent
    form = MeldingForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            return formtokens.submit_once(
                request,
                lambda: actions.melding_register(
                    organisation=organisation,
                    actor=_user(request),
                    data=_input_from(form.cleaned_data),
                ),
                result_url=lambda melding: reverse(
                    "practice:melding", kwargs={"slug": organisation.slug, "pk": melding.pk}
                ),
                saved=_("The melding is in your log."),
            )
        except formtokens.Refused as refused:
            form.add_error(None, refused.message)
        except actions.PracticeError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "practice/register.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


def _melding_forms(melding: Melding, user: User) -> dict[str, forms.Form]:
    organisation = melding.organisation
    return {
        "edit": MeldingForm(
            organisation=organisation,
            prefix="edit",
            initial={
                "first_contact_on": melding.first_contact_on,
                "category": melding.category_id,
                "contact_kind": melding.contact_kind,
                "department": melding.department_id,
                "melder_reference": melding.melder_reference,
                "referral": melding.referral,
                "notes": melding.notes,
                "role_explained": melding.role_explained_at is not None,
            },
        ),
        "consent": ConsentRecordForm(prefix="consent"),
        "share": SharingForm(prefix="share"),
        "handover": HandoverForm(
            successors=actions.successor_candidates(organisation=organisation, actor=user),
            prefix="handover",
        ),
        "close": CloseMeldingForm(prefix="close"),
        "account": MelderAccountForm(prefix="account"),
    }


def _render_melding(
    request: HttpRequest, melding: Melding, bound: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    forms_by_name = _melding_forms(melding, _user(request))
    # A step with no form of its own on the page (the confirm and withdraw
    # buttons of a consent) has nowhere to show its errors: show them on top.
    # Nor has a step the page no longer offers (a melding closed or linked already).
    offered = set(forms_by_name)
    if melding.closed_on is not None:
        offered.discard("close")
    if melding.melder_account_id is not None:
        offered.discard("account")
    refused: list[str] = []
    if bound is not None and bound[0] not in offered:
        refused = [str(error) for errors in bound[1].errors.values() for error in errors]
    if bound is not None:
        forms_by_name[bound[0]] = bound[1]
    return render(
        request,
        "practice/melding.html",
        {
            "organisation": melding.organisation,
            "melding": melding,
            "consents": melding.consents.all(),
            "sharings": melding.sharings.select_related("consent"),
            "handovers": melding.handovers.select_related("from_vp", "to_vp"),
            "forms": forms_by_name,
            "refused": refused,
        },
        status=400 if bound is not None else 200,
    )


@member_view(Role.VP)
@require_GET
def melding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    melding = selectors.melding_for(user=_user(request), organisation=organisation, pk=pk)
    return _render_melding(request, melding)


Step = Callable[[Melding, User, dict[str, Any]], object]


def _consent_of(melding: Melding, consent_id: int) -> Consent:
    consent = melding.consents.filter(pk=consent_id).first()
    if consent is None:
        raise actions.PracticeError(_("Choose one of the consents of this melding."))
    return consent


STEPS: dict[str, tuple[type[forms.Form], Step]] = {
    "edit": (
        MeldingForm,
        lambda m, u, d: actions.melding_update(melding=m, actor=u, data=_input_from(d)),
    ),
    "consent": (
        ConsentRecordForm,
        lambda m, u, d: actions.consent_record(
            melding=m, actor=u, recipient=d["recipient"], form=d["form"], scope=d["scope"]
        ),
    ),
    "confirm": (
        IdForm,
        lambda m, u, d: actions.consent_confirm_by_letter(consent=_consent_of(m, d["id"]), actor=u),
    ),
    "withdraw": (
        IdForm,
        lambda m, u, d: actions.consent_withdraw(consent=_consent_of(m, d["id"]), actor=u),
    ),
    "share": (
        SharingForm,
        lambda m, u, d: actions.sharing_record(
            melding=m, actor=u, recipient=d["recipient"], form=d["form"], what=d["what"]
        ),
    ),
    "handover": (
        HandoverForm,
        lambda m, u, d: actions.handover_start(
            melding=m, actor=u, successor_id=d["successor"], kind=d["kind"], note=d["note"]
        ),
    ),
    "close": (
        CloseMeldingForm,
        lambda m, u, d: actions.melding_close(
            melding=m, actor=u, outcome=d["outcome"], closed_on=d["closed_on"]
        ),
    ),
    "account": (
        MelderAccountForm,
        lambda m, u, d: actions.melding_link_melder_account(
            melding=m, actor=u, username=d["username"]
        ),
    ),
}


def _input_from(data: dict[str, Any]) -> actions.MeldingInput:
    return actions.MeldingInput(
        first_contact_on=data["first_contact_on"],
        category_id=data["category"].pk,
        contact_kind=data["contact_kind"],
        department_id=data["department"].pk if data["department"] else None,
        melder_reference=data["melder_reference"],
        referral=data["referral"],
        notes=data["notes"],
        role_explained=data["role_explained"],
    )


def _confirm_withdrawal(request: HttpRequest, melding: Melding, consent: Consent) -> HttpResponse:
    return confirmation.ask(
        request,
        title=_("Record that the melder withdrew this consent?"),
        consequence=_(
            "From now on nothing more is shared on the consent to share with %(recipient)s "
            "(%(form)s). A withdrawn consent cannot be restored: for anything new, the melder "
            "gives a new consent."
        )
        % {"recipient": consent.get_recipient_display(), "form": consent.get_form_display()},
        button=_("Yes, record the withdrawal"),
        back_url=reverse(
            "practice:melding", kwargs={"slug": melding.organisation.slug, "pk": melding.pk}
        ),
        fields={
            "withdraw-id": str(consent.pk),
            formtokens.FIELD: request.POST.get(formtokens.FIELD, ""),
        },
        context={"organisation": melding.organisation},
    )


@member_view(Role.VP)
@require_POST
def melding_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    # Before the melding is opened: a handover takes it out of this VP's log,
    # and a second sending must still find the first one's result.
    sent = formtokens.answer_if_sent(request)
    if sent is not None:
        return sent
    organisation = request.organisation  # type: ignore[attr-defined]
    user = _user(request)
    melding = selectors.melding_for(user=user, organisation=organisation, pk=pk)
    if step not in STEPS:
        raise Http404
    form_class, run = STEPS[step]
    kwargs: dict[str, Any] = {"prefix": step}
    if form_class is MeldingForm:
        kwargs["organisation"] = organisation
    if form_class is HandoverForm:
        kwargs["successors"] = actions.successor_candidates(organisation=organisation, actor=user)
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        return _render_melding(request, melding, (step, form))
    if step == "withdraw" and not confirmation.confirmed(request):
        consent = melding.consents.filter(pk=form.cleaned_data["id"]).first()
        if consent is not None and consent.withdrawn_at is None:
            return _confirm_withdrawal(request, melding, consent)
    if step == "handover":
        # The melding leaves this VP's log: show the log, not a page they cannot open.
        done = reverse("practice:log", kwargs={"slug": organisation.slug})
        saved = _("The melding is now with your successor.")
    else:
        done = reverse("practice:melding", kwargs={"slug": organisation.slug, "pk": melding.pk})
        saved = _("Saved.")
    try:
        return formtokens.submit_once(
            request, lambda: run(melding, user, form.cleaned_data), result_url=done, saved=saved
        )
    except formtokens.Refused as refused:
        form.add_error(None, refused.message)
    except actions.PracticeError as error:
        form.add_error(None, error.message)
    return _render_melding(request, melding, (step, form))


@member_view(Role.VP)
@require_POST
def step_back(request: HttpRequest) -> HttpResponse:
    """Hand every open melding over temporarily (e.g. during a complaint about oneself)."""
    # A second sending would find no open melding left and say "0 meldingen".
    sent = formtokens.answer_if_sent(request)
    if sent is not None:
        return sent
    organisation = request.organisation  # type: ignore[attr-defined]
    user = _user(request)
    form = StepBackForm(
        request.POST,
        successors=actions.successor_candidates(organisation=organisation, actor=user),
        prefix="stepback",
    )
    log_url = reverse("practice:log", kwargs={"slug": organisation.slug})
    if not form.is_valid():
        messages.error(request, _("Choose a successor and write a handover note."))
        return redirect(log_url)

    def step_back_and_say_so() -> None:
        count = actions.meldingen_step_back(
            organisation=organisation,
            actor=user,
            successor_id=form.cleaned_data["successor"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            ngettext(
                "You stepped back temporarily from %(count)s melding.",
                "You stepped back temporarily from %(count)s meldingen.",
                count,
            )
            % {"count": count},
        )

    try:
        return formtokens.submit_once(request, step_back_and_say_so, result_url=log_url)
    except (formtokens.Refused, actions.PracticeError) as error:
        messages.error(request, str(error.message))
    return redirect(log_url)


@member_view(Role.VP)
@require_POST
def handover_end(request: HttpRequest, handover_id: int) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    handover = policy.get_visible(
        _user(request), Handover, pk=handover_id, organisation=organisation
    )
    log_url = reverse("practice:log", kwargs={"slug": organisation.slug})
    running = handover.kind == HandoverKind.TEMPORARY and handover.ended_at is None
    if running and not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("End the temporary step-back?"),
            consequence=_(
                "The melding returns to %(from)s, and %(to)s can no longer read it. "
                "To step back again later, you hand over anew."
            )
            % {
                "from": handover.from_vp.get_full_name() or handover.from_vp.username,
                "to": handover.to_vp.get_full_name() or handover.to_vp.username,
            },
            button=_("Yes, end it and return the melding"),
            back_url=log_url,
            context={"organisation": organisation},
        )
    try:
        actions.handover_end(handover=handover, actor=_user(request))
    except actions.PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The temporary step-back has ended."))
    return redirect(log_url)


@member_view(Role.VP)
@require_GET
def leaflet(request: HttpRequest) -> HttpResponse:
    """The printable leaflet about the VP's role, from the organisation's role description."""
    organisation = request.organisation  # type: ignore[attr-defined]
    description = selectors.current_role_description(organisation=organisation)
    language = request.LANGUAGE_CODE
    return HttpResponse(
        render_pdf(
            "practice/leaflet.html",
            {"organisation": organisation, "description": description},
            language=language,
        ),
        headers=pdf_response_headers(f"{organisation.slug}-vertrouwenspersoon.pdf"),
    )


@member_view(Role.VP)
@require_GET
def consent_letter(request: HttpRequest, pk: int, consent_id: int) -> HttpResponse:
    """The written confirmation of a consent, for the melder to read and sign."""
    organisation = request.organisation  # type: ignore[attr-defined]
    melding = selectors.melding_for(user=_user(request), organisation=organisation, pk=pk)
    consent = melding.consents.filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    return HttpResponse(
        render_pdf(
            "practice/consent_letter.html",
            {
                "organisation": organisation,
                "melding": melding,
                "consent": consent,
                "vp": _user(request),
            },
            language=request.LANGUAGE_CODE,
        ),
        headers=pdf_response_headers(f"toestemming-{consent.pk}.pdf"),
    )


@member_view()
@require_http_methods(["GET", "POST"])
def my_consents(request: HttpRequest) -> HttpResponse:
    """The melder's own consents: read, confirm, withdraw. Nothing else of the melding."""
    organisation = request.organisation  # type: ignore[attr-defined]
    user = _user(request)
    consents = selectors.consents_to_confirm(user=user, organisation=organisation)
    if request.method == "POST":
        form = IdForm(request.POST)
        consent = consents.filter(pk=form.cleaned_data["id"]).first() if form.is_valid() else None
        if consent is None:
            raise Http404
        withdraw = request.POST.get("do") == "withdraw"
        if withdraw and consent.withdrawn_at is None and not confirmation.confirmed(request):
            return confirmation.ask(
                request,
                title=_("Withdraw this consent?"),
                consequence=_(
                    "From now on your confidential adviser shares nothing more on it with "
                    "%(recipient)s. A withdrawn consent cannot be restored: for anything new, "
                    "you give a new consent."
                )
                % {"recipient": consent.get_recipient_display()},
                button=_("Yes, withdraw my consent"),
                back_url=reverse("practice:my_consents", kwargs={"slug": organisation.slug}),
                fields={"id": str(consent.pk), "do": "withdraw"},
                context={"organisation": organisation},
            )
        try:
            if withdraw:
                actions.consent_withdraw(consent=consent, actor=user)
                messages.success(
                    request, _("Your consent is withdrawn. Nothing more is shared on it.")
                )
            else:
                actions.consent_confirm_in_portal(consent=consent, melder=user)
                messages.success(request, _("Thank you. Your consent is confirmed."))
        except actions.PracticeError as error:
            messages.error(request, error.message)
        return redirect("practice:my_consents", slug=organisation.slug)
    return render(
        request, "practice/my_consents.html", {"organisation": organisation, "consents": consents}
    )
