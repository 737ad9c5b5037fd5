"""Written letters: issued as facts, rendered as PDF with WeasyPrint.

A letter stores the facts it states at the moment it is sent, so that its
PDF reads the same years later, whatever changed in the file since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone, translation

from hoeksteen.complaints.models import Complaint, Letter, LetterKind, Party
from hoeksteen.core.pdf import render_pdf
from hoeksteen.organisations.models import ComplaintRegulation


def _date(moment: dt.datetime | None) -> str:
    """The local calendar date (Europe/Amsterdam), as ISO."""
    return timezone.localtime(moment).date().isoformat() if moment else ""


def base_facts(complaint: Complaint) -> dict[str, Any]:
    regulation = ComplaintRegulation.objects.get(organisation_id=complaint.organisation_id)
    return {
        "organisation": complaint.organisation.name,
        "reference": complaint.reference,
        "received_on": _date(complaint.received_at),
        "category": complaint.category,
        "route": complaint.route,
        "handler": complaint.handler.get_full_name() if complaint.handler else "",
        "anonymous": complaint.is_anonymous,
        "lvv_registered": complaint.subject_lvv_registered,
        "acknowledgment_due": _date(complaint.acknowledgment_due_at),
        "decision_due": _date(complaint.decision_due_at),
        "feedback_due": _date(complaint.feedback_due_at),
        "vp_response_due": _date(complaint.vp_response_due_at),
        "vp_response_days": regulation.vp_response_days,
        "extension_max_days": regulation.extension_max_days,
    }


def letter_issue(
    *,
    complaint: Complaint,
    kind: LetterKind,
    recipient: Party,
    now: dt.datetime,
    language: str | None = None,
    facts: dict[str, Any] | None = None,
) -> Letter:
    """Record a letter in the file (call inside the action's transaction)."""
    facts = base_facts(complaint) | (facts or {})
    return Letter.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        kind=kind,
        recipient_party=recipient,
        language=language or complaint.language,
        facts=facts,  # type: ignore[misc]  # an encrypted JSON document
        sent_at=now,
    )


def letter_pdf(letter: Letter) -> bytes:
    with translation.override(letter.language):
        sent_on = formats.date_format(timezone.localtime(letter.sent_at).date(), "DATE_FORMAT")
    return render_pdf(
        f"complaints/letters/{letter.kind}.html",
        {
            "letter": letter,
            "facts": letter.facts,
            "sent_on": sent_on,
            "recipient": letter.recipient_party,
        },
        language=letter.language,
    )
