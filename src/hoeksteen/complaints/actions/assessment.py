"""Acknowledgment and assessment: admissibility, the informal route and the
choice of track (seed: "Bevestiging en veiligheid", "Beoordeling van
ontvankelijkheid", "Onderzoek of beoordeling?")."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
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
    transition,
)
from hoeksteen.complaints.letters import letter_issue
from hoeksteen.complaints.models import (
    Complaint,
    ConflictDeclaration,
    LetterKind,
    Party,
    Track,
)
from hoeksteen.complaints.models.complaint import Closure
from hoeksteen.complaints.workflow import OPEN_STATES, State, Transition
from hoeksteen.core import clock
from hoeksteen.organisations.models import ComplaintRegulation, VPTeamMember
from hoeksteen.people.models import Membership, Role


def _reason(text: str, message: str) -> str:
    if not text.strip():
        raise ComplaintError(message)
    return text.strip()


@transaction.atomic
def complaint_acknowledge(
    *, complaint: Complaint, actor: Actor, now: dt.datetime | None = None
) -> Complaint:
    """Confirm receipt in writing: a letter stating procedure, terms, confidentiality
    and who handles the complaint, in the complainant's mailbox and as a PDF."""
    now = now or clock.now()
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    transition(complaint, Transition.ACKNOWLEDGE, actor=actor, now=now)
    complaint.acknowledged_at = now
    refresh_deadlines(complaint)
    complaint.save()
    letter_issue(
        complaint=complaint, kind=LetterKind.ACKNOWLEDGMENT, recipient=Party.COMPLAINANT, now=now
    )
    notices.notify_complainant(complaint=complaint, key="acknowledged")
    return complaint


@transaction.atomic
def complaint_declare_not_admissible(
    *, complaint: Complaint, actor: Actor, reasons: str, now: dt.datetime | None = None
) -> Complaint:
    """The complaint falls outside the regulation; the reasons go out in writing."""
    now = now or clock.now()
    reasons = _reason(reasons, _("Give the reasons why the complaint is not admissible."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    transition(complaint, Transition.NOT_ADMISSIBLE, actor=actor, now=now, note=reasons)
    complaint.admissibility_reason = reasons
    complaint.closure = Closure.NOT_ADMISSIBLE
    complaint.closed_at = now
    complaint.save()
    letter_issue(
        complaint=complaint,
        kind=LetterKind.NOT_ADMISSIBLE,
        recipient=Party.COMPLAINANT,
        now=now,
        facts={"reasons": reasons},
    )
    notices.notify_complainant(complaint=complaint, key="not-admissible")
    return complaint


@transaction.atomic
def complaint_choose_informal(
    *, complaint: Complaint, actor: Actor, reason: str, now: dt.datetime | None = None
) -> Complaint:
    """Not every discontent is a formal complaint: a conversation or mediation may do."""
    now = now or clock.now()
    reason = _reason(reason, _("Say why an informal route fits, and what it will be."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    transition(complaint, Transition.INFORMAL, actor=actor, now=now, note=reason)
    complaint.admissibility_reason = reason
    complaint.save()
    notices.notify_complainant(complaint=complaint, key="informal")
    return complaint


@transaction.atomic
def complaint_close_informal(
    *, complaint: Complaint, actor: Actor, outcome: str, now: dt.datetime | None = None
) -> Complaint:
    now = now or clock.now()
    outcome = _reason(outcome, _("Record the outcome of the conversation or mediation."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    transition(complaint, Transition.CLOSE_INFORMAL, actor=actor, now=now, note=outcome)
    complaint.informal_outcome = outcome
    complaint.closure = Closure.INFORMAL
    complaint.closed_at = now
    complaint.save()
    notices.notify_complainant(complaint=complaint, key="informal-closed")
    return complaint


@transaction.atomic
def complaint_request_formal(
    *, complaint: Complaint, actor: Actor, now: dt.datetime | None = None
) -> Complaint:
    """After an informal route the complainant may still ask for the formal one."""
    now = now or clock.now()
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.COMPLAINANT)
    if complaint.state == State.CLOSED and complaint.closure != Closure.INFORMAL:
        raise ComplaintError(_("Only a complaint closed after an informal route can be reopened."))
    transition(complaint, Transition.FORMAL_REQUESTED, actor=actor, now=now)
    complaint.closure = Closure.NONE
    complaint.closed_at = None
    complaint.save()
    if complaint.handler is not None:
        notices.notify_user(user=complaint.handler, complaint=complaint, key="formal-requested")
    return complaint


@transaction.atomic
def complaint_start_review(
    *, complaint: Complaint, actor: Actor, reason: str, now: dt.datetime | None = None
) -> Complaint:
    """Admissible, and suited to a procedural review (lighter complaints, misunderstandings)."""
    now = now or clock.now()
    reason = _reason(reason, _("Record why a procedural review fits this complaint."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    transition(complaint, Transition.START_REVIEW, actor=actor, now=now, note=reason)
    complaint.track = Track.REVIEW
    complaint.track_reason = reason
    complaint.save()
    return complaint


@transaction.atomic
def complaint_start_investigation(
    *,
    complaint: Complaint,
    actor: Actor,
    reason: str,
    investigator_id: int,
    now: dt.datetime | None = None,
) -> Complaint:
    """Admissible and serious: an independent investigator takes it on, seeing only this case."""
    now = now or clock.now()
    reason = _reason(reason, _("Record why an independent investigation is needed."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    candidates = routing.committee_candidates(
        organisation=complaint.organisation,
        subject_vp_id=complaint.subject_vp_id,
        excluded_user_ids=investigator_exclusions(complaint),
    )
    investigator = candidates.filter(pk=investigator_id).first()
    if investigator is None:
        raise ComplaintError(_("Choose an independent committee member or investigator."))
    transition(complaint, Transition.START_INVESTIGATION, actor=actor, now=now, note=reason)
    complaint.track = Track.INVESTIGATION
    complaint.track_reason = reason
    complaint.committee_member = investigator
    refresh_deadlines(complaint)
    complaint.save()
    notices.notify_user(user=investigator, complaint=complaint, key="investigation")
    return complaint


@transaction.atomic
def complaint_assign_investigator(
    *, complaint: Complaint, actor: Actor, investigator_id: int, now: dt.datetime | None = None
) -> Complaint:
    """Appoint a new investigator after the previous one declared a conflict."""
    now = now or clock.now()
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    if complaint.state != State.INVESTIGATION or complaint.committee_member_id is not None:
        raise ComplaintError(_("An investigator can be appointed when the investigation has none."))
    investigator = (
        routing.committee_candidates(
            organisation=complaint.organisation,
            subject_vp_id=complaint.subject_vp_id,
            excluded_user_ids=investigator_exclusions(complaint),
        )
        .filter(pk=investigator_id)
        .first()
    )
    if investigator is None:
        raise ComplaintError(_("Choose an independent committee member or investigator."))
    complaint.committee_member = investigator
    complaint.save(update_fields=["committee_member"])
    audit(complaint, actor, "complaint.investigator_appointed", now=now)
    notices.notify_user(
        user=investigator, complaint=complaint, key=f"investigation-{investigator.pk}"
    )
    return complaint


@transaction.atomic
def complaint_declare_conflict(
    *, complaint: Complaint, actor: Actor, reason: str, now: dt.datetime | None = None
) -> Complaint:
    """A handler or investigator with a conflict of interest hands the case on.

    The handler's place goes to the next independent handler (or the external
    route); an investigator's place is left for the handler to fill.
    """
    now = now or clock.now()
    reason = _reason(reason, _("Say briefly what the conflict of interest is."))
    complaint = locked(complaint)
    roles = require(actor, complaint, CaseRole.HANDLER, CaseRole.INVESTIGATOR)
    require_open(complaint)
    assert actor.user is not None
    ConflictDeclaration.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        user=actor.user,
        reason=reason,
        declared_at=now,
    )
    if CaseRole.INVESTIGATOR in roles:
        complaint.committee_member = None
        if complaint.handler is not None:
            notices.notify_user(
                user=complaint.handler, complaint=complaint, key="investigator-conflict"
            )
    if CaseRole.HANDLER in roles:
        reroute(complaint, now=now)
    complaint.save()
    audit(complaint, actor, "complaint.conflict_declared", now=now)
    return complaint


def investigator_exclusions(complaint: Complaint) -> frozenset[int]:
    """Never the complainant, nor anyone who declared a conflict in the case."""
    excluded = _declared_conflicts(complaint)
    return excluded | {complaint.complainant_id} if complaint.complainant_id else excluded


def _declared_conflicts(complaint: Complaint) -> frozenset[int]:
    return frozenset(
        ConflictDeclaration.objects.filter(complaint=complaint).values_list("user_id", flat=True)
    )


def reroute(complaint: Complaint, *, now: dt.datetime) -> None:
    """Give a locked complaint a new independent handler, or the external route."""
    from hoeksteen.complaints.actions.intake import _independent_coordinators

    regulation = ComplaintRegulation.objects.get(organisation_id=complaint.organisation_id)
    excluded = _declared_conflicts(complaint)
    if complaint.complainant_id is not None:
        excluded |= {complaint.complainant_id}
    result = routing.choose_handler(
        organisation=complaint.organisation,
        regulation=regulation,
        vp_kind=complaint.subject_vp_kind,
        subject_vp_id=complaint.subject_vp_id,
        excluded_user_ids=excluded,
    )
    complaint.handler = result.handler
    complaint.route = result.route
    complaint.needs_external_handler = result.needs_external_handler
    refresh_deadlines(complaint)
    if result.handler is not None:
        notices.notify_user(
            user=result.handler, complaint=complaint, key=f"routed-{int(now.timestamp())}"
        )
    else:
        notices.notify_coordinators_external_handler_needed(
            organisation=complaint.organisation,
            complaint=complaint,
            coordinators=_independent_coordinators(complaint.organisation, complaint.subject_vp_id),
        )


def unassigned_complaints_reroute(*, now: dt.datetime) -> int:
    """Tick job: complaints waiting for an external handler get one once it exists."""
    routed = 0
    waiting = Complaint.objects.filter(
        needs_external_handler=True, handler__isnull=True, state__in=OPEN_STATES
    ).order_by("id")
    for complaint_id in waiting.values_list("id", flat=True)[:200]:
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
            if not complaint.needs_external_handler or complaint.state not in OPEN_STATES:
                continue  # another runner got here first, or it was withdrawn meanwhile
            reroute(complaint, now=now)
            if complaint.handler is not None:
                complaint.save()
                audit(complaint, Actor(user=None), "complaint.routed", now=now)
                routed += 1
    return routed


def _no_longer_independent(field: str, role: Role) -> Q:
    """The person in `field` has left, lost the role, or joined the subject VP's team.

    Access already follows the file: such a person stops seeing the case at
    once. This finds the cases that would otherwise stay stuck with them.
    """
    person = OuterRef(f"{field}_id")
    serving = Membership.objects.filter(
        organisation_id=OuterRef("organisation_id"), user_id=person, role=role, is_active=True
    )
    subject_teams = VPTeamMember.objects.filter(user_id=OuterRef(OuterRef("subject_vp_id")))
    colleague = VPTeamMember.objects.filter(
        user_id=person, team_id__in=subject_teams.values("team_id")
    )
    return Q(**{f"{field}__isnull": False}) & (
        Q(~Exists(serving))
        | Q(**{f"{field}__is_active": False})
        | Q(subject_vp_id=F(f"{field}_id"))
        | Q(Exists(colleague))
    )


def _handler_gone() -> Q:
    return _no_longer_independent("handler", Role.HANDLER)


def _investigator_gone() -> Q:
    return _no_longer_independent("committee_member", Role.COMMITTEE)


def stranded_complaints() -> QuerySet[Complaint]:
    """Open complaints whose handler or investigator may no longer act on them."""
    return Complaint.objects.filter(state__in=OPEN_STATES).filter(
        _handler_gone() | _investigator_gone()
    )


def stranded_complaints_reroute(*, now: dt.datetime) -> int:
    """Tick job: hand on cases whose handler or investigator is no longer independent.

    A handler's place goes to the next independent handler (or the external
    route, as after a declared conflict); an investigator's place is left for
    the handler to fill. Why the place was handed on is not written into the
    file: the audit entry says only which place it was.
    """
    handed_on = 0
    for complaint_id in stranded_complaints().order_by("id").values_list("id", flat=True)[:200]:
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
            this = stranded_complaints().filter(pk=complaint_id)
            handler_gone = this.filter(_handler_gone()).exists()
            investigator_gone = this.filter(_investigator_gone()).exists()
            if not (handler_gone or investigator_gone):
                continue  # another runner got here first, or it was closed meanwhile
            if investigator_gone:
                complaint.committee_member = None
                audit(complaint, Actor(user=None), "complaint.investigator_released", now=now)
            if handler_gone:
                reroute(complaint, now=now)
                audit(complaint, Actor(user=None), "complaint.handler_released", now=now)
            elif complaint.handler is not None:
                notices.notify_user(
                    user=complaint.handler,
                    complaint=complaint,
                    key=f"investigator-released-{int(now.timestamp())}",
                )
            complaint.save()
            handed_on += 1
    return handed_on
