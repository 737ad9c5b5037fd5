"""Organisations (tenants), their complaint regulation and their VP teams."""

from __future__ import annotations

import secrets

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.core.models import TenantModel


def _new_receipt_salt() -> str:
    return secrets.token_hex(16)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("public address"),
        max_length=60,
        unique=True,
        help_text=_("Used in the address of the public complaint regulation page."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Salts the slow hash of anonymous receipt codes (complaints.receipts).
    receipt_salt = models.CharField(max_length=32, default=_new_receipt_salt, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Route(models.TextChoices):
    """Who handles a complaint about a VP (seed: "Scheiding van rollen")."""

    HR = "hr", _("HR department")
    MANAGEMENT = "management", _("Management board")
    INDEPENDENT = "independent", _("Independent functionary")
    EXTERNAL_COMMITTEE = "committee", _("External complaints committee")


class ComplaintRegulation(TenantModel):
    """The organisation's regulation for complaints about its VPs.

    The defaults and their legal basis are documented in
    docs/adr/0001-terms.md; every value is editable per organisation.
    """

    route_internal_vp = models.CharField(
        _("route for complaints about an internal VP"),
        max_length=20,
        choices=Route.choices,
        default=Route.HR,
    )
    route_external_vp = models.CharField(
        _("route for complaints about an external VP"),
        max_length=20,
        choices=Route.choices,
        default=Route.MANAGEMENT,
    )
    acknowledgment_days = models.PositiveSmallIntegerField(
        _("term for the written acknowledgment (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    vp_response_days = models.PositiveSmallIntegerField(
        _("term for the VP's written response (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    decision_days = models.PositiveSmallIntegerField(
        _("term for the decision (days)"),
        default=42,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    decision_days_external_committee = models.PositiveSmallIntegerField(
        _("term for the decision with an external committee (days)"),
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    extension_max_days = models.PositiveSmallIntegerField(
        _("longest extension without the complainant's consent (days)"),
        default=28,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
    )
    feedback_days = models.PositiveSmallIntegerField(
        _("term for feedback to the complainant (days after acknowledgment)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    k_threshold = models.PositiveSmallIntegerField(
        _("smallest count published in signals (k)"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
    )
    complaint_retention_days = models.PositiveIntegerField(
        _("keep a closed complaint file for (days)"),
        default=730,
        validators=[MinValueValidator(30)],
    )
    melding_retention_days = models.PositiveIntegerField(
        _("keep a closed melding for at most (days)"),
        default=365,
        validators=[MinValueValidator(1)],
    )
    audit_retention_days = models.PositiveIntegerField(
        _("keep audit entries for (days)"),
        default=1825,
        validators=[MinValueValidator(365)],
    )
    external_backup_vp = models.CharField(
        _("external backup VP"),
        max_length=200,
        blank=True,
        help_text=_("Name and contact of the external VP employees can turn to instead."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint regulation")
        verbose_name_plural = _("complaint regulations")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="one_regulation_per_organisation")
        ]

    def __str__(self) -> str:
        return str(_("Complaint regulation"))


class VPTeam(TenantModel):
    """A team of VPs. Members of one team are each other's direct colleagues."""

    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("VP team")
        verbose_name_plural = _("VP teams")

    def __str__(self) -> str:
        return self.name


class VPTeamMember(TenantModel):
    team = models.ForeignKey(
        VPTeam, on_delete=models.CASCADE, related_name="members", verbose_name=_("team")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="vp_team_memberships",
        verbose_name=_("VP"),
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.team}"

    def clean(self) -> None:
        # In the admin's add view the team is not saved yet, but it is set.
        cached = VPTeamMember.team.field.get_cached_value(self, None)
        team = (
            cached if isinstance(cached, VPTeam) else VPTeam.objects.filter(pk=self.team_id).first()
        )
        if team is None or not self.user_id:
            return
        membership = apps.get_model("people", "Membership")
        is_vp_here = membership.objects.filter(
            organisation_id=team.organisation_id,
            user_id=self.user_id,
            role="vp",
            is_active=True,
        ).exists()
        if not is_vp_here:
            raise ValidationError(
                {"user": _("Only a VP of this organisation can be a member of its team.")}
            )


class RoleDescription(TenantModel):
    """The VP's role as the organisation describes it: tasks, responsibilities
    and limits (seed: "Duidelijke rolomschrijving"). Versioned: a change adds
    a version, so a leaflet given at a first conversation can be traced to
    the text it showed. The public page and the leaflet use the newest."""

    version = models.PositiveIntegerField(_("version"))
    tasks = models.TextField(_("tasks"))
    responsibilities = models.TextField(_("responsibilities"))
    limits = models.TextField(_("limits: what the VP does not do"))
    first_conversation = models.TextField(
        _("what the VP explains in every first conversation"),
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("role description")
        verbose_name_plural = _("role descriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="role_description_version"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"
