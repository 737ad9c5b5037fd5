"""The seed's two checklists, answered once a year: one for the organisation
(by its coordinator), one for each VP (by that VP, for themselves)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedTextField


class ChecklistKind(models.TextChoices):
    ORGANISATION = "organisation", _("Checklist for organisations")
    VP = "vp", _("Checklist for confidential advisers")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class ChecklistAssessment(TenantModel):
    """One year's answers to one checklist."""

    kind = models.CharField(_("checklist"), max_length=20, choices=ChecklistKind.choices)
    vp = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confidential adviser"),
        help_text=_("Only for the checklist for confidential advisers."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="organisation", vp__isnull=True)
                | models.Q(kind="vp", vp__isnull=False),
                name="checklist_vp_only_and_always_for_vp_checklists",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=models.Q(kind="organisation"),
                name="one_organisation_checklist_a_year",
            ),
            models.UniqueConstraint(
                fields=["organisation", "vp", "year"],
                condition=models.Q(kind="vp"),
                name="one_vp_checklist_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


class ChecklistAnswer(TenantModel):
    """The answer to one question. `derived_answer` keeps what the data said
    when the answer was saved, so the history shows where a person's answer
    and the data differed."""

    assessment = models.ForeignKey(
        ChecklistAssessment, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.CharField(_("question"), max_length=60)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    derived_answer = models.CharField(
        _("answer suggested by the data"), max_length=10, choices=Answer.choices, blank=True
    )
    explanation = EncryptedTextField(_("explanation"), blank=True)
    evidence = EncryptedTextField(_("evidence"), blank=True)
    improvement = EncryptedTextField(_("improvement action"), blank=True)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"], name="one_checklist_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.answer}"
