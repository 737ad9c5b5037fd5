"""Terms, the decision, recovery and closure (seed: "Herstel en reputatie",
"Leren van klachten"), and withdrawal at any stage."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from hoeksteen.access.complaint_rules import CaseRole
from hoeksteen.complaints import notices, terms
from hoeksteen.complaints.actions.base import (
    Actor,
    ComplaintError,
    audit,
    check_step,
    locked,
    refresh_deadlines,
    require,
    require_open,
    transition,
)
from hoeksteen.complaints.letters import letter_issue
from hoeksteen.complaints.models import (
    Complaint,
    Decision,
    Extension,
    LetterKind,
    MeasureKind,
    Party,
    RecoveryMeasure,
    Reflection,
    ReviewQuestion,
    Track,
)
from hoeksteen.complaints.models.complaint import Closure
from hoeksteen.complaints.workflow import Transition
from hoeksteen.core import clock
from hoeksteen.organisations.models import ComplaintRegulation


@transaction.atomic
def complaint_extend(
    *,
    complaint: Complaint,
    actor: Actor,
    days: int,
    reason: str,
    complainant_consented: bool,
    now: dt.datetime | None = None,
) -> Extension:
    """Extend the decision term: reasoned, in writing to both parties, at most the
    regulation's maximum unless the complainant agreed in writing (Awb 9:11 lid 2)."""
    now = now or clock.now()
    if not reason.strip():
        raise ComplaintError(_("Give the reason for the extension."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    if complaint.decided_at is not None or complaint.closed_at is not None:
        raise ComplaintError(_("The decision has been taken; its term can no longer be extended."))
    regulation = ComplaintRegulation.objects.get(organisation_id=complaint.organisation_id)
    if not terms.extension_allowed(
        already=complaint.extension_days,
        more=days,
        maximum=regulation.extension_max_days,
        complainant_consented=complainant_consented,
    ):
        raise ComplaintError(
            _(
                "An extension of %(days)s days is not possible: the term may be extended by "
                "at most %(max)s days in all (already %(already)s), unless the complainant has "
                "agreed in writing to a longer delay."
            )
            % {
                "days": days,
                "max": regulation.extension_max_days,
                "already": complaint.extension_days,
            }
        )
    assert actor.user is not None
    extension = Extension.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        days=days,
        reason=reason.strip(),
        complainant_consented=complainant_consented,
        granted_by=actor.user,
        granted_at=now,
    )
    complaint.extension_days += days
    refresh_deadlines(complaint)
    complaint.save()
    facts = {"extension_days": days, "extension_reason": reason.strip()}
    letter_issue(
        complaint=complaint,
        kind=LetterKind.EXTENSION,
        recipient=Party.COMPLAINANT,
        now=now,
        facts=facts,
    )
    notices.notify_complainant(complaint=complaint, key=f"extension-{extension.pk}")
    if complaint.vp_informed_at is not None:
        letter_issue(
            complaint=complaint,
            kind=LetterKind.EXTENSION,
            recipient=Party.VP,
            now=now,
            language="nl",
            facts=facts,
        )
        notices.notify_user(
            user=complaint.subject_vp, complaint=complaint, key=f"extension-{extension.pk}"
        )
    audit(complaint, actor, "complaint.extended", now=now, detail={"days": str(days)})
    return extension


def _ready_to_decide(complaint: Complaint, now: dt.datetime) -> None:
    if complaint.vp_informed_at is None:
        raise ComplaintError(_("Inform the VP of the complaint before deciding."))
    if complaint.vp_heard_at is None and not (
        complaint.vp_response_due_at and now > complaint.vp_response_due_at
    ):
        raise ComplaintError(
            _("Hear the VP, or wait for their written response until its term has passed.")
        )
    if complaint.track == Track.INVESTIGATION:
        if complaint.complainant_heard_at is None:
            raise ComplaintError(_("Record the hearing of the complainant before deciding."))
        if not (complaint.objectivity_note.strip() and complaint.transparency_note.strip()):
            raise ComplaintError(
                _("Record how objectivity and transparency were safeguarded before deciding.")
            )
    if complaint.track == Track.REVIEW:
        answered = set(complaint.review_answers.values_list("question", flat=True))
        if answered != set(ReviewQuestion.values):
            raise ComplaintError(_("Answer every question of the procedural review first."))


@transaction.atomic
def complaint_decide(
    *,
    complaint: Complaint,
    actor: Actor,
    decision: str,
    reasons: str,
    objectivity_note: str = "",
    transparency_note: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """Decide — founded, partly founded, unfounded or no judgement — with reasons,
    sent in writing to the complainant and to the VP."""
    now = now or clock.now()
    if decision not in Decision.values or decision == Decision.NONE:
        raise ComplaintError(_("Choose a decision."))
    if not reasons.strip():
        raise ComplaintError(_("Give the reasons for the decision."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    check_step(complaint, Transition.DECIDE)
    if objectivity_note.strip():
        complaint.objectivity_note = objectivity_note.strip()
    if transparency_note.strip():
        complaint.transparency_note = transparency_note.strip()
    _ready_to_decide(complaint, now)
    transition(complaint, Transition.DECIDE, actor=actor, now=now)
    complaint.decision = decision
    complaint.decision_reasons = reasons.strip()
    complaint.decided_at = now
    complaint.save()
    facts = {"decision": decision, "decision_reasons": reasons.strip()}
    letter_issue(
        complaint=complaint,
        kind=LetterKind.DECISION,
        recipient=Party.COMPLAINANT,
        now=now,
        facts=facts,
    )
    letter_issue(
        complaint=complaint,
        kind=LetterKind.DECISION,
        recipient=Party.VP,
        now=now,
        language="nl",
        facts=facts,
    )
    notices.notify_complainant(complaint=complaint, key="decided")
    notices.notify_user(user=complaint.subject_vp, complaint=complaint, key="decided")
    return complaint


@transaction.atomic
def complaint_add_measure(
    *,
    complaint: Complaint,
    actor: Actor,
    kind: str,
    description: str,
    owner: str,
    due_on: dt.date,
    now: dt.datetime | None = None,
) -> RecoveryMeasure:
    now = now or clock.now()
    if kind not in MeasureKind.values:
        raise ComplaintError(_("Choose a kind of measure."))
    if not description.strip() or not owner.strip():
        raise ComplaintError(_("Say what will be done and who takes care of it."))
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    if complaint.decided_at is None or complaint.closed_at is not None:
        raise ComplaintError(_("Recovery measures are agreed after the decision."))
    measure = RecoveryMeasure.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        kind=kind,
        description=description.strip(),
        owner=owner.strip(),
        due_on=due_on,
    )
    audit(complaint, actor, "complaint.measure_added", now=now, detail={"kind": kind})
    notices.notify_complainant(complaint=complaint, key=f"measure-{measure.pk}")
    return measure


@transaction.atomic
def complaint_complete_measure(
    *, measure: RecoveryMeasure, actor: Actor, note: str, now: dt.datetime | None = None
) -> RecoveryMeasure:
    now = now or clock.now()
    complaint = locked(measure.complaint)
    require(actor, complaint, CaseRole.HANDLER)
    require_open(complaint)
    measure = RecoveryMeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.done_at is not None:
        raise ComplaintError(_("This measure has already been completed."))
    measure.done_at = now
    measure.done_note = note.strip()
    measure.save(update_fields=["done_at", "done_note"])
    audit(complaint, actor, "complaint.measure_done", now=now)
    return measure


@transaction.atomic
def complaint_close(
    *, complaint: Complaint, actor: Actor, lessons: str, now: dt.datetime | None = None
) -> Complaint:
    """Close once every recovery measure is done, recording what the organisation learns."""
    now = now or clock.now()
    if not lessons.strip():
        raise ComplaintError(
            _("Record what the organisation learns (role clarity, expectations, trust).")
        )
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.HANDLER)
    check_step(complaint, Transition.CLOSE)
    if complaint.measures.filter(done_at__isnull=True).exists():
        raise ComplaintError(_("Complete every recovery measure before closing."))
    transition(complaint, Transition.CLOSE, actor=actor, now=now)
    complaint.lessons = lessons.strip()
    complaint.closure = Closure.DECIDED
    complaint.closed_at = now
    complaint.save()
    notices.notify_complainant(complaint=complaint, key="closed")
    return complaint


@transaction.atomic
def complaint_withdraw(
    *, complaint: Complaint, actor: Actor, reason: str = "", now: dt.datetime | None = None
) -> Complaint:
    """The complainant may withdraw at any stage."""
    now = now or clock.now()
    complaint = locked(complaint)
    require(actor, complaint, CaseRole.COMPLAINANT)
    transition(complaint, Transition.WITHDRAW, actor=actor, now=now)
    complaint.withdrawal_reason = reason.strip()
    complaint.closure = Closure.WITHDRAWN
    complaint.closed_at = now
    complaint.save()
    if complaint.handler is not None:
        notices.notify_user(user=complaint.handler, complaint=complaint, key="withdrawn")
    if complaint.vp_informed_at is not None:
        notices.notify_user(user=complaint.subject_vp, complaint=complaint, key="withdrawn")
    return complaint


@transaction.atomic
def reflection_save(
    *,
    complaint: Complaint,
    actor: Actor,
    communication: str,
    role_boundaries: str,
    explained_in_time: str,
    now: dt.datetime | None = None,
) -> Reflection:
    """The VP's private reflection: nobody else ever reads it."""
    now = now or clock.now()
    require(actor, complaint, CaseRole.SUBJECT_VP)
    assert actor.user is not None
    reflection, _created = Reflection.objects.update_or_create(
        complaint=complaint,
        vp=actor.user,
        defaults={
            "organisation_id": complaint.organisation_id,
            "communication": communication.strip(),
            "role_boundaries": role_boundaries.strip(),
            "explained_in_time": explained_in_time.strip(),
            "updated_at": now,
        },
    )
    audit(complaint, actor, "complaint.reflection_saved", now=now)
    return reflection
