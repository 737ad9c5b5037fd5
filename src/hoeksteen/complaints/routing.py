"""Conflict-free routing (invariant 1; seed: "Scheiding van rollen").

A complaint about VP X goes to a handler on the organisation's route for X's
kind of VP. X, every direct colleague of X (a member of any VP team of X),
the complainant, and anyone who declared a conflict in the case are never
candidates. Without an independent handler on the route, the complaint goes
to the external route (an external complaints committee); without one there
either, it waits for an external handler and the coordinator is told so —
it never falls back to a conflicted person.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from hoeksteen.complaints.models import Complaint
from hoeksteen.complaints.workflow import OPEN_STATES
from hoeksteen.organisations.models import ComplaintRegulation, Organisation, Route, VPTeamMember
from hoeksteen.people.models import Membership, Role, User


def route_for(*, regulation: ComplaintRegulation, vp_kind: str) -> Route:
    return Route(
        regulation.route_internal_vp if vp_kind == "internal" else regulation.route_external_vp
    )


def conflicted_user_ids(*, organisation: Organisation, subject_vp_id: int) -> QuerySet[User]:
    """The subject VP and their direct colleagues, as a subquery of user ids."""
    subject_teams = VPTeamMember.objects.filter(
        organisation=organisation, user_id=subject_vp_id
    ).values("team_id")
    colleagues = VPTeamMember.objects.filter(team_id__in=subject_teams).values("user_id")
    return User.objects.filter(Q(id=subject_vp_id) | Q(id__in=colleagues)).values("id")  # type: ignore[return-value]


def is_conflicted(*, organisation: Organisation, subject_vp_id: int, user_id: int) -> bool:
    return (
        conflicted_user_ids(organisation=organisation, subject_vp_id=subject_vp_id)
        .filter(id=user_id)
        .exists()
    )


@dataclasses.dataclass(frozen=True)
class RoutingResult:
    route: Route
    handler: User | None

    @property
    def needs_external_handler(self) -> bool:
        return self.handler is None


def handler_candidates(
    *,
    organisation: Organisation,
    route: Route,
    subject_vp_id: int,
    excluded_user_ids: frozenset[int] = frozenset(),
) -> QuerySet[User]:
    """Independent handlers on `route`, least busy first."""
    open_cases = (
        Complaint.objects.filter(
            organisation=organisation, state__in=OPEN_STATES, handler_id=OuterRef("pk")
        )
        .order_by()
        .values("handler_id")
        .annotate(count=Count("id"))
        .values("count")
    )
    serving = Membership.objects.filter(
        organisation=organisation,
        user=OuterRef("pk"),
        role=Role.HANDLER,
        handler_kind=route,
        is_active=True,
    )
    return (
        User.objects.filter(Exists(serving), is_active=True)
        .exclude(id__in=conflicted_user_ids(organisation=organisation, subject_vp_id=subject_vp_id))
        .exclude(id__in=excluded_user_ids)
        .annotate(open_cases=Coalesce(Subquery(open_cases), 0))
        .order_by("open_cases", "id")
    )


def choose_handler(
    *,
    organisation: Organisation,
    regulation: ComplaintRegulation,
    vp_kind: str,
    subject_vp_id: int,
    excluded_user_ids: frozenset[int] = frozenset(),
) -> RoutingResult:
    route = route_for(regulation=regulation, vp_kind=vp_kind)
    for candidate_route in dict.fromkeys([route, Route.EXTERNAL_COMMITTEE]):
        handler = handler_candidates(
            organisation=organisation,
            route=candidate_route,
            subject_vp_id=subject_vp_id,
            excluded_user_ids=excluded_user_ids,
        ).first()
        if handler is not None:
            return RoutingResult(route=candidate_route, handler=handler)
    return RoutingResult(route=Route.EXTERNAL_COMMITTEE, handler=None)


def committee_candidates(
    *, organisation: Organisation, subject_vp_id: int, excluded_user_ids: frozenset[int]
) -> QuerySet[User]:
    """Committee members or investigators who may investigate this case."""
    serving = Membership.objects.filter(
        organisation=organisation, user=OuterRef("pk"), role=Role.COMMITTEE, is_active=True
    )
    return (
        User.objects.filter(Exists(serving), is_active=True)
        .exclude(id__in=conflicted_user_ids(organisation=organisation, subject_vp_id=subject_vp_id))
        .exclude(id__in=excluded_user_ids)
        .order_by("last_name", "first_name", "id")
    )
