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


class UsedFormToken(models.Model):
    """A one-time form token whose form was acted on (hoeksteen.core.formtokens).

    The primary key makes the use unique: of two requests sending the same
    form at once, the second cannot insert its row until the first has
    committed or rolled back, and then fails (or goes ahead) accordingly.
    `result_url` is where the first sending's result is shown, so a second
    sending can be answered with it. Rows outlive their token's validity only
    until the tick forgets them.
    """

    token = models.CharField(max_length=64, primary_key=True)
    result_url = models.CharField(max_length=500, default="")
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.token}: {self.result_url}"
