"""Routing a complaint to an independent handler (seed: "Scheiding van rollen"),
and handing it on when someone on the case declares a conflict of interest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import translation

from hoeksteen.access.complaint_rules import CaseRole, case_roles, complaints_visible_to
from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.assessment import (
    stranded_complaints_reroute,
    unassigned_complaints_reroute,
)
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.models import Category, Complaint, ConflictDeclaration
from hoeksteen.complaints.selectors import complaints_filed_by, complaints_handled_by
from hoeksteen.complaints.workflow import State
from hoeksteen.organisations.models import ComplaintRegulation, Organisation, Route
from hoeksteen.people.models import Membership, Role, User
from hoeksteen.testing.factories import MembershipFactory, UserFactory, team_with
from hoeksteen.testing.mail import queued_to

Make = Callable[..., ComplaintInput]


def _serving(route: str, user: User | str, organisation: Organisation) -> User:
    """`user` (or a new user of that name) as a handler serving `route`."""
    if isinstance(user, str):
        user = UserFactory(username=user)
    MembershipFactory(organisation=organisation, user=user, role=Role.HANDLER, handler_kind=route)
    return user


def _file(organisation: Organisation, complainant: User, data: ComplaintInput) -> Complaint:
    return actions.complaint_submit(
        organisation=organisation, acting_user=complainant, anonymous=False, data=data
    ).complaint


def _investigated(
    organisation: Organisation,
    complainant: User,
    handler: User,
    investigator: User,
    data: ComplaintInput,
) -> Complaint:
    """A filed complaint, acknowledged, under investigation by `investigator`."""
    complaint = _file(organisation, complainant, data)
    complaint = actions.complaint_acknowledge(complaint=complaint, actor=Actor(user=handler))
    return actions.complaint_start_investigation(
        complaint=complaint,
        actor=Actor(user=handler),
        reason="Ernstig.",
        investigator_id=investigator.pk,
    )


def _notices_to(user: User) -> list[str]:
    return list(queued_to(user.email).values_list("key", flat=True))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- the route ------------------------------------------------------------------


def test_it_routes_a_complaint_about_an_internal_vp_to_hr_by_default(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    management: User,
    complaint_about: Make,
) -> None:
    complaint = _file(acme, complainant, complaint_about())
    assert (complaint.route, complaint.handler) == (Route.HR, hr_handler)
    assert _notices_to(hr_handler) == [f"routed:{complaint.pk}:{hr_handler.pk}"]
    assert _notices_to(management) == []


def test_it_routes_a_complaint_about_an_external_vp_to_management_by_default(
    acme: Organisation,
    complainant: User,
    other_vp: User,
    hr_handler: User,
    management: User,
    complaint_about: Make,
) -> None:
    complaint = _file(acme, complainant, complaint_about(subject_vp_id=other_vp.pk))
    assert (complaint.route, complaint.handler) == (Route.MANAGEMENT, management)


def test_it_follows_the_routes_the_regulation_configures(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    other_vp: User,
    hr_handler: User,
    management: User,
    complaint_about: Make,
) -> None:
    ComplaintRegulation.objects.filter(organisation=acme).update(
        route_internal_vp=Route.INDEPENDENT, route_external_vp=Route.HR
    )
    functionary = _serving(Route.INDEPENDENT, "functionary", acme)
    about_internal = _file(acme, complainant, complaint_about())
    about_external = _file(acme, complainant, complaint_about(subject_vp_id=other_vp.pk))
    assert (about_internal.route, about_internal.handler) == (Route.INDEPENDENT, functionary)
    assert (about_external.route, about_external.handler) == (Route.HR, hr_handler)


def test_it_chooses_the_handler_with_the_fewest_open_complaints(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Make,
) -> None:
    second = _serving(Route.HR, "hr_two", acme)
    first_case = _file(acme, complainant, complaint_about())
    second_case = _file(acme, complainant, complaint_about())
    assert (first_case.handler, second_case.handler) == (hr_handler, second)
    actions.complaint_withdraw(complaint=second_case, actor=Actor(user=complainant))
    # A withdrawn complaint no longer counts: the second handler is the less busy one.
    assert _file(acme, complainant, complaint_about()).handler == second


def test_it_never_makes_a_complainant_who_is_a_handler_their_own_handler(
    acme: Organisation,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Make,
) -> None:
    # By the order of ids hr_handler would be first in line; as complainant they are not.
    second = _serving(Route.HR, "hr_two", acme)
    complaint = _file(acme, hr_handler, complaint_about())
    assert complaint.handler == second
    # Handed on, it does not come back to its complainant either.
    actions.complaint_declare_conflict(
        complaint=complaint, actor=Actor(user=second), reason="Ik werk nauw met de klager."
    )
    complaint.refresh_from_db()
    assert complaint.handler is None
    assert complaint.needs_external_handler


# --- no independent handler on the route ----------------------------------------


def test_it_falls_back_to_the_external_committee_route_when_the_route_has_no_independent_handler(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    colleague_vp: User,
    management: User,
    complaint_about: Make,
) -> None:
    _serving(Route.HR, colleague_vp, acme)  # the only HR handler is a colleague
    external = _serving(Route.EXTERNAL_COMMITTEE, "external", acme)
    complaint = _file(acme, complainant, complaint_about())
    # Not the colleague, and not another internal route either: the external committee.
    assert (complaint.route, complaint.handler) == (Route.EXTERNAL_COMMITTEE, external)
    assert not complaint.needs_external_handler
    assert _notices_to(colleague_vp) == []
    assert _notices_to(management) == []


def test_it_waits_for_an_external_handler_and_tells_the_coordinator_without_details(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    colleague_vp: User,
    coordinator: User,
    complaint_about: Make,
) -> None:
    _serving(Route.HR, colleague_vp, acme)
    for vp in (subject_vp, colleague_vp):  # coordinators who are conflicted are not told
        MembershipFactory(organisation=acme, user=vp, coordinator=True)
    complaint = _file(acme, complainant, complaint_about(category="boundaries"))
    assert complaint.handler is None
    assert complaint.needs_external_handler
    assert complaint.route == Route.EXTERNAL_COMMITTEE
    notice = queued_to(coordinator.email).get()
    assert notice.key == f"external-handler-needed:{complaint.pk}:{coordinator.pk}"
    text = f"{notice.subject}\n{notice.body}"
    with translation.override("nl"):
        category = str(Category(complaint.category).label)
    for detail in (
        complaint.reference,
        str(complaint.uid),
        subject_vp.last_name,
        complainant.last_name,
        complaint.description,
        category,
    ):
        assert detail not in text
    assert _notices_to(subject_vp) == []
    assert _notices_to(colleague_vp) == []


def test_it_routes_a_waiting_complaint_once_a_committee_route_handler_exists_and_only_once(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    coordinator: User,
    complaint_about: Make,
) -> None:
    complaint = _file(acme, complainant, complaint_about())
    assert unassigned_complaints_reroute(now=_now()) == 0
    assert len(_notices_to(coordinator)) == 1  # waiting longer does not repeat the notice
    external = _serving(Route.EXTERNAL_COMMITTEE, "external", acme)
    assert unassigned_complaints_reroute(now=_now()) == 1
    assert unassigned_complaints_reroute(now=_now()) == 0
    complaint.refresh_from_db()
    assert (complaint.route, complaint.handler) == (Route.EXTERNAL_COMMITTEE, external)
    assert not complaint.needs_external_handler
    assert len(_notices_to(external)) == 1
    assert len(_notices_to(coordinator)) == 1


def test_it_keeps_waiting_when_the_only_committee_route_handler_is_a_colleague(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    colleague_vp: User,
    complaint_about: Make,
) -> None:
    complaint = _file(acme, complainant, complaint_about())
    _serving(Route.EXTERNAL_COMMITTEE, colleague_vp, acme)
    assert unassigned_complaints_reroute(now=_now()) == 0
    complaint.refresh_from_db()
    assert complaint.handler is None
    assert complaint.needs_external_handler
    assert _notices_to(colleague_vp) == []


# --- declaring a conflict of interest -------------------------------------------


def test_it_hands_the_case_on_when_the_handler_declares_a_conflict(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    coordinator: User,
    complaint_about: Make,
) -> None:
    second = _serving(Route.HR, "hr_two", acme)
    complaint = _file(acme, complainant, complaint_about())
    assert complaint.handler == hr_handler
    assert complaints_visible_to(hr_handler).filter(pk=complaint.pk).exists()
    actions.complaint_declare_conflict(
        complaint=complaint, actor=Actor(user=hr_handler), reason="De VP is mijn zus."
    )
    complaint.refresh_from_db()
    assert complaint.handler == second
    assert ConflictDeclaration.objects.filter(complaint=complaint, user=hr_handler).exists()
    assert not complaints_visible_to(hr_handler).filter(pk=complaint.pk).exists()
    assert case_roles(hr_handler, complaint) == frozenset()
    with pytest.raises(actions.NotAllowed):
        actions.complaint_acknowledge(complaint=complaint, actor=Actor(user=hr_handler))
    assert any(key.startswith("routed-") for key in _notices_to(second))
    # The next one declares too: it never goes back to the first, it waits instead.
    actions.complaint_declare_conflict(
        complaint=complaint, actor=Actor(user=second), reason="Ik ken de klager."
    )
    complaint.refresh_from_db()
    assert complaint.handler is None
    assert complaint.needs_external_handler
    assert not complaints_visible_to(second).filter(pk=complaint.pk).exists()
    assert _notices_to(coordinator) == [f"external-handler-needed:{complaint.pk}:{coordinator.pk}"]


def test_it_removes_an_investigator_who_declares_a_conflict(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    committee: User,
    complaint_about: Make,
) -> None:
    complaint = _investigated(acme, complainant, hr_handler, committee, complaint_about())
    assert complaints_visible_to(committee).filter(pk=complaint.pk).exists()
    actions.complaint_declare_conflict(
        complaint=complaint, actor=Actor(user=committee), reason="Eerder adviseur van de VP."
    )
    complaint.refresh_from_db()
    assert complaint.committee_member is None
    assert complaint.handler == hr_handler
    assert complaint.state == State.INVESTIGATION
    assert not complaints_visible_to(committee).filter(pk=complaint.pk).exists()
    with pytest.raises(actions.NotAllowed):
        actions.complaint_inform_vp(complaint=complaint, actor=Actor(user=committee))
    assert f"investigator-conflict:{complaint.pk}:{hr_handler.pk}" in _notices_to(hr_handler)


def test_it_never_lets_a_colleague_investigate(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    colleague_vp: User,
    hr_handler: User,
    complaint_about: Make,
) -> None:
    MembershipFactory(organisation=acme, user=colleague_vp, committee=True)
    handler = Actor(user=hr_handler)
    complaint = _file(acme, complainant, complaint_about())
    complaint = actions.complaint_acknowledge(complaint=complaint, actor=handler)
    with pytest.raises(actions.ComplaintError):
        actions.complaint_start_investigation(
            complaint=complaint, actor=handler, reason="Ernstig.", investigator_id=colleague_vp.pk
        )
    complaint.refresh_from_db()
    assert (complaint.state, complaint.committee_member) == (State.ACKNOWLEDGED, None)


def test_it_lets_a_colleague_who_complains_follow_the_complaint_only_as_its_complainant(
    acme: Organisation,
    subject_vp: User,
    colleague_vp: User,
    hr_handler: User,
    complaint_about: Make,
) -> None:
    _serving(Route.HR, colleague_vp, acme)  # first in line by id, were they not conflicted
    complaint = _file(acme, colleague_vp, complaint_about())
    assert complaint.handler == hr_handler
    assert case_roles(colleague_vp, complaint) == {CaseRole.COMPLAINANT}
    assert list(complaints_filed_by(user=colleague_vp, organisation=acme)) == [complaint]
    assert not complaints_handled_by(user=colleague_vp, organisation=acme).exists()
    actions.complaint_acknowledge(complaint=complaint, actor=Actor(user=hr_handler))
    # The news they are told about is theirs to read.
    assert _notices_to(colleague_vp) == [f"acknowledged:{complaint.pk}:complainant"]


# --- a handler or investigator who is no longer independent ---------------------


def test_it_hands_the_case_on_when_its_handler_joins_the_subject_vps_team(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Make,
) -> None:
    complaint = _file(acme, complainant, complaint_about())
    assert complaint.handler == hr_handler
    second = _serving(Route.HR, "second_hr", acme)
    assert stranded_complaints_reroute(now=_now()) == 0
    team_with(acme, subject_vp, hr_handler, name="Late")
    assert not complaints_visible_to(hr_handler).filter(pk=complaint.pk).exists()

    assert stranded_complaints_reroute(now=_now()) == 1
    assert stranded_complaints_reroute(now=_now()) == 0
    complaint.refresh_from_db()
    assert complaint.handler == second
    assert case_roles(second, complaint) == {CaseRole.HANDLER}
    assert len(_notices_to(second)) == 1


@pytest.mark.parametrize("how", ["left", "deactivated", "role_withdrawn"])
def test_it_sends_the_case_to_the_external_route_when_its_only_handler_is_gone(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    coordinator: User,
    complaint_about: Make,
    how: str,
) -> None:

    complaint = _file(acme, complainant, complaint_about())
    handling = Membership.objects.filter(user=hr_handler, organisation=acme, role=Role.HANDLER)
    if how == "left":
        Membership.objects.filter(user=hr_handler).update(is_active=False)
    elif how == "deactivated":
        User.objects.filter(pk=hr_handler.pk).update(is_active=False)
    else:
        handling.update(is_active=False)

    assert stranded_complaints_reroute(now=_now()) == 1
    complaint.refresh_from_db()
    assert complaint.handler is None
    assert complaint.needs_external_handler
    assert any(key.startswith("external-handler-needed") for key in _notices_to(coordinator))
    assert stranded_complaints_reroute(now=_now()) == 0


def test_it_releases_an_investigator_who_joins_the_subject_vps_team_and_tells_the_handler(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    committee: User,
    complaint_about: Make,
) -> None:

    complaint = _investigated(acme, complainant, hr_handler, committee, complaint_about())
    assert complaint.committee_member == committee
    before = len(_notices_to(hr_handler))
    team_with(acme, subject_vp, committee, name="Late")

    assert stranded_complaints_reroute(now=_now()) == 1
    complaint.refresh_from_db()
    assert complaint.committee_member is None
    assert complaint.handler == hr_handler
    assert len(_notices_to(hr_handler)) == before + 1
    assert stranded_complaints_reroute(now=_now()) == 0


def test_it_leaves_a_closed_case_with_the_handler_who_closed_it(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Make,
) -> None:

    complaint = _file(acme, complainant, complaint_about())
    actions.complaint_withdraw(
        complaint=complaint, actor=Actor(user=complainant), reason="Opgelost."
    )
    Membership.objects.filter(user=hr_handler).update(is_active=False)
    assert stranded_complaints_reroute(now=_now()) == 0
    complaint.refresh_from_db()
    assert complaint.handler == hr_handler
