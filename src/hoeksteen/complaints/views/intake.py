"""Filing a complaint, and finding it again with a receipt code."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from hoeksteen.access import policy
from hoeksteen.complaints import receipts
from hoeksteen.complaints.actions import ComplaintError, complaint_submit, receipt_open
from hoeksteen.complaints.actions.intake import ComplaintInput, Submission
from hoeksteen.complaints.forms import IntakeForm, ReceiptForm
from hoeksteen.core import formtokens, ratelimit
from hoeksteen.organisations.models import ComplaintRegulation, Organisation, Route
from hoeksteen.organisations.selectors import regulation_of
from hoeksteen.people.models import Membership, Role, User

RECEIPTS_SESSION_KEY = "hoeksteen_receipts"
SHOWN_RECEIPT_KEY = "hoeksteen_new_receipt"


def public_organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def receipt_uids(request: HttpRequest) -> list[str]:
    uids = request.session.get(RECEIPTS_SESSION_KEY, [])
    return [str(uid) for uid in uids] if isinstance(uids, list) else []


def _vps(organisation: Organisation) -> object:
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=Role.VP,
        memberships__is_active=True,
        is_active=True,
    ).order_by("last_name", "first_name")


def _route_labels(regulation: ComplaintRegulation) -> dict[str, object]:
    return {
        "internal": Route(regulation.route_internal_vp).label,
        "external": Route(regulation.route_external_vp).label,
    }


def _after_intake(request: HttpRequest, organisation: Organisation, submission: Submission) -> str:
    """Where a filed complaint is shown: the receipt code once, or the case."""
    if submission.receipt is None:
        return reverse(
            "complaints:case", kwargs={"slug": organisation.slug, "uid": submission.complaint.uid}
        )
    request.session[SHOWN_RECEIPT_KEY] = submission.receipt
    request.session[RECEIPTS_SESSION_KEY] = [*receipt_uids(request), str(submission.complaint.uid)]
    return reverse("complaints:received", kwargs={"slug": organisation.slug})


def _already_filed() -> str:
    return _("This complaint was already sent, and it was filed once. Do not send it again.")


@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = public_organisation(slug)
    if request.method == "POST":
        sent = formtokens.answer_if_sent(request, already=_already_filed())
        if sent is not None:
            return sent
    regulation = regulation_of(organisation=organisation)
    user = request.user if isinstance(request.user, User) else None
    member = user is not None and policy.has_role(user, organisation, *Role.values)
    vps = _vps(organisation)
    form = IntakeForm(request.POST or None, request.FILES or None, vps=vps, signed_in=member)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            anonymous = not member or form.cleaned_data.get("anonymous", False)
            data = ComplaintInput(
                subject_vp_id=form.cleaned_data["subject_vp"].pk,
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
                desired_outcome=form.cleaned_data["desired_outcome"],
                vp_may_read_description=form.cleaned_data["vp_may_read_description"],
                vp_may_know_identity=form.cleaned_data.get("vp_may_know_identity", False),
                language=translation.get_language() or "nl",
                contact_email=form.cleaned_data["contact_email"],
            )
            try:
                return formtokens.submit_once(
                    request,
                    lambda: complaint_submit(
                        organisation=organisation,
                        acting_user=user,
                        anonymous=anonymous,
                        data=data,
                        files=form.cleaned_data["documents"],
                    ),
                    result_url=lambda submission: _after_intake(request, organisation, submission),
                    already=_already_filed(),
                )
            except formtokens.Refused as refused:
                form.add_error(None, refused.message)
            except ComplaintError as error:
                form.add_error(None, error.message)
    lvv_vps = Membership.objects.filter(
        organisation=organisation, role=Role.VP, is_active=True, lvv_registered=True
    ).exists()
    return render(
        request,
        "complaints/intake.html",
        {
            "organisation": organisation,
            "regulation": regulation,
            "routes": _route_labels(regulation),
            "form": form,
            "member": member,
            "lvv_vps": lvv_vps,
        },
        status=status,
    )


def received(request: HttpRequest, slug: str) -> HttpResponse:
    """Shows the receipt code once: it is removed from the session as it is shown."""
    organisation = public_organisation(slug)
    code = request.session.pop(SHOWN_RECEIPT_KEY, None)
    return render(
        request,
        "complaints/received.html",
        {"organisation": organisation, "receipt": receipts.display(code) if code else None},
    )


def _receipt_checks(request: HttpRequest, organisation: Organisation) -> list[ratelimit.Check]:
    """Receipt guessing: per address (for this organisation), per organisation,
    and on the whole instance."""
    return [
        (ratelimit.limit("receipt.client"), f"{organisation.pk}:{ratelimit.client_key(request)}"),
        (ratelimit.limit("receipt.organisation"), str(organisation.pk)),
        (ratelimit.limit("receipt.global"), ratelimit.EVERYONE),
    ]


@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = public_organisation(slug)
    # Bound for every POST: an empty one must say the code is missing.
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    status = 200
    retry_after: int | None = None
    if request.method == "POST" and form.is_valid():
        checks = _receipt_checks(request, organisation)
        lockout = ratelimit.reserve(checks)
        if lockout is not None:
            form.add_error(
                None,
                ngettext(
                    "Too many codes were tried. For your safety, wait %(minutes)s minute "
                    "and try again.",
                    "Too many codes were tried. For your safety, wait %(minutes)s minutes "
                    "and try again.",
                    lockout.minutes,
                )
                % {"minutes": lockout.minutes},
            )
            status = 429
            retry_after = lockout.retry_after_seconds
        else:
            complaint = receipt_open(organisation=organisation, code=form.cleaned_data["code"])
            if complaint is not None:
                ratelimit.release(checks)
                request.session.cycle_key()
                request.session[RECEIPTS_SESSION_KEY] = [*receipt_uids(request), str(complaint.uid)]
                return redirect("complaints:case", slug=organisation.slug, uid=complaint.uid)
            form.add_error(
                "code",
                _("We do not know this code. Check the 16 digits and try again."),
            )
            status = 400
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "complaints/receipt.html",
        {"organisation": organisation, "form": form},
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
