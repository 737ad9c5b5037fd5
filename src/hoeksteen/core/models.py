"""Base models shared by the domain apps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TenantModel(models.Model):
    """A row that belongs to exactly one organisation.

    Every tenant-owned table carries `organisation_id`, so that the access
    policy can seal tenants with one filter and the schema can be distributed
    by organisation when one database is not enough.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        abstract = True


class AttemptCounter(models.Model):
    """How many attempts one rate-limit key has made in its current window.

    Used when the cache is the database cache: Django's database cache
    increments by reading and writing back, so two processes counting at once
    lose an attempt. This table is incremented in one statement instead.
    The key is a keyed hash, never a user name or an address.
    """

    counter_key = models.CharField(max_length=200, primary_key=True)
    count = models.IntegerField()
    # Seconds since the epoch: compared in SQL the same way on every database.
    expires_at = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.counter_key}: {self.count}"
