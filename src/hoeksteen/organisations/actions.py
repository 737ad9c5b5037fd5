"""Writes about organisations."""

from __future__ import annotations

from django.db import transaction

from hoeksteen.audit.actions import audit_record
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import User


@transaction.atomic
def organisation_create(*, name: str, slug: str, acting_user: User | None) -> Organisation:
    """Create an organisation with a regulation holding the documented defaults."""
    organisation = Organisation.objects.create(name=name, slug=slug)
    ComplaintRegulation.objects.create(organisation=organisation)
    audit_record(
        actor=acting_user,
        organisation_id=organisation.pk,
        action="organisation.created",
        target=organisation,
    )
    return organisation
