"""Reads of the VP's practice, always through the access policy."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from hoeksteen.access import policy
from hoeksteen.audit.actions import audit_record
from hoeksteen.organisations.models import Organisation, RoleDescription
from hoeksteen.people.models import User
from hoeksteen.practice.models import Consent, Handover, Melding


def my_meldingen(*, user: User, organisation: Organisation) -> QuerySet[Melding]:
    return (
        policy.visible_to(user, Melding)
        .filter(organisation=organisation)
        .select_related("category", "department")
        .defer("notes")  # the log shows the reference, never the notes
        .annotate(consent_count=Count("consents"))
        # Open meldingen (no closed_on) first on every database.
        .order_by(F("closed_on").asc(nulls_first=True), "-first_contact_on", "-id")
    )


def melding_for(*, user: User, organisation: Organisation, pk: int) -> Melding:
    """The melding, if the user holds it; Http404 otherwise (also when it exists).

    Every read of a melding is recorded in the audit trail (invariant 4).
    """
    melding = policy.get_visible(user, Melding, pk=pk, organisation=organisation)
    audit_record(
        actor=user, organisation_id=organisation.pk, action="melding.viewed", target=melding
    )
    return melding


def my_handovers(*, user: User, organisation: Organisation) -> QuerySet[Handover]:
    """Running temporary step-backs in which the user took part."""
    return (
        policy.visible_to(user, Handover)
        .filter(organisation=organisation, ended_at__isnull=True, kind="temporary")
        .select_related("from_vp", "to_vp")
    )


def consents_to_confirm(*, user: User, organisation: Organisation) -> QuerySet[Consent]:
    """What a melder with an account sees: their own consents, nothing of the notes."""
    return (
        policy.visible_to(user, Consent)
        .filter(organisation=organisation, melding__melder_account=user)
        .order_by("-recorded_at")
    )


def current_role_description(*, organisation: Organisation) -> RoleDescription:
    description = (
        RoleDescription.objects.filter(organisation=organisation).order_by("-version").first()
    )
    assert description is not None, "every organisation has a role description"
    return description
