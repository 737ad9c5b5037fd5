"""Reminders of terms, before and on the due day and once when overdue.

Each reminder has an idempotency key (term, stage, case, person), so any
number of tick runners queue it once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from hoeksteen.complaints import terms
from hoeksteen.complaints.models import Complaint
from hoeksteen.complaints.workflow import OPEN_STATES
from hoeksteen.outbox.actions import outbox_enqueue
from hoeksteen.outbox.models import OutboxMessage
from hoeksteen.people.models import User

REMIND_DAYS_BEFORE = 2


def stage(due: dt.datetime, now: dt.datetime) -> str | None:
    """'before', 'due' or 'overdue' — or None when no reminder is due yet."""
    left = terms.days_left(due, now)
    if left < 0:
        return "overdue"
    if left == 0:
        return "due"
    if left <= REMIND_DAYS_BEFORE:
        return "before"
    return None


def _open_terms(complaint: Complaint) -> list[tuple[terms.Term, dt.datetime, User | None]]:
    """(term, due, who is reminded) for the terms still to be met."""
    rows: list[tuple[terms.Term, dt.datetime, User | None]] = []
    if complaint.acknowledged_at is None and complaint.acknowledgment_due_at:
        rows.append((terms.Term.ACKNOWLEDGMENT, complaint.acknowledgment_due_at, complaint.handler))
    if complaint.decided_at is None and complaint.decision_due_at:
        rows.append((terms.Term.DECISION, complaint.decision_due_at, complaint.handler))
    if complaint.vp_heard_at is None and complaint.vp_response_due_at:
        rows.append((terms.Term.VP_RESPONSE, complaint.vp_response_due_at, complaint.subject_vp))
    if complaint.decided_at is None and complaint.feedback_due_at:
        rows.append((terms.Term.FEEDBACK, complaint.feedback_due_at, complaint.handler))
    return rows


def queue_term_reminders(*, now: dt.datetime) -> int:
    horizon = now + dt.timedelta(days=REMIND_DAYS_BEFORE + 1)
    due_soon = (
        Complaint.objects.filter(state__in=OPEN_STATES)
        .filter(
            Q(acknowledged_at__isnull=True, acknowledgment_due_at__lte=horizon)
            | Q(decided_at__isnull=True, decision_due_at__lte=horizon)
            | Q(vp_heard_at__isnull=True, vp_response_due_at__lte=horizon)
            | Q(decided_at__isnull=True, feedback_due_at__lte=horizon)
        )
        .select_related("organisation", "handler", "subject_vp")
    )
    queued = 0
    for complaint in due_soon.iterator(chunk_size=500):
        for term, due, person in _open_terms(complaint):
            when = stage(due, now)
            if when is None or person is None or not person.email:
                continue
            key = f"reminder:{term}:{when}:{complaint.pk}:{person.pk}:{due:%Y%m%d}"
            if OutboxMessage.objects.filter(key=key).exists():
                continue  # queued by an earlier tick
            with transaction.atomic(), translation.override(person.language):
                outbox_enqueue(
                    organisation=complaint.organisation,
                    key=key,
                    to=person.email,
                    subject=_reminder_subject(when),
                    body=_(
                        "A term in a complaint procedure in which you take part needs your "
                        "attention: %(term)s, due on %(date)s. For confidentiality, this e-mail "
                        "contains no details. Sign in to Hoeksteen to read the file."
                    )
                    % {"term": term.label, "date": f"{due:%d-%m-%Y}"},
                )
            queued += 1
    return queued


def _reminder_subject(when: str) -> str:
    if when == "overdue":
        return _("A term in a complaint procedure has passed")
    if when == "due":
        return _("A term in a complaint procedure ends today")
    return _("A term in a complaint procedure ends soon")
