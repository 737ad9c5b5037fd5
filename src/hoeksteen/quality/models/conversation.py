"""The yearly quality conversation between the organisation and each VP."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedTextField


class QualityConversation(TenantModel):
    """One VP's quality conversation of one year (seed: "Regelmatige evaluatie":
    not only figures, but experiences and dilemmas too). Readable by the
    organisation's coordinators and by that VP alone."""

    vp = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confidential adviser"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scheduled_on = models.DateField(_("planned on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    reachability = EncryptedTextField(_("reachability"), blank=True)
    collaboration = EncryptedTextField(_("collaboration"), blank=True)
    role_clarity = EncryptedTextField(_("clarity of the role"), blank=True)
    figures = EncryptedTextField(_("figures"), blank=True)
    experiences = EncryptedTextField(_("experiences"), blank=True)
    dilemmas = EncryptedTextField(_("dilemmas"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-year", "scheduled_on", "id"]
        verbose_name = _("quality conversation")
        verbose_name_plural = _("quality conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "vp", "year"], name="one_quality_conversation_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vp} · {self.year}"


class AgreedAction(TenantModel):
    """Something agreed in a quality conversation, with an owner and a due
    date, followed until it is done."""

    conversation = models.ForeignKey(
        QualityConversation,
        on_delete=models.PROTECT,
        related_name="agreed_actions",
        verbose_name=_("quality conversation"),
    )
    description = EncryptedTextField(_("what was agreed"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who does it"),
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["done_on", "due_on", "id"]
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")

    def __str__(self) -> str:
        return f"agreed action {self.pk}"
