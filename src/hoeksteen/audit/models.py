"""The append-only, hash-chained audit trail (invariant 4)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded read or write.

    Entries form one chain per organisation (organisation_id 0 is the chain
    of platform-wide events, such as sign-ins): `seq` counts up from 1 without gaps and
    each `hash` covers the entry's fields and the previous entry's hash, so an
    altered, deleted or reordered row breaks the chain at that point.
    The organisation is stored as a plain id, not a foreign key: the trail
    must outlive whatever it describes.
    """

    organisation_id = models.BigIntegerField(_("organisation"))
    seq = models.BigIntegerField(_("sequence number"))
    actor_id = models.BigIntegerField(_("actor"), null=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    payload_hash = models.CharField(_("payload hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    # Set when the retention term removed the content (actor, action, object,
    # detail); payload_hash keeps the chain verifiable.
    tombstoned_at = models.DateTimeField(_("tombstoned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        constraints = [
            models.UniqueConstraint(fields=["organisation_id", "seq"], name="audit_seq_per_chain"),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.action} #{self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit entries are append-only.")


class AuditChainHead(models.Model):
    """The newest entry of one chain; its row lock serialises appends."""

    organisation_id = models.BigIntegerField(unique=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"chain {self.organisation_id}: {self.seq}"


class AuditCheckpoint(models.Model):
    """The last entry of a chain that verify-audit has found intact."""

    organisation_id = models.BigIntegerField(unique=True)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    verified_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"checkpoint {self.organisation_id}: {self.seq}"
