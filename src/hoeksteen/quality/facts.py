"""Thin readers that count the facts the pure derivations judge.

Everything here counts in the database and starts from the access policy
(or, for the coordinator's counts of meldingen, from the rule that lets a
coordinator count them without reading one). No row of a melding is ever
loaded: the dashboard and the checklists see numbers only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from hoeksteen.access import policy
from hoeksteen.access.quality_rules import meldingen_counted_for
from hoeksteen.complaints import selectors as complaint_selectors
from hoeksteen.organisations.models import ComplaintRegulation, Organisation, RoleDescription
from hoeksteen.organisations.selectors import regulation_of
from hoeksteen.people.models import Membership, Role, User, VPKind
from hoeksteen.practice.models import Consent, Melding
from hoeksteen.quality import checklists, status
from hoeksteen.quality.models import (
    ActivityKind,
    LVVRegistration,
    QualityConversation,
    RecertificationNorm,
    TrainingRecord,
)


def norm_of(*, organisation: Organisation) -> RecertificationNorm:
    """The organisation's norm; until it sets one, an unsaved row with the LVV's defaults."""
    return RecertificationNorm.objects.filter(
        organisation=organisation
    ).first() or RecertificationNorm(organisation=organisation)


def norm_values(norm: RecertificationNorm) -> status.Norm:
    return status.Norm(
        cycle_years=norm.cycle_years,
        total=norm.total_hours,
        training=norm.training_hours,
        intervision=norm.intervision_hours,
        other=norm.other_hours,
    )


def active_vp_memberships(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's active VPs, as far as `user` may see memberships."""
    return (
        policy.visible_to(user, Membership)
        .filter(organisation=organisation, role=Role.VP, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )


def vps_and_handler_routes(
    *, user: User, organisation: Organisation
) -> tuple[list[Membership], frozenset[str]]:
    """The active VP memberships (as active_vp_memberships) and the routes
    served by an active handler (as routes_with_handler), in one query."""
    members = list(
        policy.visible_to(user, Membership)
        .filter(
            organisation=organisation,
            role__in=[Role.VP, Role.HANDLER],
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    vps = [m for m in members if m.role == Role.VP]
    routes = frozenset(str(m.handler_kind) for m in members if m.role == Role.HANDLER)
    return vps, routes


def routes_in_use(*, regulation: ComplaintRegulation, vp_kinds: Iterable[str]) -> frozenset[str]:
    """The routes a complaint about one of the organisation's VPs would take."""
    kinds = set(vp_kinds)
    routes = set()
    if VPKind.INTERNAL in kinds:
        routes.add(regulation.route_internal_vp)
    if VPKind.EXTERNAL in kinds:
        routes.add(regulation.route_external_vp)
    return frozenset(routes)


def routes_with_handler(*, user: User, organisation: Organisation) -> frozenset[str]:
    kinds = (
        policy.visible_to(user, Membership)
        .filter(organisation=organisation, role=Role.HANDLER, is_active=True, user__is_active=True)
        .values_list("handler_kind", flat=True)
        .distinct()
    )
    return frozenset(str(kind) for kind in kinds)


def conversations_held(
    *, user: User, organisation: Organisation, year: int, vp_ids: Iterable[int]
) -> int:
    return (
        policy.visible_to(user, QualityConversation)
        .filter(organisation=organisation, year=year, vp_id__in=list(vp_ids), held_on__isnull=False)
        .count()
    )


def hours_by_kind(
    records: QuerySet[TrainingRecord], *, start: dt.date, end: dt.date
) -> dict[str, Decimal]:
    """Hours per ActivityKind value between `start` and `end`, summed in the database."""
    rows = (
        records.filter(attended_on__gte=start, attended_on__lte=end)
        .order_by()
        .values("kind")
        .annotate(hours=Sum("hours"))
    )
    return {str(row["kind"]): Decimal(row["hours"] or 0) for row in rows}


# --- the dashboard -------------------------------------------------------------


def role_description_facts(
    *, user: User, organisation: Organisation
) -> status.RoleDescriptionFacts:
    versions = policy.visible_to(user, RoleDescription).filter(organisation=organisation)
    newest = (
        versions.annotate(adopted=Exists(versions.filter(created_by__isnull=False)))
        .order_by("-version")
        .first()
    )
    assert newest is not None, "every organisation has a role description"
    parts = (newest.tasks, newest.responsibilities, newest.limits, newest.first_conversation)
    return status.RoleDescriptionFacts(
        version=newest.version,
        complete=all(part.strip() for part in parts),
        adopted=newest.adopted,
        revised_on=timezone.localdate(newest.created_at),
    )


def procedure_facts(
    *,
    user: User,
    organisation: Organisation,
    regulation: ComplaintRegulation,
    vps: list[Membership],
    handler_routes: frozenset[str],
    counts: complaint_selectors.CoordinatorCounts,
) -> status.ProcedureFacts:
    """`vps` and `handler_routes` as vps_and_handler_routes gives them."""
    return status.ProcedureFacts(
        routes_in_use=routes_in_use(regulation=regulation, vp_kinds=[m.vp_kind for m in vps]),
        routes_with_handler=handler_routes,
        waiting_for_external_handler=counts.waiting_for_external_handler,
        backup_vp_named=bool(regulation.external_backup_vp.strip()),
    )


def evaluation_facts(
    *, user: User, organisation: Organisation, vps: list[Membership], today: dt.date
) -> status.EvaluationFacts:
    """`vps`: the active VP memberships (active_vp_memberships)."""
    vp_ids = [m.user_id for m in vps]
    this_year = policy.visible_to(user, QualityConversation).filter(
        organisation=organisation, year=today.year, vp_id__in=vp_ids
    )
    counts = this_year.aggregate(
        planned=Count("id"),
        held=Count("id", filter=Q(held_on__isnull=False)),
        overdue=Count("id", filter=Q(held_on__isnull=True, scheduled_on__lt=today)),
        next_planned=Min("scheduled_on", filter=Q(held_on__isnull=True, scheduled_on__gte=today)),
    )
    return status.EvaluationFacts(
        active_vps=len(vp_ids),
        held=counts["held"],
        overdue=counts["overdue"],
        unscheduled=len(vp_ids) - counts["planned"],
        next_planned_on=counts["next_planned"],
    )


# One training record as the expertise facts need it: (kind, hours, attended_on).
Attendance = tuple[str, Decimal, dt.date]


def attendance_of(records: QuerySet[TrainingRecord]) -> list[Attendance]:
    return [
        (str(kind), Decimal(hours), attended_on)
        for kind, hours, attended_on in records.order_by().values_list(
            "kind", "hours", "attended_on"
        )
    ]


def sum_hours(
    attendance: Iterable[Attendance], *, start: dt.date, end: dt.date
) -> dict[str, Decimal]:
    """Hours per ActivityKind value between `start` and `end` (both included)."""
    totals: dict[str, Decimal] = {}
    for kind, hours, attended_on in attendance:
        if start <= attended_on <= end:
            totals[kind] = totals.get(kind, Decimal(0)) + hours
    return totals


def vp_expertise_facts(
    *,
    attendance: list[Attendance],
    registration: LVVRegistration | None,
    norm: status.Norm,
    today: dt.date,
) -> status.VPExpertiseFacts:
    """One VP's facts; `attendance` is that VP's records only."""
    year_ago = today - dt.timedelta(days=365)
    last_year = sum_hours(attendance, start=year_ago, end=today)
    progress = None
    if registration is not None:
        start = status.cycle_start(
            registered_on=registration.registered_on,
            expires_on=registration.certificate_expires_on,
            cycle_years=norm.cycle_years,
        )
        progress = status.lvv_progress(
            hours=sum_hours(attendance, start=start, end=registration.certificate_expires_on),
            norm=norm,
            registered_on=registration.registered_on,
            expires_on=registration.certificate_expires_on,
            today=today,
        )
    return status.VPExpertiseFacts(
        intervision_last_12_months=last_year.get(ActivityKind.INTERVISION, Decimal(0)) > 0,
        any_activity_last_12_months=any(hours > 0 for hours in last_year.values()),
        lvv=progress,
    )


def expertise_facts(
    *,
    user: User,
    organisation: Organisation,
    today: dt.date,
    vps: list[Membership] | None = None,
) -> list[tuple[Membership, status.VPExpertiseFacts]]:
    """Per active VP (`vps`, or read here), from a fixed number of queries
    whatever the number of VPs: the norm, the registrations and every VP's
    training records at once (a few per VP a year), summed per VP here."""
    norm = norm_values(norm_of(organisation=organisation))
    memberships = (
        vps
        if vps is not None
        else list(active_vp_memberships(user=user, organisation=organisation))
    )
    vp_ids = [m.user_id for m in memberships]
    attendance: dict[int, list[Attendance]] = {vp_id: [] for vp_id in vp_ids}
    rows = (
        policy.visible_to(user, TrainingRecord)
        .filter(organisation=organisation, vp_id__in=vp_ids)
        .order_by()
        .values_list("vp_id", "kind", "hours", "attended_on")
    )
    for vp_id, kind, hours, attended_on in rows:
        attendance[vp_id].append((str(kind), Decimal(hours), attended_on))
    registrations = {
        r.vp_id: r
        for r in policy.visible_to(user, LVVRegistration).filter(organisation=organisation)
    }
    return [
        (
            membership,
            vp_expertise_facts(
                attendance=attendance[membership.user_id],
                registration=registrations.get(membership.user_id),
                norm=norm,
                today=today,
            ),
        )
        for membership in memberships
    ]


def communication_facts(
    *, user: User, organisation: Organisation, regulation: ComplaintRegulation, today: dt.date
) -> status.CommunicationFacts:
    counts = (
        meldingen_counted_for(user, organisation)
        .filter(first_contact_on__year=today.year)
        .aggregate(
            meldingen=Count("id"), explained=Count("id", filter=Q(role_explained_at__isnull=False))
        )
    )
    return status.CommunicationFacts(
        meldingen=counts["meldingen"],
        role_explained=counts["explained"],
        k=regulation.k_threshold,
    )


# --- the checklists ------------------------------------------------------------


def organisation_checklist_facts(
    *, user: User, organisation: Organisation, year: int
) -> checklists.OrganisationFacts:
    regulation = regulation_of(organisation=organisation)
    vps = active_vp_memberships(user=user, organisation=organisation)
    kinds = set(vps.values_list("vp_kind", flat=True))
    vp_ids = list(vps.values_list("user_id", flat=True))
    return checklists.OrganisationFacts(
        routes_in_use=routes_in_use(regulation=regulation, vp_kinds=kinds),
        routes_with_handler=routes_with_handler(user=user, organisation=organisation),
        active_vps=len(vp_ids),
        conversations_held=conversations_held(
            user=user, organisation=organisation, year=year, vp_ids=vp_ids
        ),
        backup_vp_named=bool(regulation.external_backup_vp.strip()),
        has_external_vp=VPKind.EXTERNAL in kinds,
    )


def vp_checklist_facts(*, user: User, organisation: Organisation, year: int) -> checklists.VPFacts:
    """The VP's own meldingen of the year, counted: never loaded."""
    meldingen = policy.visible_to(user, Melding).filter(
        organisation=organisation, first_contact_on__year=year
    )
    counts = meldingen.aggregate(
        total=Count("id"), explained=Count("id", filter=Q(role_explained_at__isnull=False))
    )
    with_consent = meldingen.filter(Exists(Consent.objects.filter(melding=OuterRef("pk")))).count()
    records = policy.visible_to(user, TrainingRecord).filter(organisation=organisation, vp=user)
    hours = hours_by_kind(records, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    return checklists.VPFacts(
        meldingen=counts["total"],
        role_explained=counts["explained"],
        with_consent=with_consent,
        intervision_hours=hours.get(ActivityKind.INTERVISION, Decimal(0)),
        training_hours=hours.get(ActivityKind.TRAINING, Decimal(0))
        + hours.get(ActivityKind.OTHER, Decimal(0)),
    )
