"""Draining the outbox: each message is sent once, by one runner."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction

from hoeksteen.outbox.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> dt.timedelta:
    """2, 4, 8 … minutes after the n-th failure, capped at a day."""
    return min(dt.timedelta(minutes=2**attempts), dt.timedelta(days=1))


def _send(message: OutboxMessage) -> None:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        # A stable Message-ID lets the receiving server drop a duplicate if
        # this process dies after the SMTP hand-off but before its commit.
        headers={"Message-ID": f"<outbox-{message.pk}@hoeksteen>"},
    )
    email.send(fail_silently=False)


def drain_outbox(*, now: dt.datetime, limit: int = 500) -> int:
    """Send due messages; return how many were sent.

    Each message is claimed, sent and marked in one transaction. On
    PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so concurrent runners
    take different rows; on SQLite the IMMEDIATE transaction mode gives the
    whole block to one writer at a time. Either way a row is marked sent in
    the same transaction that held it, so no two runners send it.
    """
    skip_locked = connection.features.has_select_for_update_skip_locked
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            due = OutboxMessage.objects.filter(
                status=OutboxStatus.PENDING, next_attempt_at__lte=now
            ).order_by("next_attempt_at", "id")
            if skip_locked:
                due = due.select_for_update(skip_locked=True)
            message = due.first()
            if message is None:
                break
            try:
                _send(message)
            except Exception as exc:  # any mail failure is retried the same way
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = OutboxStatus.FAILED
                    logger.error("outbox message %s failed for good", message.pk)
                else:
                    message.next_attempt_at = now + backoff(message.attempts)
                message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
                continue
            message.status = OutboxStatus.SENT
            message.sent_at = now
            message.attempts += 1
            message.recipient = message.to = ""  # the address is not kept once it has served
            message.save(update_fields=["status", "sent_at", "attempts", "recipient", "to"])
            sent += 1
    return sent
