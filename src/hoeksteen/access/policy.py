"""The one access policy: who may see and do what.

Every view, queryset, count, export and admin page asks this module. Two
rules hold everywhere:

* Tenants are sealed (invariant 5): a user only ever reaches rows of an
  organisation in which they hold an active membership.
* "Missing" and "not yours" look the same: a lookup outside what the user
  may see raises `Http404`, never a 403 that would confirm existence.

Each model that users can reach registers a visibility rule with
`@visibility(Model)`; `visible_to(user, Model)` is then the only way to build
a queryset of it for a user. A test fails for any model without a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from hoeksteen.organisations.models import ComplaintRegulation, Organisation, VPTeam, VPTeamMember
from hoeksteen.people.models import Membership, Role, User

M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser
VisibilityRule = Callable[[User], QuerySet[Any]]

_RULES: dict[type[models.Model], VisibilityRule] = {}


def visibility(
    model: type[M],
) -> Callable[[Callable[[User], QuerySet[M]]], Callable[[User], QuerySet[M]]]:
    """Register the rule that says which rows of `model` a signed-in user may see."""

    def register(rule: Callable[[User], QuerySet[M]]) -> Callable[[User], QuerySet[M]]:
        _RULES[model] = rule
        return rule

    return register


def has_rule(model: type[models.Model]) -> bool:
    return model in _RULES


def visible_to(user: AnyUser, model: type[M]) -> QuerySet[M]:
    """All rows of `model` that `user` may see; nothing for anonymous users."""
    if model not in _RULES:
        raise LookupError(f"No visibility rule for {model.__name__}.")
    if not isinstance(user, User) or not user.is_active:
        return model._default_manager.none()
    queryset: QuerySet[M] = _RULES[model](user)
    return queryset


def get_visible(user: AnyUser, model: type[M], **lookup: Any) -> M:
    """One row the user may see, or Http404 — also when it exists elsewhere."""
    try:
        return visible_to(user, model).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404 from None


# --- memberships and roles -------------------------------------------------


def active_memberships(user: AnyUser) -> QuerySet[Membership]:
    if not isinstance(user, User) or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, is_active=True)


def organisation_ids_with_role(user: AnyUser, *roles: str) -> QuerySet[Membership]:
    memberships = active_memberships(user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.values_list("organisation_id", flat=True)  # type: ignore[return-value]


def memberships_with_organisations(user: AnyUser) -> list[Membership]:
    """The user's active memberships, each with its organisation."""
    return list(active_memberships(user).select_related("organisation"))


def organisations_of(memberships: Iterable[Membership]) -> list[Organisation]:
    """The organisations of these memberships, once each, by name."""
    unique = {m.organisation_id: m.organisation for m in memberships}
    return sorted(unique.values(), key=lambda o: (o.name, o.pk))


def roles_in(user: AnyUser, organisation: Organisation) -> set[str]:
    return set(
        active_memberships(user).filter(organisation=organisation).values_list("role", flat=True)
    )


# member_view reads the user's roles once per request and leaves them on the
# request's user object, so the selectors' own role checks cost no query.
_REMEMBERED_ROLES = "_hoeksteen_roles_this_request"


def remember_roles(user: AnyUser, organisation: Organisation, roles: set[str]) -> None:
    if isinstance(user, User):
        setattr(user, _REMEMBERED_ROLES, (organisation.pk, frozenset(roles)))


def has_role(user: AnyUser, organisation: Organisation, *roles: str) -> bool:
    remembered = getattr(user, _REMEMBERED_ROLES, None)
    if remembered is not None and remembered[0] == organisation.pk and user.is_active:
        return not remembered[1].isdisjoint(roles)
    return active_memberships(user).filter(organisation=organisation, role__in=roles).exists()


def is_platform_admin(user: AnyUser) -> bool:
    """The operator of a Hoeksteen instance: creates organisations and users."""
    return isinstance(user, User) and user.is_active and user.is_superuser


def organisation_for(user: AnyUser, slug: str) -> Organisation:
    """The organisation named in a URL, if the user is a member of it."""
    organisation = Organisation.objects.filter(
        slug=slug, id__in=organisation_ids_with_role(user)
    ).first()
    if organisation is None:
        raise Http404
    return organisation


def same_organisation(objects: Iterable[models.Model], organisation: Organisation) -> bool:
    """True when every object belongs to `organisation` (tampered form fields fail this)."""
    return all(getattr(obj, "organisation_id", None) == organisation.id for obj in objects)


# --- visibility rules of the configuration models ---------------------------


@visibility(Organisation)
def _organisations(user: User) -> QuerySet[Organisation]:
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(id__in=organisation_ids_with_role(user))


@visibility(ComplaintRegulation)
def _regulations(user: User) -> QuerySet[ComplaintRegulation]:
    # The regulation is published to every member of the organisation.
    if user.is_superuser:
        return ComplaintRegulation.objects.all()
    return ComplaintRegulation.objects.filter(organisation_id__in=organisation_ids_with_role(user))


@visibility(VPTeam)
def _teams(user: User) -> QuerySet[VPTeam]:
    if user.is_superuser:
        return VPTeam.objects.all()
    return VPTeam.objects.filter(
        organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR, Role.VP)
    )


@visibility(VPTeamMember)
def _team_members(user: User) -> QuerySet[VPTeamMember]:
    if user.is_superuser:
        return VPTeamMember.objects.all()
    return VPTeamMember.objects.filter(
        organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR, Role.VP)
    )


@visibility(Membership)
def _memberships(user: User) -> QuerySet[Membership]:
    if user.is_superuser:
        return Membership.objects.all()
    coordinated = organisation_ids_with_role(user, Role.COORDINATOR)
    return Membership.objects.filter(
        models.Q(organisation_id__in=coordinated) | models.Q(user=user)
    )


@visibility(User)
def _users(user: User) -> QuerySet[User]:
    if user.is_superuser:
        return User.objects.all()
    coordinated = organisation_ids_with_role(user, Role.COORDINATOR)
    return User.objects.filter(
        models.Q(memberships__organisation_id__in=coordinated) | models.Q(id=user.id)
    ).distinct()


def vps_configurable_by(user: AnyUser) -> QuerySet[User]:
    """VPs a coordinator may place in teams: those of the organisations they coordinate."""
    if is_platform_admin(user):
        return User.objects.filter(memberships__role=Role.VP).distinct()
    return User.objects.filter(
        memberships__role=Role.VP,
        memberships__organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR),
    ).distinct()


# --- what users may change ---------------------------------------------------


def may_configure(user: AnyUser, organisation_id: int | None) -> bool:
    """Coordinators configure their own organisation; the platform admin any."""
    if is_platform_admin(user):
        return True
    if organisation_id is None:
        return False
    return (
        organisation_ids_with_role(user, Role.COORDINATOR)
        .filter(organisation_id=organisation_id)
        .exists()
    )
