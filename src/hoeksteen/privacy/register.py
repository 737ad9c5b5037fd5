"""The processing register (verwerkingsregister, AVG art. 30), generated from
the models and the organisation's regulation, so it cannot drift from what
the software actually stores."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoeksteen.organisations.models import ComplaintRegulation


@dataclasses.dataclass(frozen=True)
class Activity:
    name: Any
    purpose: Any
    basis: Any
    people: Any
    recipients: Any
    models: tuple[str, ...]
    retention: str  # the regulation field that holds the term, or "" for none
    retention_note: Any = ""  # how long, where the regulation holds no term

    def data_categories(self) -> list[tuple[str, bool]]:
        """(field description, stored encrypted) for every field of its models."""
        seen: dict[str, bool] = {}
        for label in self.models:
            model = apps.get_model(label)
            for field in model._meta.concrete_fields:
                if field.name in ("id", "organisation") or isinstance(field, models.AutoField):
                    continue
                seen[str(field.verbose_name)] = bool(
                    getattr(field, "encrypted", False)
                ) or seen.get(str(field.verbose_name), False)
        return sorted(seen.items())


ACTIVITIES = [
    Activity(
        name=_("Handling complaints about a confidential adviser"),
        purpose=_("Receiving, assessing, investigating and deciding complaints about a VP."),
        basis=_("Legal obligation and legitimate interest: Arbowet art. 3(2), Wbk."),
        people=_("Complainants, the VP concerned, handlers, investigators, support persons."),
        recipients=_(
            "The handler and investigator of the case; the VP as far as the complainant "
            "consented; support persons as far as the VP shares."
        ),
        models=(
            "complaints.Complaint",
            "complaints.Message",
            "complaints.Letter",
            "complaints.Attachment",
            "complaints.Hearing",
            "complaints.VPResponse",
            "complaints.RecoveryMeasure",
        ),
        retention="complaint_retention_days",
    ),
    Activity(
        name=_("The confidential practice of the VP"),
        purpose=_("Supporting employees who report undesirable behaviour; documenting consent."),
        basis=_("Legitimate interest and the melder's consent for any sharing."),
        people=_("Melders (by a reference only), VPs."),
        recipients=_("The VP who holds the melding only; others only under recorded consent."),
        models=("practice.Melding", "practice.Consent", "practice.Sharing", "practice.Handover"),
        retention="melding_retention_days",
    ),
    Activity(
        name=_("Accounts, roles and the audit trail"),
        purpose=_("Access control, two-step sign-in and accountability for every read and write."),
        basis=_("Legitimate interest; security (AVG art. 32)."),
        people=_("Every user."),
        recipients=_(
            "The platform administrator; the coordinator for the roles of their organisation."
        ),
        models=("people.User", "people.Membership", "audit.AuditEntry", "privacy.Erasure"),
        retention="audit_retention_days",
    ),
    Activity(
        name=_("Signals to the organisation"),
        purpose=_("Reporting trends in aggregated, non-traceable form; qualitative signals."),
        basis=_("Legitimate interest (Arbowet art. 3(2)); consent for a signal about one melding."),
        people=_("VPs who write signals; melders only as counts."),
        recipients=_("The coordinator and the VPs of the organisation."),
        models=("signals.QualitativeSignal", "privacy.RetainedMeldingCount"),
        retention="",
        retention_note=_("As long as the organisation keeps its annual reports."),
    ),
    Activity(
        name=_("Quality of the VP function"),
        purpose=_("Annual quality conversations, checklists, training and LVV re-certification."),
        basis=_("Legitimate interest: the employer's duty of care for the VP function."),
        people=_("VPs, the coordinator."),
        recipients=_("The coordinator and the VP concerned."),
        models=(
            "quality.QualityConversation",
            "quality.AgreedAction",
            "quality.ChecklistAssessment",
            "quality.ChecklistAnswer",
            "quality.TrainingRecord",
            "quality.LVVRegistration",
        ),
        retention="",
        retention_note=_("As long as the VP holds the role; training over the LVV cycle."),
    ),
    Activity(
        name=_("Notices by e-mail"),
        purpose=_("Telling people that something new waits for them, without content."),
        basis=_("Legitimate interest; the complainant's choice to leave an address."),
        people=_("Everyone who takes part in a procedure; complainants who leave an address."),
        recipients=_("The organisation's mail server."),
        models=("outbox.OutboxMessage",),
        retention="",
        retention_note=_("The address is removed once sent; the content after 30 days."),
    ),
]

SECURITY_MEASURES = [
    _("Sensitive text and documents are encrypted at rest (Fernet), keys outside the database."),
    _(
        "Two-step sign-in for handlers, committee members and coordinators; "
        "a limited number of sign-in attempts."
    ),
    _("One access policy for every page, list, export and the admin; tenants sealed."),
    _("A complaint never reaches the VP concerned or their team colleagues for handling."),
    _("An append-only, hash-chained audit trail of every read and write, verified by a command."),
    _("Signals only as aggregates with small counts suppressed."),
    _("No IP addresses of anonymous complainants stored; no personal data in logs."),
]


def register_for(regulation: ComplaintRegulation) -> list[dict[str, Any]]:
    return [
        {
            "activity": activity,
            "categories": activity.data_categories(),
            "retention_days": getattr(regulation, activity.retention)
            if activity.retention
            else None,
            "retention_note": activity.retention_note,
        }
        for activity in ACTIVITIES
    ]
