"""The transactional outbox: messages queued with the change that causes them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedTextField


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(TenantModel):
    """An e-mail to send. Written in the transaction of the change it reports,
    so a rolled-back change never sends anything."""

    key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        help_text=_("Queuing the same key twice queues one message."),
    )
    # The address may be an anonymous complainant's: it is encrypted, and
    # blanked once the message is sent (see outbox.sending).
    recipient = EncryptedTextField(_("to"), blank=True, db_default="")
    # Written in clear by releases before `recipient`; emptied by migration
    # 0003 and no longer written. A later release drops it.
    to = models.EmailField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = EncryptedTextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_due",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def address(self) -> str:
        """Where it goes (in clear only in rows an older release queued while
        this one was being rolled out)."""
        return self.recipient or self.to
