"""The two checklists as yearly self-assessments, with their history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoeksteen.access.decorators import member_view
from hoeksteen.core import clock
from hoeksteen.people.models import Role
from hoeksteen.quality import actions, checklists, selectors
from hoeksteen.quality.forms import ChecklistItemForm
from hoeksteen.quality.models import ChecklistKind
from hoeksteen.quality.views import acting_user, organisation_of

URL_NAMES = {
    ChecklistKind.ORGANISATION: "quality:organisation_checklist",
    ChecklistKind.VP: "quality:vp_checklist",
}


def _year(request: HttpRequest, default: int) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= default + 1 else default


def _checklist(request: HttpRequest, kind: ChecklistKind) -> HttpResponse:
    organisation = organisation_of(request)
    user = acting_user(request)
    today = timezone.localdate(clock.now())
    year = _year(request, today.year)
    editable = year in actions.editable_years(today)
    saved = selectors.checklist_of(user=user, organisation=organisation, kind=kind, year=year)
    saved_answers = {a.item: a for a in saved.answers.all()} if saved else {}
    suggestions = (
        actions.checklist_suggestions(user=user, organisation=organisation, kind=kind, year=year)
        if editable
        else {}
    )
    items: list[dict[str, Any]] = []
    for item in checklists.ITEMS[kind]:
        answer = saved_answers.get(item.key)
        suggestion = suggestions.get(item.key)
        if answer is not None:
            initial = {
                "answer": answer.answer,
                "explanation": answer.explanation,
                "evidence": answer.evidence,
                "improvement": answer.improvement,
            }
        elif suggestion is not None:
            initial = {"answer": suggestion.answer, "evidence": suggestion.basis}
        else:
            initial = {}
        form = ChecklistItemForm(
            request.POST if request.method == "POST" else None,
            prefix=item.key.replace(".", "-"),
            initial=initial,
        )
        items.append({"item": item, "form": form, "saved": answer, "suggestion": suggestion})

    if request.method == "POST" and editable and all(entry["form"].is_valid() for entry in items):
        try:
            actions.checklist_save(
                organisation=organisation,
                acting_user=user,
                kind=kind,
                year=year,
                answers=[
                    actions.AnswerInput(item=entry["item"].key, **entry["form"].cleaned_data)
                    for entry in items
                ],
            )
        except actions.QualityError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The checklist of %(year)s is saved.") % {"year": year})
            return redirect(reverse(URL_NAMES[kind], args=[organisation.slug]) + f"?year={year}")
    history = selectors.checklist_history(user=user, organisation=organisation, kind=kind)
    return render(
        request,
        "quality/checklist.html",
        {
            "organisation": organisation,
            "kind": kind,
            "title": kind.label,
            "year": year,
            "editable": editable,
            "items": items,
            "saved": saved,
            "history": history,
            "url_name": URL_NAMES[kind],
        },
        status=400 if request.method == "POST" else 200,
    )


@member_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def organisation_checklist(request: HttpRequest) -> HttpResponse:
    """Filled in by the coordinator, once a year."""
    return _checklist(request, ChecklistKind.ORGANISATION)


@member_view(Role.VP)
@require_http_methods(["GET", "POST"])
def vp_checklist(request: HttpRequest) -> HttpResponse:
    """Filled in by each VP, for themselves; no one else reads it."""
    return _checklist(request, ChecklistKind.VP)
