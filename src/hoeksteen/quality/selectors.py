"""Reads for prevention and quality. Each starts from the access policy —
except the public regulation page, which shows what the organisation
publishes to anyone (access.quality_rules.published_vps)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hoeksteen.access import policy
from hoeksteen.access.quality_rules import published_vps
from hoeksteen.audit.actions import audit_record
from hoeksteen.complaints import selectors as complaint_selectors
from hoeksteen.organisations.models import ComplaintRegulation, Organisation, RoleDescription, Route
from hoeksteen.organisations.selectors import regulation_of
from hoeksteen.people.models import Membership, Role, User, VPKind
from hoeksteen.quality import facts, status
from hoeksteen.quality.models import (
    AgreedAction,
    ChecklistAssessment,
    ChecklistKind,
    LVVRegistration,
    QualityConversation,
    RecertificationNorm,
    TrainingRecord,
)

# --- the public regulation page -------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PublishedVP:
    name: str
    kind: VPKind
    lvv_registered: bool


@dataclasses.dataclass(frozen=True)
class PublicRegulation:
    organisation: Organisation
    regulation: ComplaintRegulation
    role_description: RoleDescription
    vps: list[PublishedVP]

    @property
    def route_internal(self) -> str:
        return str(Route(self.regulation.route_internal_vp).label)

    @property
    def route_external(self) -> str:
        return str(Route(self.regulation.route_external_vp).label)

    @property
    def lvv_vps(self) -> list[PublishedVP]:
        return [vp for vp in self.vps if vp.lvv_registered]


def newest_role_description(*, organisation: Organisation) -> RoleDescription:
    newest = RoleDescription.objects.filter(organisation=organisation).order_by("-version").first()
    assert newest is not None, "every organisation has a role description"
    return newest


def public_regulation(*, slug: str) -> PublicRegulation:
    """What the organisation publishes about complaints about its VPs, or Http404."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return PublicRegulation(
        organisation=organisation,
        regulation=regulation_of(organisation=organisation),
        role_description=newest_role_description(organisation=organisation),
        vps=[
            PublishedVP(name=str(m.user), kind=VPKind(m.vp_kind), lvv_registered=m.lvv_registered)
            for m in published_vps(organisation)
        ],
    )


# --- the role description --------------------------------------------------------


def role_description_versions(
    *, user: User, organisation: Organisation
) -> QuerySet[RoleDescription]:
    """Every version, newest first: old versions are kept, never edited."""
    return (
        policy.visible_to(user, RoleDescription)
        .filter(organisation=organisation)
        .select_related("created_by")
        .order_by("-version")
    )


# --- quality conversations ------------------------------------------------------


def conversations_for(*, user: User, organisation: Organisation) -> QuerySet[QualityConversation]:
    """A coordinator's: every VP's; a VP's: their own."""
    return (
        policy.visible_to(user, QualityConversation)
        .filter(organisation=organisation)
        .select_related("vp")
        .order_by("-year", "held_on", "scheduled_on", "id")
    )


def conversation_for(*, user: User, organisation: Organisation, pk: int) -> QualityConversation:
    """One conversation report, or Http404 for anyone but the coordinators and
    its VP. Reading it is recorded in the audit trail."""
    conversation = policy.get_visible(user, QualityConversation, pk=pk, organisation=organisation)
    with transaction.atomic():
        audit_record(
            actor=user,
            organisation_id=organisation.pk,
            action="quality.conversation.viewed",
            target=conversation,
        )
    return conversation


def agreed_actions_of(*, user: User, conversation: QualityConversation) -> QuerySet[AgreedAction]:
    return (
        policy.visible_to(user, AgreedAction)
        .filter(conversation=conversation)
        .select_related("owner")
    )


def agreed_action_for(*, user: User, organisation: Organisation, pk: int) -> AgreedAction:
    return policy.get_visible(user, AgreedAction, pk=pk, organisation=organisation)


def action_owner_candidates(*, conversation: QualityConversation) -> QuerySet[User]:
    """Who can own an agreed action: the VP, or a coordinator of the organisation."""
    coordinators = Membership.objects.filter(
        organisation_id=conversation.organisation_id, role=Role.COORDINATOR, is_active=True
    ).values("user_id")
    return User.objects.filter(
        Q(pk=conversation.vp_id) | Q(pk__in=coordinators), is_active=True
    ).order_by("last_name", "first_name", "pk")


# --- checklists -----------------------------------------------------------------


def checklist_of(
    *, user: User, organisation: Organisation, kind: ChecklistKind, year: int
) -> ChecklistAssessment | None:
    checklists = policy.visible_to(user, ChecklistAssessment).filter(
        organisation=organisation, kind=kind, year=year
    )
    if kind == ChecklistKind.VP:
        checklists = checklists.filter(vp=user)
    return checklists.prefetch_related("answers").first()


def checklist_history(
    *, user: User, organisation: Organisation, kind: ChecklistKind
) -> QuerySet[ChecklistAssessment]:
    checklists = policy.visible_to(user, ChecklistAssessment).filter(
        organisation=organisation, kind=kind
    )
    if kind == ChecklistKind.VP:
        checklists = checklists.filter(vp=user)
    return checklists.select_related("updated_by").prefetch_related("answers").order_by("-year")


# --- intervision, training and LVV ---------------------------------------------


def my_training_records(*, user: User, organisation: Organisation) -> QuerySet[TrainingRecord]:
    return policy.visible_to(user, TrainingRecord).filter(organisation=organisation, vp=user)


def my_training_record(*, user: User, organisation: Organisation, pk: int) -> TrainingRecord:
    """One of the VP's own records; Http404 for anyone else's, also a coordinator's view."""
    return policy.get_visible(user, TrainingRecord, pk=pk, organisation=organisation, vp=user)


def my_lvv_registration(*, user: User, organisation: Organisation) -> LVVRegistration | None:
    return (
        policy.visible_to(user, LVVRegistration).filter(organisation=organisation, vp=user).first()
    )


def norm_of(*, organisation: Organisation) -> RecertificationNorm:
    return facts.norm_of(organisation=organisation)


@dataclasses.dataclass(frozen=True)
class MyExpertise:
    records: QuerySet[TrainingRecord]
    registration: LVVRegistration | None
    progress: status.VPExpertiseFacts
    hours_this_year: dict[str, Decimal]


def my_expertise(*, user: User, organisation: Organisation, today: dt.date) -> MyExpertise:
    records = my_training_records(user=user, organisation=organisation)
    registration = my_lvv_registration(user=user, organisation=organisation)
    return MyExpertise(
        records=records,
        registration=registration,
        progress=facts.vp_expertise_facts(
            attendance=facts.attendance_of(records),
            registration=registration,
            norm=facts.norm_values(norm_of(organisation=organisation)),
            today=today,
        ),
        hours_this_year=facts.hours_by_kind(records, start=dt.date(today.year, 1, 1), end=today),
    )


@dataclasses.dataclass(frozen=True)
class VPOverview:
    membership: Membership
    facts: status.VPExpertiseFacts
    registration_recorded: bool

    @property
    def lvv_mismatch(self) -> bool:
        """The role says LVV-registered, but no registration is recorded here."""
        return self.membership.lvv_registered and not self.registration_recorded


def expertise_overview(
    *, user: User, organisation: Organisation, today: dt.date
) -> list[VPOverview]:
    """Per active VP, for the coordinator: sums and colours, never a description."""
    registered = set(
        policy.visible_to(user, LVVRegistration)
        .filter(organisation=organisation)
        .values_list("vp_id", flat=True)
    )
    return [
        VPOverview(membership=m, facts=f, registration_recorded=m.user_id in registered)
        for m, f in facts.expertise_facts(user=user, organisation=organisation, today=today)
    ]


# --- the prevention dashboard ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MeasureStatus:
    measure: status.Measure
    judgement: status.Judgement


@dataclasses.dataclass(frozen=True)
class Dashboard:
    measures: list[MeasureStatus]
    counts: complaint_selectors.CoordinatorCounts
    regulation: ComplaintRegulation


def prevention_dashboard(*, user: User, organisation: Organisation, now: dt.datetime) -> Dashboard:
    """The seed's five preventive measures, each judged from counted facts,
    and the complaint counts — numbers only."""
    today = timezone.localdate(now)
    counts = complaint_selectors.coordinator_counts(user=user, organisation=organisation, now=now)
    # Read once, used by several measures: a fixed number of queries per page.
    regulation = regulation_of(organisation=organisation)
    vps, handler_routes = facts.vps_and_handler_routes(user=user, organisation=organisation)
    measures = [
        (
            status.Measure.ROLE_DESCRIPTION,
            status.judge_role_description(
                facts.role_description_facts(user=user, organisation=organisation), today=today
            ),
        ),
        (
            status.Measure.PROCEDURE,
            status.judge_procedure(
                facts.procedure_facts(
                    user=user,
                    organisation=organisation,
                    regulation=regulation,
                    vps=vps,
                    handler_routes=handler_routes,
                    counts=counts,
                )
            ),
        ),
        (
            status.Measure.EVALUATION,
            status.judge_evaluation(
                facts.evaluation_facts(user=user, organisation=organisation, vps=vps, today=today)
            ),
        ),
        (
            status.Measure.EXPERTISE,
            status.judge_expertise(
                [
                    f
                    for _m, f in facts.expertise_facts(
                        user=user, organisation=organisation, today=today, vps=vps
                    )
                ]
            ),
        ),
        (
            status.Measure.COMMUNICATION,
            status.judge_communication(
                facts.communication_facts(
                    user=user, organisation=organisation, regulation=regulation, today=today
                )
            ),
        ),
    ]
    return Dashboard(
        measures=[MeasureStatus(measure, judgement) for measure, judgement in measures],
        counts=counts,
        regulation=regulation,
    )
