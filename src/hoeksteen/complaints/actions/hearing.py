"""Informing and hearing the parties (seed: "De positie van de vertrouwenspersoon
tijdens het proces", "hoor en wederhoor"), and the procedural review."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hoeksteen.access.complaint_rules import CaseRole
from hoeksteen.complaints import notices, routing
from hoeksteen.complaints.actions.base import (
    Actor,
    ComplaintError,
    audit,
    locked,
    refresh_deadlines,
    require,
    require_open,
)
from hoeksteen.complaints.letters import letter_issue
from hoeksteen.complaints.models import (
    Complaint,
    Hearing,
    LetterKind,
    Party,
    ReviewAnswer,
    ReviewQuestion,
    SupportAssignment,
    VPResponse,
)
from hoeksteen.complaints.models.procedure import HearingParty, ReviewAnswerValue, SupportKind
from hoeksteen.complaints.workflow import State
from hoeksteen.core import clock
from hoeksteen.people.models import Membership, Role, User

_IN_PROCEDURE = (State.REVIEW, State.INVESTIGATION)


def _in_procedure(complaint: Complaint) -> None:
    if complaint.state not in _IN_PROCEDURE:
        raise ComplaintError(
            _("This is only possible during a procedural review or an investigation.")
        )


@transaction.atomic
def complaint_inform_vp(
    *, complaint: Complaint, actor: Actor, now: dt.datetime | None = None
) -> Complaint:
    """Inform the VP in time and fully: a copy of the complaint as far as the
    complainant consented, the documents, the response term and the right to
    support. From now on the VP can read the case (as far as shown) and respond."""
    now = now or clock.now()
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER, CaseRole.INVESTIGATOR)
    _in_procedure(complaint)
    if complaint.vp_informed_at is not None:
        raise ComplaintError(_("The VP has already been informed."))
    complaint.vp_informed_at = now
    refresh_deadlines(complaint)
    complaint.save()
    if complaint.vp_may_read_description:
        complaint.attachments.filter(added_by_party=Party.COMPLAINANT).update(shown_to_vp=True)
    letter_issue(
        complaint=complaint,
        kind=LetterKind.VP_INFORMED,
        recipient=Party.VP,
        now=now,
        language="nl",
        facts={
            "description": complaint.description if complaint.vp_may_read_description else "",
            "complainant_name": (
                complaint.complainant.get_full_name()
                if complaint.complainant and complaint.vp_may_know_identity
                else ""
            ),
        },
    )
    audit(complaint, actor, "complaint.vp_informed", now=now)
    notices.notify_user(user=complaint.subject_vp, complaint=complaint, key="vp-informed")
    return complaint


@transaction.atomic
def complaint_record_vp_response(
    *,
    complaint: Complaint,
    actor: Actor,
    body: str,
    share_with_support: bool,
    now: dt.datetime | None = None,
) -> VPResponse:
    """The VP's written response (wederhoor)."""
    now = now or clock.now()
    if not body.strip():
        raise ComplaintError(_("Write your response before sending it."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.SUBJECT_VP)
    _in_procedure(complaint)
    response = VPResponse.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        body=body.strip(),
        shared_with_support=share_with_support,
        submitted_at=now,
    )
    if complaint.vp_heard_at is None:
        complaint.vp_heard_at = now
        complaint.save(update_fields=["vp_heard_at"])
    audit(complaint, actor, "complaint.vp_responded", now=now)
    for person in (complaint.handler, complaint.committee_member):
        if person is not None:
            notices.notify_user(user=person, complaint=complaint, key=f"vp-response-{response.pk}")
    return response


@transaction.atomic
def complaint_name_supporter(
    *,
    complaint: Complaint,
    actor: Actor,
    supporter_id: int,
    kind: str,
    shares_complaint: bool,
    now: dt.datetime | None = None,
) -> SupportAssignment:
    """The VP names a support person, who then reads what the VP shares."""
    now = now or clock.now()
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.SUBJECT_VP)
    require_open(complaint)
    if kind not in SupportKind.values:
        raise ComplaintError(_("Choose what kind of support this person gives."))
    supporter = supporter_candidates(complaint).filter(pk=supporter_id).first()
    if supporter is None:
        raise ComplaintError(_("Choose one of the support persons of this organisation."))
    assignment, _created = SupportAssignment.objects.update_or_create(
        complaint=complaint,
        supporter=supporter,
        ended_at=None,
        defaults={
            "organisation_id": complaint.organisation_id,
            "kind": kind,
            "shares_complaint": shares_complaint,
            "named_at": now,
        },
    )
    audit(complaint, actor, "complaint.supporter_named", now=now)
    notices.notify_user(user=supporter, complaint=complaint, key=f"support-{assignment.pk}")
    return assignment


def supporter_candidates(complaint: Complaint) -> QuerySet[User]:
    """Support persons of the organisation who are independent of the case."""
    conflicted = routing.conflicted_user_ids(
        organisation=complaint.organisation, subject_vp_id=complaint.subject_vp_id
    )
    excluded = {
        pk
        for pk in (complaint.complainant_id, complaint.handler_id, complaint.committee_member_id)
        if pk is not None
    }
    return (
        User.objects.filter(
            id__in=Membership.objects.filter(
                organisation_id=complaint.organisation_id, role=Role.SUPPORT, is_active=True
            ).values("user_id")
        )
        .exclude(id__in=conflicted)
        .exclude(id__in=excluded)
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def complaint_record_hearing(
    *,
    complaint: Complaint,
    actor: Actor,
    party: str,
    held_on: dt.date,
    present: str,
    record: str,
    now: dt.datetime | None = None,
) -> Hearing:
    """The record of hearing the complainant (hoor) or the VP (wederhoor)."""
    now = now or clock.now()
    if party not in HearingParty.values:
        raise ComplaintError(_("Choose who was heard."))
    if not record.strip():
        raise ComplaintError(_("Write down what was said in the hearing."))
    if held_on > timezone.localtime(now).date():
        raise ComplaintError(_("A hearing cannot be recorded before it has taken place."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.INVESTIGATOR, CaseRole.HANDLER)
    _in_procedure(complaint)
    if party == HearingParty.VP and complaint.vp_informed_at is None:
        raise ComplaintError(_("Inform the VP of the complaint before hearing them."))
    assert actor.user is not None
    hearing = Hearing.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        party=party,
        held_on=held_on,
        present=present.strip(),
        record=record.strip(),
        recorded_by=actor.user,
        recorded_at=now,
    )
    if party == HearingParty.VP and complaint.vp_heard_at is None:
        complaint.vp_heard_at = now
    if party == HearingParty.COMPLAINANT and complaint.complainant_heard_at is None:
        complaint.complainant_heard_at = now
    complaint.save(update_fields=["vp_heard_at", "complainant_heard_at"])
    audit(complaint, actor, "complaint.hearing_recorded", now=now, detail={"party": party})
    return hearing


@transaction.atomic
def complaint_answer_review(
    *,
    complaint: Complaint,
    actor: Actor,
    question: str,
    answer: str,
    evidence: str,
    now: dt.datetime | None = None,
) -> ReviewAnswer:
    """Answer one question of the procedural review, with its evidence."""
    now = now or clock.now()
    if question not in ReviewQuestion.values or answer not in ReviewAnswerValue.values:
        raise ComplaintError(_("Choose a question and an answer."))
    if not evidence.strip():
        raise ComplaintError(_("Name the evidence for this answer."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    if complaint.state != State.REVIEW:
        raise ComplaintError(_("Review questions are answered during a procedural review."))
    result, _created = ReviewAnswer.objects.update_or_create(
        complaint=complaint,
        question=question,
        defaults={
            "organisation_id": complaint.organisation_id,
            "answer": answer,
            "evidence": evidence.strip(),
            "answered_at": now,
        },
    )
    audit(complaint, actor, "complaint.review_answered", now=now, detail={"question": question})
    return result
