"""Writes about organisations."""

from __future__ import annotations

from django.db import transaction

from hoeksteen.audit.actions import audit_record
from hoeksteen.core import clock
from hoeksteen.organisations import defaults
from hoeksteen.organisations.models import ComplaintRegulation, Organisation, RoleDescription
from hoeksteen.people.models import User


@transaction.atomic
def organisation_create(*, name: str, slug: str, acting_user: User | None) -> Organisation:
    """Create an organisation with a regulation holding the documented defaults."""
    organisation = Organisation.objects.create(name=name, slug=slug)
    organisation_set_up(organisation=organisation, acting_user=acting_user)
    return organisation


def organisation_set_up(*, organisation: Organisation, acting_user: User | None) -> None:
    """Give a new organisation its regulation, role description and categories."""
    ComplaintRegulation.objects.create(organisation=organisation)
    RoleDescription.objects.create(
        organisation=organisation,
        version=1,
        tasks=defaults.ROLE_TASKS,
        responsibilities=defaults.ROLE_RESPONSIBILITIES,
        limits=defaults.ROLE_LIMITS,
        first_conversation=defaults.FIRST_CONVERSATION,
        created_at=clock.now(),
        created_by=acting_user,
    )
    _default_categories(organisation)
    audit_record(
        actor=acting_user,
        organisation_id=organisation.pk,
        action="organisation.created",
        target=organisation,
    )


def _default_categories(organisation: Organisation) -> None:
    from hoeksteen.practice.models import DEFAULT_CATEGORIES, MeldingCategory

    MeldingCategory.objects.bulk_create(
        MeldingCategory(organisation=organisation, key=key, name=name, position=position)
        for position, (key, name) in enumerate(DEFAULT_CATEGORIES)
    )
