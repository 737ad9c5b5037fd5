"""Who may read a VP's practice (invariant 2: the melding stays with the VP).

A melding is readable by the VP who holds it — after a handover, the
successor, and after a temporary step-back ends, the VP again. Not the
coordinator, not a handler, not another VP, not the admin, whatever other
roles they hold. The melder reads their own consents only (to confirm or
withdraw them), never the VP's notes. The organisation sees aggregates
through the signals app, which counts and never reads rows.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hoeksteen.access import policy
from hoeksteen.organisations.models import RoleDescription
from hoeksteen.people.models import Role, User
from hoeksteen.practice.models import (
    Consent,
    Department,
    Handover,
    Melding,
    MeldingCategory,
    Sharing,
)


@policy.visibility(Melding)
def meldingen_visible_to(user: User) -> QuerySet[Melding]:
    return Melding.objects.filter(
        holder=user, organisation_id__in=policy.organisation_ids_with_role(user, Role.VP)
    )


@policy.visibility(Consent)
def consents_visible_to(user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(
        Q(melding__in=meldingen_visible_to(user)) | Q(melding__melder_account=user)
    )


@policy.visibility(Sharing)
def _sharings(user: User) -> QuerySet[Sharing]:
    return Sharing.objects.filter(melding__in=meldingen_visible_to(user))


@policy.visibility(Handover)
def _handovers(user: User) -> QuerySet[Handover]:
    # Both sides of a handover see it: the successor must know what they took
    # on, and the VP who stepped back must be able to end a temporary one.
    return Handover.objects.filter(
        Q(melding__in=meldingen_visible_to(user)) | Q(from_vp=user) | Q(to_vp=user)
    )


def _configuration(model: type[MeldingCategory] | type[Department]) -> None:
    @policy.visibility(model)
    def rule(user: User) -> QuerySet[MeldingCategory] | QuerySet[Department]:
        if user.is_superuser:
            return model.objects.all()
        return model.objects.filter(
            organisation_id__in=policy.organisation_ids_with_role(user, Role.VP, Role.COORDINATOR)
        )


_configuration(MeldingCategory)
_configuration(Department)


@policy.visibility(RoleDescription)
def _role_descriptions(user: User) -> QuerySet[RoleDescription]:
    # Published to everyone in the organisation.
    if user.is_superuser:
        return RoleDescription.objects.all()
    return RoleDescription.objects.filter(
        organisation_id__in=policy.organisation_ids_with_role(user)
    )
