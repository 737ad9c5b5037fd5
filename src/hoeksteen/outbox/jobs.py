"""Tick jobs of the outbox."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from hoeksteen.outbox.models import OutboxMessage, OutboxStatus
from hoeksteen.outbox.sending import drain_outbox
from hoeksteen.outbox.tick import tick_job


@tick_job("outbox.send")
def send_due_messages(now: dt.datetime) -> int:
    return drain_outbox(now=now)


# A sent message keeps its key for good (reminders look keys up so they are
# never queued twice) but its content only a month; failed ones are kept a
# quarter for investigation, then emptied the same way.
KEEP_SENT = dt.timedelta(days=30)
KEEP_FAILED = dt.timedelta(days=90)


@tick_job("outbox.forget_old")
def forget_old_messages(now: dt.datetime) -> int:
    old = OutboxMessage.objects.exclude(subject="").filter(
        Q(status=OutboxStatus.SENT, sent_at__lt=now - KEEP_SENT)
        | Q(status=OutboxStatus.FAILED, created_at__lt=now - KEEP_FAILED)
    )
    return old.update(recipient="", to="", subject="", body="", last_error="")
