"""What every complaint action shares: the actor, the checks and the one
function that changes state."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection

from django.utils.translation import gettext_lazy as _

from hoeksteen.access.complaint_rules import CaseRole, case_roles
from hoeksteen.audit.actions import audit_record
from hoeksteen.complaints import terms
from hoeksteen.complaints.models import Complaint, StatusChange, Track
from hoeksteen.complaints.workflow import State, Transition, WrongState, target_of
from hoeksteen.core import clock
from hoeksteen.organisations.models import ComplaintRegulation, Route
from hoeksteen.people.models import User


class ComplaintError(Exception):
    """A request the procedure refuses, with a message for the person who asked."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class NotAllowed(ComplaintError):
    def __init__(self) -> None:
        super().__init__(str(_("You cannot take this step in this complaint.")))


class WrongStep(ComplaintError):
    pass


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, or the holder of a verified receipt."""

    user: User | None
    receipt_uids: Collection[str] = ()

    def roles_in(self, complaint: Complaint) -> frozenset[CaseRole]:
        return case_roles(self.user, complaint, receipt_uids=self.receipt_uids)


def require(actor: Actor, complaint: Complaint, *allowed: CaseRole) -> frozenset[CaseRole]:
    roles = actor.roles_in(complaint)
    if not roles.intersection(allowed):
        raise NotAllowed
    return roles


def locked(complaint: Complaint) -> Complaint:
    """The complaint re-read under a row lock, so two steps never interleave."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def require_open(complaint: Complaint) -> None:
    """Refuse changes to a file that is closed or withdrawn."""
    if complaint.state in (State.CLOSED, State.WITHDRAWN):
        raise WrongStep(
            str(
                _("This is no longer possible: the complaint is in the state “%(state)s”.")
                % {"state": State(complaint.state).label}
            )
        )


def check_step(complaint: Complaint, step: Transition) -> None:
    """WrongStep, with the current state in its message, if `step` cannot happen now."""
    try:
        target_of(step, State(complaint.state))
    except WrongState:
        raise WrongStep(
            str(
                _("This step is not possible now: the complaint is in the state “%(state)s”.")
                % {"state": State(complaint.state).label}
            )
        ) from None


def transition(
    complaint: Complaint,
    step: Transition,
    *,
    actor: Actor,
    note: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """Move a locked complaint to the state `step` leads to, with history and audit."""
    now = now or clock.now()
    check_step(complaint, step)
    target = target_of(step, State(complaint.state))
    StatusChange.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        from_state=complaint.state,
        to_state=target,
        transition=step,
        actor=actor.user,
        at=now,
        note=note,
    )
    complaint.state = target
    audit(complaint, actor, f"complaint.{step}", now=now, detail={"to": str(target)})
    return complaint


def audit(
    complaint: Complaint,
    actor: Actor,
    action: str,
    *,
    now: dt.datetime | None = None,
    detail: dict[str, str] | None = None,
) -> None:
    audit_record(
        actor=actor.user,
        organisation_id=complaint.organisation_id,
        action=action,
        target=complaint,
        detail=detail,
        now=now,
    )


def term_days(regulation: ComplaintRegulation) -> terms.TermDays:
    return terms.TermDays(
        acknowledgment=regulation.acknowledgment_days,
        vp_response=regulation.vp_response_days,
        decision=regulation.decision_days,
        decision_external_committee=regulation.decision_days_external_committee,
        feedback=regulation.feedback_days,
    )


def refresh_deadlines(complaint: Complaint) -> None:
    """Recompute the due moments from the regulation and the file."""
    regulation = ComplaintRegulation.objects.get(organisation_id=complaint.organisation_id)
    due = terms.deadlines(
        days=term_days(regulation),
        received_at=complaint.received_at,
        acknowledged_at=complaint.acknowledged_at,
        vp_informed_at=complaint.vp_informed_at,
        extension_days=complaint.extension_days,
        # The longer term applies when an external committee handles or
        # investigates the complaint (Awb 9:11: ten weeks instead of six).
        external_committee=complaint.route == Route.EXTERNAL_COMMITTEE
        or complaint.track == Track.INVESTIGATION,
    )
    complaint.acknowledgment_due_at = due.acknowledgment
    complaint.vp_response_due_at = due.vp_response
    complaint.decision_due_at = due.decision
    complaint.feedback_due_at = due.feedback
