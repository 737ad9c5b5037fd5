"""Tick jobs of the outbox."""

from __future__ import annotations

import datetime as dt

from hoeksteen.outbox.models import OutboxMessage, OutboxStatus
from hoeksteen.outbox.sending import drain_outbox
from hoeksteen.outbox.tick import tick_job


@tick_job("outbox.send")
def send_due_messages(now: dt.datetime) -> int:
    return drain_outbox(now=now)


# Sent messages are kept a month (to answer "did it go out?"), failed ones a
# quarter (to investigate); then they go: they may carry an address.
KEEP_SENT = dt.timedelta(days=30)
KEEP_FAILED = dt.timedelta(days=90)


@tick_job("outbox.forget_old")
def forget_old_messages(now: dt.datetime) -> int:
    sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT, sent_at__lt=now - KEEP_SENT)
    failed = OutboxMessage.objects.filter(
        status=OutboxStatus.FAILED, created_at__lt=now - KEEP_FAILED
    )
    return sent.delete()[0] + failed.delete()[0]
