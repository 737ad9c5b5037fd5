"""The VP's own confidential practice: meldingen, consent, handover.

A melding stays with its VP (invariant 2): readable by the VP who holds it,
and by a successor after a recorded handover — never by the coordinator, a
handler, another VP or the admin. The organisation sees only aggregates.
Minimal personal data: no name of the melder, only an optional reference the
VP chooses (initials, a pseudonym).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedTextField

# The default categories (LVV practice), created with each organisation.
DEFAULT_CATEGORIES = [
    ("intimidation", "Intimidatie"),
    ("sexual_harassment", "Seksuele intimidatie"),
    ("bullying", "Pesten"),
    ("aggression", "Agressie en geweld"),
    ("discrimination", "Discriminatie"),
    ("integrity", "Integriteit"),
    ("workload_other", "Werkdruk / overig"),
]


class MeldingCategory(TenantModel):
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category of meldingen")
        verbose_name_plural = _("categories of meldingen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="category_key_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Department(TenantModel):
    """A coarse part of the organisation, for signals where groups are large enough."""

    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class ContactKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video call")
    WRITTEN = "written", _("In writing (e-mail, letter, chat)")


class Referral(models.TextChoices):
    NONE = "none", _("No referral")
    HR = "hr", _("HR")
    MANAGER = "manager", _("Manager")
    COMPANY_DOCTOR = "company_doctor", _("Company doctor")
    COUNSELLING = "counselling", _("Counselling or coaching")
    MEDIATION = "mediation", _("Mediation")
    COMPLAINTS = "complaints", _("Complaints committee")
    POLICE = "police", _("Police")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    OPEN = "", _("Still open")
    HEARD = "heard", _("Listened and advised")
    REFERRED = "referred", _("Referred")
    INFORMAL = "informal", _("Resolved informally")
    FORMAL = "formal", _("Formal complaint filed")
    STOPPED = "stopped", _("The melder chose to stop")
    OTHER = "other", _("Other")


class Melding(TenantModel):
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("VP who holds it"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_contact_on = models.DateField(_("date of the first conversation"))
    category = models.ForeignKey(
        MeldingCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    contact_kind = models.CharField(
        _("kind of contact"), max_length=20, choices=ContactKind.choices
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department (optional)"),
    )
    melder_reference = EncryptedTextField(
        _("your reference for the melder"),
        max_length=40,
        blank=True,
        help_text=_("Initials or a pseudonym that means something to you. Never a full name."),
    )
    melder_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the melder's account, to confirm consent in the portal"),
    )
    referral = models.CharField(
        _("referred to"), max_length=20, choices=Referral.choices, default=Referral.NONE
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    role_explained_at = models.DateTimeField(_("role explained at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        indexes = [
            models.Index(fields=["organisation", "holder", "closed_on"], name="melding_holder"),
            models.Index(fields=["organisation", "first_contact_on"], name="melding_period"),
        ]

    def __str__(self) -> str:
        return f"melding {self.pk}"


class ConsentForm(models.IntegerChoices):
    """How much may be shared; a wider form covers the narrower ones."""

    AGGREGATE = 1, _("Only counted in aggregates")
    ANONYMISED = 2, _("An anonymised description")
    IDENTIFIABLE = 3, _("Identifiable, with my name")


class Recipient(models.TextChoices):
    HR = "hr", _("HR")
    MANAGEMENT = "management", _("Management")
    MANAGER = "manager", _("The melder's manager")
    COORDINATOR = "coordinator", _("The coordinator of the VP function")
    COMPANY_DOCTOR = "company_doctor", _("The company doctor")
    COMPLAINTS = "complaints", _("A complaints committee")
    POLICE = "police", _("The police")


class ConfirmedVia(models.TextChoices):
    LETTER = "letter", _("signed confirmation letter")
    PORTAL = "portal", _("confirmed by the melder in the portal")


class Consent(TenantModel):
    """What the melder allows the VP to share, with whom and in which form.

    Recorded by the VP, confirmed by the melder (in the portal, or by a
    signed confirmation letter), withdrawable at any time. Without a
    confirmed, unwithdrawn consent that covers it, nothing is shared.
    """

    melding = models.ForeignKey(Melding, on_delete=models.CASCADE, related_name="consents")
    recipient = models.CharField(_("with whom"), max_length=20, choices=Recipient.choices)
    form = models.PositiveSmallIntegerField(_("in which form"), choices=ConsentForm.choices)
    scope = EncryptedTextField(
        _("what may be shared"), help_text=_("In the melder's words where possible.")
    )
    recorded_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_via = models.CharField(max_length=20, choices=ConfirmedVia.choices, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"consent {self.pk}"

    @property
    def is_in_force(self) -> bool:
        return self.confirmed_at is not None and self.withdrawn_at is None


class Sharing(TenantModel):
    """A record that something was shared, and under which consent."""

    melding = models.ForeignKey(Melding, on_delete=models.CASCADE, related_name="sharings")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="sharings")
    recipient = models.CharField(max_length=20, choices=Recipient.choices)
    form = models.PositiveSmallIntegerField(choices=ConsentForm.choices)
    what = EncryptedTextField(_("what was shared"))
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"sharing {self.pk}"


class HandoverKind(models.TextChoices):
    TEMPORARY = "temporary", _("Temporarily (for example during a complaint about me)")
    PERMANENT = "permanent", _("For good")


class Handover(TenantModel):
    """A VP steps back from a melding in favour of a named successor."""

    melding = models.ForeignKey(Melding, on_delete=models.CASCADE, related_name="handovers")
    from_vp = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_vp = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("how long"), max_length=20, choices=HandoverKind.choices)
    note = EncryptedTextField(_("handover note"))
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"handover {self.pk}"
