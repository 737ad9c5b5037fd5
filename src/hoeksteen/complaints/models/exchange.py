"""What passes between the parties: messages, letters and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.complaints.models.complaint import Complaint
from hoeksteen.complaints.uploads import upload_path
from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedJSONField, EncryptedTextField
from hoeksteen.privacy.storage import EncryptedFileStorage


class Party(models.TextChoices):
    COMPLAINANT = "complainant", _("Complainant")
    VP = "vp", _("VP")
    HANDLER = "handler", _("Handler")
    INVESTIGATOR = "investigator", _("Investigator")


class Message(TenantModel):
    """A message between the complainant and the handler, in the case's mailbox."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    author_party = models.CharField(max_length=20, choices=Party.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    body = EncryptedTextField(_("message"))
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class LetterKind(models.TextChoices):
    ACKNOWLEDGMENT = "acknowledgment", _("Acknowledgment of receipt")
    NOT_ADMISSIBLE = "not_admissible", _("Decision on admissibility")
    VP_INFORMED = "vp_informed", _("Notice of a complaint")
    EXTENSION = "extension", _("Extension of the decision term")
    DECISION = "decision", _("Decision")


class Letter(TenantModel):
    """A written letter, stored as the facts it states so its PDF can be
    rendered again identically at any time."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    recipient_party = models.CharField(max_length=20, choices=Party.choices)
    language = models.CharField(max_length=5)
    facts = EncryptedJSONField(default=dict)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_party}"


class Attachment(TenantModel):
    """A document in the file, stored outside the web root and served only
    through the access policy."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    added_by_party = models.CharField(max_length=20, choices=Party.choices)
    file = models.FileField(upload_to=upload_path, storage=EncryptedFileStorage())
    # The name a document had on the uploader's device ("klacht over J. de
    # Vries.pdf") and its digest (which would confirm whether a known file is
    # in the file) are encrypted like the document itself.
    name = EncryptedTextField(blank=True, db_default="")
    digest = EncryptedTextField(blank=True, db_default="")
    # Written in clear by releases before the encrypted fields; emptied by
    # migration 0004 and no longer written. A later release drops them.
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    shown_to_vp = models.BooleanField(_("shown to the VP"), default=False)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The document's name (in clear only in rows an older release wrote
        while this one was being rolled out)."""
        return self.name or self.original_name
