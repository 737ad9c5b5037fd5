"""After the decision: recovery measures and the VP's private reflection."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.complaints.models.complaint import Complaint
from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedTextField


class MeasureKind(models.TextChoices):
    """The seed's ways to recover trust ("Herstel en reputatie")."""

    FOLLOW_UP = "follow_up", _("A joint follow-up conversation led by a third party")
    COMMUNICATION = "communication", _("An evaluation of the communication around the melding")
    AGREEMENTS = "agreements", _("Revised agreements on reporting and signalling")
    REAPPOINTMENT = "reappointment", _("Re-appointment, with a careful handover")
    REPLACEMENT = "replacement", _("Replacement, with a careful handover")
    OTHER = "other", _("Another measure")


class RecoveryMeasure(TenantModel):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=20, choices=MeasureKind.choices)
    description = EncryptedTextField(_("what will be done"))
    owner = models.CharField(_("who takes care of it"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = EncryptedTextField(_("how it went"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Reflection(TenantModel):
    """The VP's private reflection on the complaint (seed: "de waarde van
    reflectie"). Readable by that VP alone — not by the handler, not by the
    coordinator."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    vp = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    communication = EncryptedTextField(_("What went wrong in the communication?"), blank=True)
    role_boundaries = EncryptedTextField(
        _("Did I guard the boundaries of my role well enough?"), blank=True
    )
    explained_in_time = EncryptedTextField(
        _("Did I explain in time what I can and cannot do?"), blank=True
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "vp"], name="one_reflection_per_case")
        ]

    def __str__(self) -> str:
        return f"reflection {self.pk}"
