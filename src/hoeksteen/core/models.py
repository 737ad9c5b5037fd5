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
