"""Intervision, training and LVV registration (seed: "Intervisie en
deskundigheidsbevordering": "Verplicht deelname aan intervisie, trainingen en
herregistratie volgens LVV-normen")."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedTextField


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Training")
    INTERVISION = "intervision", _("Intervision")
    OTHER = "other", _("Other professional development")


class TrainingRecord(TenantModel):
    """Hours a VP spent on intervision, training or other development."""

    vp = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confidential adviser"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(200)],
    )
    attended_on = models.DateField(_("date"))
    description = EncryptedTextField(_("description"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-attended_on", "-id"]
        verbose_name = _("intervision or training")
        verbose_name_plural = _("intervision and training")
        indexes = [
            models.Index(fields=["organisation", "vp", "attended_on"], name="training_vp_date")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.attended_on}"


class LVVRegistration(TenantModel):
    """The VP's registration with the LVV and the expiry of its certificate."""

    vp = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confidential adviser"),
    )
    registered_on = models.DateField(_("registered on"))
    certificate_expires_on = models.DateField(_("certificate expires on"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("LVV registration")
        verbose_name_plural = _("LVV registrations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "vp"], name="one_lvv_registration"),
            models.CheckConstraint(
                condition=models.Q(certificate_expires_on__gt=models.F("registered_on")),
                name="lvv_expiry_after_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"LVV · {self.vp}"


class RecertificationNorm(TenantModel):
    """The hours a VP needs in one registration cycle. The defaults are the
    LVV's re-certification rules (DESIGN.md, "Terms and their basis"); an
    organisation may set its own. Until it does, no row exists and the
    defaults apply (selectors.norm_of)."""

    cycle_years = models.PositiveSmallIntegerField(
        _("length of the cycle (years)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    total_hours = models.PositiveSmallIntegerField(
        _("hours in total"), default=72, validators=[MaxValueValidator(1000)]
    )
    training_hours = models.PositiveSmallIntegerField(
        _("of which at least training"), default=24, validators=[MaxValueValidator(1000)]
    )
    intervision_hours = models.PositiveSmallIntegerField(
        _("of which at least intervision"), default=32, validators=[MaxValueValidator(1000)]
    )
    other_hours = models.PositiveSmallIntegerField(
        _("of which at least other development"), default=16, validators=[MaxValueValidator(1000)]
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("re-certification norm")
        verbose_name_plural = _("re-certification norms")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="one_norm_per_organisation")
        ]

    def __str__(self) -> str:
        return str(_("Re-certification norm"))
