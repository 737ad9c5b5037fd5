"""Queuing outgoing messages."""

from __future__ import annotations

import datetime as dt

from hoeksteen.core import clock
from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.models import OutboxMessage


def outbox_enqueue(
    *,
    organisation: Organisation,
    key: str,
    to: str,
    subject: str,
    body: str,
    send_after: dt.datetime | None = None,
) -> OutboxMessage:
    """Queue one e-mail in the caller's transaction.

    `key` makes the call idempotent: a reminder queued again by a second tick
    runner finds the first one and queues nothing.
    """
    now = clock.now()
    message, _created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "organisation": organisation,
            "recipient": to,
            "subject": subject,
            "body": body,
            "next_attempt_at": send_after or now,
            "created_at": now,
        },
    )
    return message
