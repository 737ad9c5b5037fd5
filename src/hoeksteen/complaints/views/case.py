"""The case page and everything reached from it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hoeksteen.access.decorators import member_view
from hoeksteen.complaints import selectors
from hoeksteen.complaints.actions import ComplaintError
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.display import CaseRows
from hoeksteen.complaints.letters import letter_pdf
from hoeksteen.complaints.views.intake import receipt_uids
from hoeksteen.complaints.views.steps import STEPS, available
from hoeksteen.complaints.workflow import State
from hoeksteen.core import clock, formtokens
from hoeksteen.core.paging import PAGE_PARAMETER
from hoeksteen.core.pdf import pdf_response_headers
from hoeksteen.people.models import User

# The handler's list shows this many cases a page, open ones first.
CASES_PER_PAGE = 25

# Steps whose forms case.html renders inside another section, not as a step.
INLINE_STEPS = frozenset({"measure-done"})


def _viewer(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@member_view()
def case_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    user = _viewer(request)
    assert user is not None
    now = clock.now()
    lists = selectors.case_lists(
        user=user,
        organisation=organisation,
        now=now,
        page=request.GET.get(PAGE_PARAMETER),
        per_page=CASES_PER_PAGE,
    )
    rows = CaseRows(slug=organisation.slug, now=now)
    return render(
        request,
        "complaints/list.html",
        {
            "organisation": organisation,
            "page": lists.handled,
            "handled": [rows.row(c, with_terms=True) for c in lists.handled],
            "filed": [rows.row(c) for c in lists.filed],
            "about_me": [rows.row(c) for c in lists.about_me],
            "supporting": [rows.row(c) for c in lists.supporting],
            "overdue": lists.overdue,
        },
    )


def _open(request: HttpRequest, slug: str, uid: str) -> tuple[Any, frozenset[Any]]:
    return selectors.complaint_open_for(
        user=_viewer(request),
        slug=slug,
        uid=uid,
        receipt_uids=receipt_uids(request),
    )


def _render_case(
    request: HttpRequest,
    complaint: Any,
    roles: frozenset[Any],
    *,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    steps = {}
    for name in available(complaint, roles):
        step = STEPS[name]
        if bound is not None and bound[0] == name:
            steps[name] = bound[1]
        else:
            steps[name] = step.form(**step.form_kwargs(complaint), prefix=name)
    # A step that is not on offer (a replayed form, a step of another role)
    # has no form on the page to carry its errors, nor has a step whose form
    # sits inline in a table: show their errors on their own.
    refused: list[str] = []
    if bound is not None and (bound[0] not in steps or bound[0] in INLINE_STEPS):
        refused = [str(error) for errors in bound[1].errors.values() for error in errors]
    case = selectors.case_file(complaint, roles, user=_viewer(request))
    if "reflection" in steps and case.reflection is not None and not steps["reflection"].is_bound:
        # Saving replaces all three answers: start from what was written before.
        steps["reflection"].initial = {
            "communication": case.reflection.communication,
            "role_boundaries": case.reflection.role_boundaries,
            "explained_in_time": case.reflection.explained_in_time,
        }
    return render(
        request,
        "complaints/case.html",
        {
            "organisation": complaint.organisation,
            "case": case,
            "complaint": complaint,
            "roles": {str(r) for r in roles},
            "terms": selectors.term_statuses(complaint, now=clock.now()),
            "steps": steps,
            "refused": refused,
            "State": State,
        },
        status=status,
    )


@require_GET
def case_detail(request: HttpRequest, slug: str, uid: str) -> HttpResponse:
    complaint, roles = _open(request, slug, uid)
    return _render_case(request, complaint, roles)


@require_POST
def case_step(request: HttpRequest, slug: str, uid: str, step: str) -> HttpResponse:
    # Before the case is opened: a second sending is answered with the first's
    # result even when the first took the step out of this person's hands.
    sent = formtokens.answer_if_sent(request)
    if sent is not None:
        return sent
    complaint, roles = _open(request, slug, uid)
    definition = STEPS.get(step)
    if definition is None:
        raise Http404
    form = definition.form(
        request.POST, request.FILES, **definition.form_kwargs(complaint), prefix=step
    )
    if not form.is_valid():
        return _render_case(request, complaint, roles, bound=(step, form), status=400)
    actor = Actor(user=_viewer(request), receipt_uids=receipt_uids(request))
    try:
        return formtokens.submit_once(
            request,
            lambda: definition.run(complaint, actor, form.cleaned_data),
            result_url=reverse("complaints:case", kwargs={"slug": slug, "uid": uid}),
            saved=_("Saved."),
        )
    except formtokens.Refused as refused:
        form.add_error(None, refused.message)
    except ComplaintError as error:
        form.add_error(None, error.message)
    return _render_case(request, complaint, roles, bound=(step, form), status=400)


@require_GET
def letter_download(request: HttpRequest, slug: str, uid: str, letter_id: int) -> HttpResponse:
    complaint, roles = _open(request, slug, uid)
    letter = (
        selectors.case_file(complaint, roles, user=_viewer(request))
        .letters.filter(pk=letter_id)
        .first()
    )
    if letter is None:
        raise Http404
    return HttpResponse(
        letter_pdf(letter),
        headers=pdf_response_headers(f"{complaint.reference}-{letter.kind}.pdf"),
    )


@require_GET
def document_download(request: HttpRequest, slug: str, uid: str, document_id: int) -> FileResponse:
    complaint, roles = _open(request, slug, uid)
    document = (
        selectors.case_file(complaint, roles, user=_viewer(request))
        .attachments.filter(pk=document_id)
        .first()
    )
    if document is None:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.display_name,
        content_type=document.content_type,
    )


__all__ = ["case_detail", "case_list", "case_step", "document_download", "letter_download"]
