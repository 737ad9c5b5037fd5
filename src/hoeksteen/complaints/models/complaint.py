"""The complaint file and its status history."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.complaints.workflow import State
from hoeksteen.core.models import TenantModel
from hoeksteen.organisations.models import Route
from hoeksteen.privacy.fields import EncryptedTextField


class Category(models.TextChoices):
    """The seed's five kinds of complaint about a VP."""

    NOT_HEARD = "not_heard", _("I did not feel heard or supported")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality or the sharing of information")
    DIRECTIVE_OR_PASSIVE = "directive_passive", _("The VP was too directive, or too passive")
    CONFLICT = "conflict", _("A personal or communicative conflict")
    BOUNDARIES = "boundaries", _("Boundary-crossing behaviour by the VP")


# Kinds of complaint that suggest an independent investigation (seed: "Bij
# zwaardere klachten, zoals mogelijke grensoverschrijding of schending van
# vertrouwelijkheid, is een onafhankelijk onderzoek nodig").
SERIOUS_CATEGORIES = frozenset({Category.BOUNDARIES, Category.CONFIDENTIALITY})


class Track(models.TextChoices):
    NONE = "", _("Not chosen yet")
    REVIEW = "review", _("Procedural review")
    INVESTIGATION = "investigation", _("Independent investigation")


class Decision(models.TextChoices):
    NONE = "", _("No decision yet")
    FOUNDED = "founded", _("Founded")
    PARTLY_FOUNDED = "partly_founded", _("Partly founded")
    UNFOUNDED = "unfounded", _("Unfounded")
    NO_JUDGEMENT = "no_judgement", _("No judgement")


class Closure(models.TextChoices):
    NONE = "", _("Open")
    NOT_ADMISSIBLE = "not_admissible", _("Not admissible")
    INFORMAL = "informal", _("Resolved informally")
    DECIDED = "decided", _("Decided and followed up")
    WITHDRAWN = "withdrawn", _("Withdrawn by the complainant")


class Complaint(TenantModel):
    """A complaint about a VP (the subject) by an employee (the complainant).

    The complainant is either a signed-in user or anonymous; an anonymous
    complainant holds a receipt code of which only a slow hash is kept.
    Neutral words throughout: the VP is "the VP the complaint is about",
    never a suspect.
    """

    uid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(_("number"))
    subject_vp = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("VP the complaint is about"),
    )
    subject_vp_kind = models.CharField(_("kind of VP"), max_length=20)
    subject_lvv_registered = models.BooleanField(_("VP is registered with the LVV"))
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complainant"),
    )
    receipt_hash = models.CharField(_("receipt hash"), max_length=64, blank=True, db_index=True)
    language = models.CharField(_("language for letters"), max_length=5, default="nl")
    contact_email = EncryptedTextField(
        _("e-mail for notices"),
        blank=True,
        help_text=_("Optional. Only used to tell you that something new is waiting."),
    )

    category = models.CharField(
        _("what the complaint is about"), max_length=30, choices=Category.choices
    )
    description = EncryptedTextField(_("what happened"))
    desired_outcome = EncryptedTextField(_("what you hope for"), blank=True)
    vp_may_read_description = models.BooleanField(
        _("the VP may read my description"), default=False
    )
    vp_may_know_identity = models.BooleanField(_("the VP may know who I am"), default=False)

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    needs_external_handler = models.BooleanField(
        _("waiting for an external handler"), default=False
    )
    committee_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investigator"),
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices, blank=True)
    track_reason = EncryptedTextField(_("why this track"), blank=True)
    admissibility_reason = EncryptedTextField(
        _("reasons of the admissibility decision"), blank=True
    )
    informal_outcome = EncryptedTextField(_("outcome of the informal route"), blank=True)
    objectivity_note = EncryptedTextField(_("how objectivity was safeguarded"), blank=True)
    transparency_note = EncryptedTextField(_("how the parties were kept informed"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_reasons = EncryptedTextField(_("reasons of the decision"), blank=True)
    lessons = EncryptedTextField(_("lessons for the organisation"), blank=True)
    closure = models.CharField(_("closed as"), max_length=20, choices=Closure.choices, blank=True)
    withdrawal_reason = EncryptedTextField(_("reason for withdrawal"), blank=True)

    received_at = models.DateTimeField(_("received at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    vp_informed_at = models.DateTimeField(_("VP informed at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    vp_heard_at = models.DateTimeField(_("VP heard at"), null=True, blank=True)
    complainant_heard_at = models.DateTimeField(_("complainant heard at"), null=True, blank=True)
    # Days added to the decision term by reasoned extensions (see Extension).
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    # Due moments, computed by complaints.terms whenever what they depend on
    # changes, and kept here so overdue terms are one indexed query.
    acknowledgment_due_at = models.DateTimeField(null=True, blank=True)
    vp_response_due_at = models.DateTimeField(null=True, blank=True)
    decision_due_at = models.DateTimeField(null=True, blank=True)
    feedback_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="complaint_number_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(complainant__isnull=False) | ~models.Q(receipt_hash=""),
                name="complaint_has_complainant_or_receipt",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "handler", "state"], name="complaint_handler_list"
            ),
            models.Index(fields=["organisation", "committee_member"], name="complaint_committee"),
            models.Index(fields=["organisation", "subject_vp"], name="complaint_subject"),
            models.Index(fields=["organisation", "complainant"], name="complaint_complainant"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"K-{self.received_at:%Y}-{self.number:04d}"

    @property
    def is_anonymous(self) -> bool:
        return self.complainant_id is None


class StatusChange(TenantModel):
    """Append-only history of the complaint's states."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices)
    transition = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class ConflictDeclaration(TenantModel):
    """A handler or investigator who declared a conflict of interest in one case."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"))
    declared_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"conflict {self.user_id} in {self.complaint_id}"
