"""What privacy by design keeps: counts that outlive purged meldingen, and
the record of every erasure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedTextField


class RetainedMeldingCount(TenantModel):
    """How many meldingen of a category (and department) a quarter held, kept
    when the meldingen themselves are purged, so the annual report still adds
    up. Counts only: nothing in it points to a person."""

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    category = models.ForeignKey(
        "practice.MeldingCategory", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "practice.Department", on_delete=models.PROTECT, null=True, related_name="+"
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "quarter", "category", "department"],
                name="one_retained_count_per_cell",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}: {self.count}"


class Erasure(TenantModel):
    """An erasure of a person's data on their request (AVG art. 17), with its reason."""

    erased_user_id = models.BigIntegerField()
    reason = EncryptedTextField(_("reason"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    erased_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"erasure {self.pk}"
