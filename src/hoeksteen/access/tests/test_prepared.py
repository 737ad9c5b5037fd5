"""A query of the access policy compiled once per process: every run reads
the rules' tables afresh and uses only its own user, organisation and moment,
and what could make one user's SQL wrong for another is refused."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from hoeksteen.access import policy
from hoeksteen.access.complaint_rules import complaints_visible_to
from hoeksteen.access.prepared import PreparedQuery
from hoeksteen.complaints.models import Complaint
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import Membership, Role, User
from hoeksteen.testing.factories import MembershipFactory, UserFactory, team_with

_numbers = itertools.count(1)
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def _case(organisation: Organisation, handler: User, vp: User, *, days_ago: int = 10) -> Complaint:
    return Complaint.objects.create(
        organisation=organisation,
        number=next(_numbers),
        subject_vp=vp,
        subject_vp_kind="internal",
        subject_lvv_registered=False,
        receipt_hash=f"{next(_numbers):064x}",
        category="not_heard",
        description="Wat er gebeurde.",
        state="acknowledged",
        route="hr",
        handler=handler,
        received_at=NOW - dt.timedelta(days=days_ago),
    )


def _received_before(
    *, user: User, organisation: Organisation, now: dt.datetime
) -> QuerySet[Complaint]:
    return (
        complaints_visible_to(user)
        .filter(organisation=organisation, received_at__lt=now)
        .order_by("id")
    )


def _ids(query: PreparedQuery[Complaint], user: User, organisation: Organisation) -> list[int]:
    rows = query.rows(user=user, organisation=organisation, now=NOW, limit=100, offset=0)
    return [c.pk for c in rows]


def test_it_gives_each_user_their_own_rows_from_one_compiled_query(
    acme: Organisation, hr_handler: User, subject_vp: User
) -> None:
    other = UserFactory(username="second_handler")
    MembershipFactory(organisation=acme, user=other, hr=True)
    mine = _case(acme, hr_handler, subject_vp)
    theirs = _case(acme, other, subject_vp)
    query = PreparedQuery(_received_before)
    for _ in range(2):
        assert _ids(query, hr_handler, acme) == [mine.pk]
        assert _ids(query, other, acme) == [theirs.pk]
    assert len(query._shapes) == 1  # compiled once, shared by both


def test_it_reads_memberships_and_teams_when_it_runs(
    acme: Organisation, hr_handler: User, subject_vp: User
) -> None:
    case = _case(acme, hr_handler, subject_vp)
    query = PreparedQuery(_received_before)
    assert _ids(query, hr_handler, acme) == [case.pk]
    Membership.objects.filter(user=hr_handler).update(is_active=False)
    assert _ids(query, hr_handler, acme) == []
    Membership.objects.filter(user=hr_handler).update(is_active=True)
    assert _ids(query, hr_handler, acme) == [case.pk]
    # Now in a team with the VP the complaint is about: a colleague, conflicted.
    team_with(acme, subject_vp, hr_handler, name="North")
    assert _ids(query, hr_handler, acme) == []


def test_it_passes_the_moment_of_each_run(
    acme: Organisation, hr_handler: User, subject_vp: User
) -> None:
    older = _case(acme, hr_handler, subject_vp, days_ago=10)
    newer = _case(acme, hr_handler, subject_vp, days_ago=2)
    query = PreparedQuery(_received_before)
    earlier = NOW - dt.timedelta(days=5)
    rows = query.rows(user=hr_handler, organisation=acme, now=earlier, limit=10, offset=0)
    assert [c.pk for c in rows] == [older.pk]
    assert _ids(query, hr_handler, acme) == [older.pk, newer.pk]


def test_it_pages_with_limit_and_offset(
    acme: Organisation, hr_handler: User, subject_vp: User
) -> None:
    cases = [_case(acme, hr_handler, subject_vp) for _ in range(5)]
    query = PreparedQuery(_received_before)
    rows = query.rows(user=hr_handler, organisation=acme, now=NOW, limit=2, offset=2)
    assert [c.pk for c in rows] == [c.pk for c in cases[2:4]]


def test_it_compiles_a_rule_that_looks_at_the_users_flags_once_per_combination(
    acme: Organisation, other_org: Organisation, hr_handler: User, subject_vp: User
) -> None:
    def everything_for_the_operator(
        *, user: User, organisation: Organisation, now: dt.datetime
    ) -> QuerySet[Complaint]:
        rows = Complaint.objects.all() if user.is_superuser else complaints_visible_to(user)
        return rows.filter(organisation=organisation, received_at__lt=now).order_by("id")

    operator = UserFactory(username="operator", is_superuser=True)
    MembershipFactory(organisation=acme, user=operator, coordinator=True)
    stranger = UserFactory(username="stranger")
    MembershipFactory(organisation=acme, user=stranger, hr=True)
    case = _case(acme, hr_handler, subject_vp)
    query = PreparedQuery(everything_for_the_operator)
    assert _ids(query, stranger, acme) == []
    assert _ids(query, operator, acme) == [case.pk]
    assert _ids(query, stranger, acme) == []
    assert len(query._shapes) == 2


def test_it_refuses_a_rule_that_reads_the_database_while_it_is_built(
    acme: Organisation, coordinator: User
) -> None:
    def counted_if_coordinator(
        *, user: User, organisation: Organisation, now: dt.datetime
    ) -> QuerySet[Complaint]:
        # A shape that depends on the user's memberships at the time it is built.
        if not policy.has_role(user, organisation, Role.COORDINATOR):
            return Complaint.objects.none()
        return Complaint.objects.filter(organisation=organisation, received_at__lt=now)

    query = PreparedQuery(counted_if_coordinator)
    with pytest.raises(ImproperlyConfigured, match="read the database"):
        query.rows(user=coordinator, organisation=acme, now=NOW, limit=10, offset=0)


def test_it_refuses_a_value_written_into_the_sql(acme: Organisation, hr_handler: User) -> None:
    def user_in_the_text(
        *, user: User, organisation: Organisation, now: dt.datetime
    ) -> QuerySet[Complaint]:
        return _received_before(user=user, organisation=organisation, now=now).extra(  # noqa: S610 - the defect under test
            where=[f"handler_id = {user.pk}"]
        )

    with pytest.raises(ImproperlyConfigured, match="depends on `user`"):
        PreparedQuery(user_in_the_text).rows(
            user=hr_handler, organisation=acme, now=NOW, limit=10, offset=0
        )


def test_it_refuses_a_value_it_cannot_put_in_its_place(
    acme: Organisation, hr_handler: User
) -> None:
    def a_day_earlier(
        *, user: User, organisation: Organisation, now: dt.datetime
    ) -> QuerySet[Complaint]:
        # A parameter computed from the moment: a run could not recompute it.
        return _received_before(user=user, organisation=organisation, now=now - dt.timedelta(1))

    with pytest.raises(ImproperlyConfigured, match="unknown form"):
        PreparedQuery(a_day_earlier).rows(
            user=hr_handler, organisation=acme, now=NOW, limit=10, offset=0
        )
