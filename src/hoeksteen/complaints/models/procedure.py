"""What the procedure records: hearings, the review, the VP's response,
support and extensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.complaints.models.complaint import Complaint
from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedTextField


class ReviewQuestion(models.TextChoices):
    """The seed's three questions of a procedural review, and the LVV code."""

    CONFIDENTIALITY = "confidentiality", _("Was confidentiality safeguarded?")
    OPTIONS = "options", _("Was the melder correctly informed of the options?")
    NOTES = "notes", _("Were notes made and kept according to the rules?")
    LVV_CODE = (
        "lvv_code",
        _(
            "Did the VP act according to the LVV code of conduct (care, independence, "
            "integrity, expertise)?"
        ),
    )


class ReviewAnswerValue(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Could not be established")


class ReviewAnswer(TenantModel):
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="review_answers"
    )
    question = models.CharField(max_length=20, choices=ReviewQuestion.choices)
    answer = models.CharField(_("answer"), max_length=10, choices=ReviewAnswerValue.choices)
    evidence = EncryptedTextField(_("evidence"))
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"


class HearingParty(models.TextChoices):
    COMPLAINANT = "complainant", _("Complainant (hoor)")
    VP = "vp", _("VP (wederhoor)")


class Hearing(TenantModel):
    """The record of hearing one party (hoor en wederhoor)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="hearings")
    party = models.CharField(_("who was heard"), max_length=20, choices=HearingParty.choices)
    held_on = models.DateField(_("date"))
    present = EncryptedTextField(
        _("present"),
        max_length=300,
        blank=True,
        help_text=_("Who else was there, for example a support person."),
    )
    record = EncryptedTextField(_("record of the hearing"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"hearing {self.party} {self.held_on}"


class VPResponse(TenantModel):
    """The VP's written response to the complaint (wederhoor in writing)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="vp_responses")
    body = EncryptedTextField(_("your response"))
    shared_with_support = models.BooleanField(_("share with my support person"), default=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"response {self.pk}"


class SupportKind(models.TextChoices):
    COLLEAGUE = "colleague", _("A colleague")
    LVV_CONTACT = "lvv_contact", _("An LVV contact person")
    LEGAL = "legal", _("A legal adviser")


class SupportAssignment(TenantModel):
    """A support person named by the VP for one case; they read what the VP shares."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="supporters")
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of support"), max_length=20, choices=SupportKind.choices)
    shares_complaint = models.BooleanField(_("share the complaint as I was shown it"), default=True)
    named_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"support {self.supporter_id} in {self.complaint_id}"


class Extension(TenantModel):
    """A reasoned extension of the decision term, sent to both parties."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("days"))
    reason = EncryptedTextField(_("reason"))
    complainant_consented = models.BooleanField(
        _("the complainant agreed in writing to a longer delay"), default=False
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"+{self.days} days"
