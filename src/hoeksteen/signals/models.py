"""What signals keeps: a VP's signals in words, and each ended year's publication.

No raw count of meldingen is kept here. A year's report is computed from the
meldingen once, when the year is first published, and its published figures
are kept from then on (`FrozenPublication`; docs/adr/0004-fixed-publications.md).
The text a VP writes for the organisation is kept from draft to release.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.core.models import TenantModel
from hoeksteen.privacy.fields import EncryptedTextField


class SignalPeriod(models.TextChoices):
    """The fixed calendar period a signal is about (never a single date)."""

    YEAR = "year", _("The whole year")
    H1 = "h1", _("First half of the year")
    H2 = "h2", _("Second half of the year")
    Q1 = "q1", _("First quarter")
    Q2 = "q2", _("Second quarter")
    Q3 = "q3", _("Third quarter")
    Q4 = "q4", _("Fourth quarter")


class QualitativeSignal(TenantModel):
    """A VP's signal in words for the coordinator, written as a draft and then released.

    A signal about one melding (`melding` set) is shared with the coordinator
    under the melder's consent, and the sharing is recorded in the practice
    (`sharing`). When that consent is withdrawn later, the signal is no
    longer shown (see the visibility rule in signals/rules.py).
    `about_one_melding` stays true when the melding itself is purged, so such a
    signal never turns into a general one.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("VP who wrote it"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(
        _("period"), max_length=10, choices=SignalPeriod.choices, default=SignalPeriod.YEAR
    )
    # Encrypted at rest like every free text about a practice (privacy.crypto).
    text = EncryptedTextField(_("signal"))
    melding = models.ForeignKey(
        "practice.Melding",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about one melding"),
    )
    about_one_melding = models.BooleanField(default=False)
    sharing = models.ForeignKey(
        "practice.Sharing", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    # How many traceability warnings the VP confirmed when releasing it.
    confirmed_warnings = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["year", "period", "created_at", "id"]
        verbose_name = _("qualitative signal")
        verbose_name_plural = _("qualitative signals")
        indexes = [
            models.Index(fields=["organisation", "year", "released_at"], name="signal_year"),
        ]

    def __str__(self) -> str:
        return f"signal {self.pk}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class FrozenPublication(TenantModel):
    """One organisation's publication of one ended year, fixed when first published.

    Holds the published figures only, hidden ones as null, in the form of
    `signals.figures`, and the k they were protected with. Every later
    report, chart, CSV file and annual report of that year shows these
    figures: a melding registered late, another k, a renamed category or a
    purge can no longer make a second, differently protected version of the
    same year that could be laid beside the first.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    frozen_at = models.DateTimeField(_("fixed at"))
    k = models.PositiveSmallIntegerField(_("smallest published count"))
    figures = models.JSONField(_("published figures"))

    class Meta:
        verbose_name = _("fixed publication of signals")
        verbose_name_plural = _("fixed publications of signals")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="one_publication_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"publication {self.year}"
