"""Yearly quality conversations: the coordinator records, the VP reads."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hoeksteen.access.decorators import member_view
from hoeksteen.core import clock, formtokens
from hoeksteen.people.models import Role
from hoeksteen.quality import actions, selectors
from hoeksteen.quality.forms import AgreedActionForm, ConversationForm
from hoeksteen.quality.models import QualityConversation
from hoeksteen.quality.views import acting_user, organisation_of, roles_of


@member_view(Role.COORDINATOR, Role.VP)
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    """A coordinator sees every VP's conversations; a VP their own."""
    organisation = organisation_of(request)
    return render(
        request,
        "quality/conversations.html",
        {
            "organisation": organisation,
            "conversations": selectors.conversations_for(
                user=acting_user(request), organisation=organisation
            ),
            "is_coordinator": Role.COORDINATOR in roles_of(request),
            "today": timezone.localdate(clock.now()),
        },
    )


@member_view(Role.COORDINATOR)
@require_POST
def conversations_plan(request: HttpRequest) -> HttpResponse:
    organisation = organisation_of(request)
    planned = actions.conversations_plan_due(
        now=clock.now(), organisation=organisation, acting_user=acting_user(request)
    )
    messages.success(
        request,
        _("Conversations planned: %(count)s. Change a date on the conversation's page.")
        % {"count": planned},
    )
    return redirect("quality:conversations", slug=organisation.slug)


def _render(
    request: HttpRequest,
    conversation: QualityConversation,
    *,
    record: forms.Form | None = None,
    agree: forms.Form | None = None,
) -> HttpResponse:
    user = acting_user(request)
    is_coordinator = Role.COORDINATOR in roles_of(request)
    context: dict[str, object] = {
        "organisation": conversation.organisation,
        "conversation": conversation,
        "agreed_actions": selectors.agreed_actions_of(user=user, conversation=conversation),
        "is_coordinator": is_coordinator,
        "user_id": user.pk,
        "today": timezone.localdate(clock.now()),
    }
    if is_coordinator:
        context["record"] = record or ConversationForm(
            prefix="record",
            initial={
                name: getattr(conversation, name)
                for name in ("scheduled_on", "held_on", *actions.NOTE_FIELDS)
            },
        )
        context["agree"] = agree or AgreedActionForm(
            prefix="agree", owners=selectors.action_owner_candidates(conversation=conversation)
        )
    bound = record is not None or agree is not None
    return render(request, "quality/conversation.html", context, status=400 if bound else 200)


@member_view(Role.COORDINATOR, Role.VP)
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report: readable by the coordinators and its VP; 404 for anyone else."""
    organisation = organisation_of(request)
    user = acting_user(request)
    conversation = selectors.conversation_for(user=user, organisation=organisation, pk=pk)
    if request.method != "POST":
        return _render(request, conversation)
    form = ConversationForm(request.POST, prefix="record")
    if form.is_valid():
        try:
            actions.conversation_record(
                conversation=conversation,
                acting_user=user,
                data=actions.ConversationInput(**form.cleaned_data),
            )
        except actions.QualityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The conversation is saved."))
            return redirect("quality:conversation", slug=organisation.slug, pk=conversation.pk)
    return _render(request, conversation, record=form)


@member_view(Role.COORDINATOR)
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    if (sent := formtokens.answer_if_sent(request)) is not None:
        return sent
    organisation = organisation_of(request)
    user = acting_user(request)
    conversation = selectors.conversation_for(user=user, organisation=organisation, pk=pk)
    form = AgreedActionForm(
        request.POST,
        prefix="agree",
        owners=selectors.action_owner_candidates(conversation=conversation),
    )
    if form.is_valid():
        try:
            return formtokens.submit_once(
                request,
                lambda: actions.agreed_action_add(
                    conversation=conversation,
                    acting_user=user,
                    description=form.cleaned_data["description"],
                    owner_id=form.cleaned_data["owner"].pk,
                    due_on=form.cleaned_data["due_on"],
                ),
                result_url=reverse(
                    "quality:conversation",
                    kwargs={"slug": organisation.slug, "pk": conversation.pk},
                ),
                saved=_("The agreed action is added."),
            )
        except formtokens.Refused as refused:
            form.add_error(None, refused.message)
        except actions.QualityError as error:
            form.add_error(None, error.message)
    return _render(request, conversation, agree=form)


@member_view(Role.COORDINATOR, Role.VP)
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_of(request)
    user = acting_user(request)
    action = selectors.agreed_action_for(user=user, organisation=organisation, pk=pk)
    try:
        actions.agreed_action_complete(action=action, acting_user=user)
    except actions.QualityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The agreed action is marked as done."))
    return redirect("quality:conversation", slug=organisation.slug, pk=action.conversation_id)
