"""Who may see what of prevention and quality.

* A quality conversation and what was agreed in it: the organisation's
  coordinators and the VP it is about — no other VP, no handler, and not
  the platform administrator.
* The organisation's checklist: its coordinators. A VP's checklist is a
  self-assessment: that VP alone.
* Intervision, training and LVV registration: the VP they belong to, and the
  coordinators, who follow re-certification.
* The re-certification norm: every member of the organisation.
* The public regulation page publishes, to anyone, the regulation, the
  newest role description and the names and kind of the active VPs
  (`published_vps`) — nothing else about a person.
* The dashboard counts meldingen for the coordinator (`meldingen_counted_for`)
  and never reads one (invariant 2).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hoeksteen.access import policy
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import Membership, Role, User
from hoeksteen.practice.models import Melding
from hoeksteen.quality.models import (
    AgreedAction,
    ChecklistAnswer,
    ChecklistAssessment,
    ChecklistKind,
    LVVRegistration,
    QualityConversation,
    RecertificationNorm,
    TrainingRecord,
)


def _own_or_coordinated(user: User) -> Q:
    """Rows about the user as a VP, or of an organisation they coordinate."""
    return Q(vp=user, organisation_id__in=policy.organisation_ids_with_role(user, Role.VP)) | Q(
        organisation_id__in=policy.organisation_ids_with_role(user, Role.COORDINATOR)
    )


@policy.visibility(QualityConversation)
def conversations_visible_to(user: User) -> QuerySet[QualityConversation]:
    return QualityConversation.objects.filter(_own_or_coordinated(user))


@policy.visibility(AgreedAction)
def _agreed_actions(user: User) -> QuerySet[AgreedAction]:
    return AgreedAction.objects.filter(conversation__in=conversations_visible_to(user))


@policy.visibility(ChecklistAssessment)
def checklists_visible_to(user: User) -> QuerySet[ChecklistAssessment]:
    return ChecklistAssessment.objects.filter(
        Q(
            kind=ChecklistKind.ORGANISATION,
            organisation_id__in=policy.organisation_ids_with_role(user, Role.COORDINATOR),
        )
        | Q(
            kind=ChecklistKind.VP,
            vp=user,
            organisation_id__in=policy.organisation_ids_with_role(user, Role.VP),
        )
    )


@policy.visibility(ChecklistAnswer)
def _checklist_answers(user: User) -> QuerySet[ChecklistAnswer]:
    return ChecklistAnswer.objects.filter(assessment__in=checklists_visible_to(user))


@policy.visibility(TrainingRecord)
def _training_records(user: User) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(_own_or_coordinated(user))


@policy.visibility(LVVRegistration)
def _lvv_registrations(user: User) -> QuerySet[LVVRegistration]:
    return LVVRegistration.objects.filter(_own_or_coordinated(user))


@policy.visibility(RecertificationNorm)
def _norms(user: User) -> QuerySet[RecertificationNorm]:
    if user.is_superuser:
        return RecertificationNorm.objects.all()
    return RecertificationNorm.objects.filter(
        organisation_id__in=policy.organisation_ids_with_role(user)
    )


def published_vps(organisation: Organisation) -> QuerySet[Membership]:
    """The active VPs the public regulation page names: name, kind, LVV."""
    return (
        Membership.objects.filter(
            organisation=organisation, role=Role.VP, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("vp_kind", "user__last_name", "user__first_name")
    )


def meldingen_counted_for(user: User, organisation: Organisation) -> QuerySet[Melding]:
    """The meldingen a coordinator may count (never read) for the dashboard."""
    if not policy.has_role(user, organisation, Role.COORDINATOR):
        return Melding.objects.none()
    return Melding.objects.filter(organisation=organisation)
