"""The two-way mailbox between complainant and handler, and documents added later."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from hoeksteen.access.complaint_rules import CaseRole
from hoeksteen.complaints import notices
from hoeksteen.complaints.actions.base import (
    Actor,
    ComplaintError,
    WrongStep,
    audit,
    locked,
    require,
    require_open,
)
from hoeksteen.complaints.models import Attachment, Complaint, Message, Party
from hoeksteen.complaints.uploads import UploadRejected, inspect
from hoeksteen.complaints.workflow import State
from hoeksteen.core import clock

MESSAGE_MAX_CHARS = 10_000


@transaction.atomic
def message_send(
    *, complaint: Complaint, actor: Actor, body: str, now: dt.datetime | None = None
) -> Message:
    """A message from the complainant to the handler, or back."""
    now = now or clock.now()
    body = body.strip()
    if not body:
        raise ComplaintError(_("Write a message before sending it."))
    if len(body) > MESSAGE_MAX_CHARS:
        raise ComplaintError(
            _("A message can be at most %(count)s characters long.") % {"count": MESSAGE_MAX_CHARS}
        )
    complaint = locked(complaint)
    roles = require(actor, complaint, CaseRole.COMPLAINANT, CaseRole.HANDLER)
    if complaint.state == State.WITHDRAWN:
        raise WrongStep(_("The complaint was withdrawn; no more messages can be sent in it."))
    party = Party.HANDLER if CaseRole.HANDLER in roles else Party.COMPLAINANT
    message = Message.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        author_party=party,
        author=actor.user if party == Party.HANDLER or not complaint.is_anonymous else None,
        body=body,
        sent_at=now,
    )
    audit(complaint, actor, "complaint.message_sent", now=now, detail={"from": str(party)})
    if party == Party.HANDLER:
        notices.notify_complainant(complaint=complaint, key=f"message-{message.pk}")
    elif complaint.handler is not None:
        notices.notify_user(
            user=complaint.handler, complaint=complaint, key=f"message-{message.pk}"
        )
    return message


@transaction.atomic
def attachment_add(
    *,
    complaint: Complaint,
    actor: Actor,
    upload: UploadedFile[bytes],
    now: dt.datetime | None = None,
) -> Attachment:
    """A document added to the file by the complainant, the VP or the handler."""
    from django.conf import settings

    now = now or clock.now()
    try:
        name, content_type, size, digest = inspect(upload)
    except UploadRejected as rejected:
        raise ComplaintError(rejected.message) from None
    complaint = locked(complaint)
    roles = require(
        actor,
        complaint,
        CaseRole.COMPLAINANT,
        CaseRole.HANDLER,
        CaseRole.SUBJECT_VP,
        CaseRole.INVESTIGATOR,
    )
    require_open(complaint)
    if complaint.attachments.count() >= settings.ATTACHMENT_MAX_COUNT * 4:
        raise ComplaintError(_("This file holds the largest number of documents it can."))
    party = (
        Party.HANDLER
        if CaseRole.HANDLER in roles
        else Party.INVESTIGATOR
        if CaseRole.INVESTIGATOR in roles
        else Party.VP
        if CaseRole.SUBJECT_VP in roles
        else Party.COMPLAINANT
    )
    attachment = Attachment.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        added_by_party=party,
        file=upload,
        name=name,
        content_type=content_type,
        size=size,
        digest=digest,
        shown_to_vp=party == Party.VP,
        added_at=now,
    )
    audit(complaint, actor, "complaint.document_added", now=now, detail={"by": str(party)})
    return attachment
