"""Invariant 1, separation of roles (with invariant 5, sealed tenants), over
random worlds.

Each example builds one or two organisations whose people hold several roles
at once, overlapping VP teams, an HR handler who is a VP too, and a
regulation with random routes. It files a few complaints through
`complaint_submit` and takes some of them further through the actions, each
step by whoever the procedure put on the case. Then, for every complaint and
every person, it checks what the design promises:

* the VP the complaint is about and their direct colleagues never handle,
  investigate, support, hear of, see or count it — the VP only from the
  moment the procedure informs them;
* the complaint has an independent handler on the route, or waits for an
  external one; it never falls back to a conflicted person;
* nothing of one organisation reaches the people of another.

What is expected is computed from the world the test built, never from the
code under test. All examples of one run share one database transaction, so
each example makes its own organisations and people with fresh names.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from django.db.models import Max
from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hoeksteen.access import policy
from hoeksteen.access.complaint_rules import CaseRole, case_roles, complaints_counted_for
from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.assessment import (
    stranded_complaints_reroute,
    unassigned_complaints_reroute,
)
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.models import (
    Category,
    Complaint,
    ConflictDeclaration,
    Letter,
    StatusChange,
    SupportAssignment,
)
from hoeksteen.complaints.models.procedure import SupportKind
from hoeksteen.complaints.selectors import (
    case_lists,
    complaints_about,
    complaints_handled_by,
    coordinator_counts,
)
from hoeksteen.complaints.workflow import OPEN_STATES, State
from hoeksteen.core import clock
from hoeksteen.organisations.models import (
    ComplaintRegulation,
    Organisation,
    Route,
    VPTeam,
    VPTeamMember,
)
from hoeksteen.outbox.models import OutboxMessage
from hoeksteen.people.models import Membership, Role, User, VPKind
from hoeksteen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

_serial = itertools.count()

# What the procedure deliberately tells the VP a complaint is about, once it
# has informed them (seed: "tijdig en volledig wordt geïnformeerd").
NOTICES_FOR_THE_INFORMED_VP = ("vp-informed:",)

PERSON = st.fixed_dictionaries(
    {
        "employee": st.booleans(),
        "vp": st.sampled_from([VPKind.INTERNAL, VPKind.EXTERNAL, ""]),
        "handler": st.sampled_from([*Route.values, "", ""]),
        # Mostly active; an inactive handler membership must never be routed to.
        "handler_active": st.sampled_from([True, True, True, False]),
        "committee": st.booleans(),
        "coordinator": st.booleans(),
        "support": st.booleans(),
    }
)

# Someone in HR who is a VP too: a team (the random teams may or may not put
# them in the subject's) makes them a colleague who must not handle the case.
HR_AND_VP = {
    "employee": False,
    "vp": VPKind.INTERNAL,
    "handler": Route.HR,
    "handler_active": True,
    "committee": False,
    "coordinator": False,
    "support": False,
}

# A handler with no other role: most organisations have a few.
PLAIN_HANDLER = HR_AND_VP | {"vp": "", "employee": True}
# A support person with no other role, whom a VP may name.
LEGAL_ADVISER = HR_AND_VP | {"vp": "", "handler": "", "support": True}


@dataclasses.dataclass
class World:
    """The world as the test built it: the oracle the product is checked against."""

    organisations: list[Organisation] = dataclasses.field(default_factory=list)
    people: list[User] = dataclasses.field(default_factory=list)
    # user pk → organisation pk → roles held there by an active membership
    roles: dict[int, dict[int, set[str]]] = dataclasses.field(default_factory=dict)
    # user pk → route an active handler membership serves
    route_served: dict[int, str] = dataclasses.field(default_factory=dict)
    # (organisation pk, team pk) → member pks
    teams: dict[tuple[int, int], set[int]] = dataclasses.field(default_factory=dict)
    vp_kind: dict[int, str] = dataclasses.field(default_factory=dict)
    routes: dict[int, tuple[str, str]] = dataclasses.field(default_factory=dict)
    complaints: list[Complaint] = dataclasses.field(default_factory=list)
    # complaint pk → people who declared a conflict in it
    declared: dict[int, set[int]] = dataclasses.field(default_factory=dict)

    def colleagues(self, vp_pk: int) -> set[int]:
        together = [members for members in self.teams.values() if vp_pk in members]
        return set().union(*together) - {vp_pk}

    def conflicted(self, complaint: Complaint) -> set[int]:
        return self.colleagues(complaint.subject_vp_id) | {complaint.subject_vp_id}

    def organisations_of(self, user: User) -> set[int]:
        return {org_pk for org_pk, roles in self.roles[user.pk].items() if roles}

    def members(self, organisation: Organisation, role: str | None = None) -> list[User]:
        return [
            person
            for person in self.people
            if (roles := self.roles[person.pk].get(organisation.pk))
            and (role is None or role in roles)
        ]

    def by_email(self) -> dict[str, User]:
        return {person.email: person for person in self.people}

    def independent_handlers(
        self, organisation: Organisation, route: str, excluded: set[int]
    ) -> set[int]:
        return {
            person.pk
            for person in self.members(organisation, Role.HANDLER)
            if self.route_served.get(person.pk) == route and person.pk not in excluded
        }


# --- building a world ---------------------------------------------------------


def _add_person(world: World, organisation: Organisation, spec: dict[str, object]) -> User:
    user = UserFactory(username=f"sep{next(_serial)}")
    held: set[str] = set()

    def member(role: str, *, active: bool = True, **fields: str) -> None:
        MembershipFactory(
            organisation=organisation, user=user, role=role, is_active=active, **fields
        )
        if active:
            held.add(role)

    if spec["vp"]:
        member(Role.VP, vp_kind=str(spec["vp"]))
        world.vp_kind[user.pk] = str(spec["vp"])
    if spec["handler"]:
        member(Role.HANDLER, handler_kind=str(spec["handler"]), active=bool(spec["handler_active"]))
        if spec["handler_active"]:
            world.route_served[user.pk] = str(spec["handler"])
    for role in (Role.COMMITTEE, Role.COORDINATOR, Role.SUPPORT):
        if spec[role.value]:
            member(role)
    if spec["employee"] or not (held or spec["handler"]):
        member(Role.EMPLOYEE)
    world.people.append(user)
    world.roles.setdefault(user.pk, {})[organisation.pk] = held
    return user


def _build_world(data: st.DataObject) -> World:
    world = World()
    for _ in range(data.draw(st.integers(1, 2), label="organisations")):
        n = next(_serial)
        organisation = OrganisationFactory(name=f"Organisatie {n}", slug=f"sep-org-{n}")
        world.organisations.append(organisation)
        routes = (
            data.draw(st.sampled_from(Route.values), label="route for internal VPs"),
            data.draw(st.sampled_from(Route.values), label="route for external VPs"),
        )
        ComplaintRegulation.objects.filter(organisation=organisation).update(
            route_internal_vp=routes[0], route_external_vp=routes[1]
        )
        world.routes[organisation.pk] = routes
        _add_person(world, organisation, HR_AND_VP)
        for spec in data.draw(st.lists(PERSON, min_size=2, max_size=6), label="people"):
            _add_person(world, organisation, spec)
        for route in data.draw(
            st.lists(st.sampled_from(Route.values), unique=True), label="handlers only"
        ):
            _add_person(world, organisation, PLAIN_HANDLER | {"handler": route})
        if data.draw(st.booleans(), label="a legal adviser"):
            _add_person(world, organisation, LEGAL_ADVISER)
        vps = world.members(organisation, Role.VP)
        for team_number in range(data.draw(st.integers(0, 3), label="teams")):
            members = data.draw(
                st.lists(st.sampled_from(vps), unique=True, max_size=len(vps)), label="team"
            )
            _add_team(world, organisation, members, name=f"Team {team_number}")
    return world


def _add_team(world: World, organisation: Organisation, members: list[User], name: str) -> None:
    team = VPTeam.objects.create(organisation=organisation, name=name)
    for vp in members:
        VPTeamMember.objects.create(organisation=organisation, team=team, user=vp)
    world.teams[(organisation.pk, team.pk)] = {vp.pk for vp in members}


def _file_complaint(world: World, data: st.DataObject) -> Complaint:
    organisation = data.draw(st.sampled_from(world.organisations), label="organisation")
    subject = data.draw(st.sampled_from(world.members(organisation, Role.VP)), label="subject")
    others = [p for p in world.members(organisation) if p.pk != subject.pk]
    colleagues = [p for p in others if p.pk in world.colleagues(subject.pk)]
    if colleagues and data.draw(st.booleans(), label="a colleague complains"):
        others = colleagues
    anonymous = not others or data.draw(st.booleans(), label="anonymous")
    complainant = None if anonymous else data.draw(st.sampled_from(others), label="complainant")
    n = next(_serial)
    submission = actions.complaint_submit(
        organisation=organisation,
        acting_user=complainant,
        anonymous=anonymous,
        data=ComplaintInput(
            subject_vp_id=subject.pk,
            category=data.draw(st.sampled_from(Category.values), label="category"),
            description=f"Wat er gebeurde ({n}).",
            desired_outcome="",
            vp_may_read_description=data.draw(st.booleans(), label="VP may read"),
            vp_may_know_identity=data.draw(st.booleans(), label="VP may know identity"),
            language="nl",
            contact_email=f"anoniem{n}@example.invalid"
            if anonymous and data.draw(st.booleans(), label="contact e-mail")
            else "",
        ),
    )
    complaint = submission.complaint
    _assert_routed_by_the_regulation(world, complaint)
    world.complaints.append(complaint)
    world.declared[complaint.pk] = set()
    return complaint


def _assert_routed_by_the_regulation(world: World, complaint: Complaint) -> None:
    """At intake: the configured route if it has an independent handler, else the
    external committee's, else waiting — never anyone conflicted."""
    organisation = complaint.organisation
    internal, external = world.routes[organisation.pk]
    route = internal if world.vp_kind[complaint.subject_vp_id] == VPKind.INTERNAL else external
    excluded = world.conflicted(complaint) | {complaint.complainant_id or 0}
    on_route = world.independent_handlers(organisation, route, excluded)
    on_committee = world.independent_handlers(organisation, Route.EXTERNAL_COMMITTEE, excluded)
    if on_route:
        assert (complaint.route, complaint.handler_id in on_route) == (route, True)
    elif on_committee:
        assert (complaint.route, complaint.handler_id in on_committee) == (
            Route.EXTERNAL_COMMITTEE,
            True,
        )
    else:
        assert complaint.handler_id is None
        assert complaint.needs_external_handler


# --- taking steps, each by whoever the procedure put on the case --------------


def _take_steps(world: World, complaint: Complaint, data: st.DataObject) -> None:
    """Up to three steps forward, perhaps a conflict declared on the way, and
    then perhaps support persons named by the VP."""
    forward = data.draw(st.sampled_from([3, 3, 2, 1, 0]), label="steps forward")
    conflicts = data.draw(st.integers(0, 1), label="conflicts")
    steps = data.draw(st.permutations(["advance"] * forward + ["conflict"] * conflicts))
    steps += ["support"] * data.draw(st.sampled_from([2, 1, 0]), label="support persons")
    for step in steps:
        complaint.refresh_from_db()
        if complaint.handler is None:
            return
        if step == "advance":
            _advance(world, complaint, data)
        elif step == "conflict":
            _declare_conflict(world, complaint, data)
        else:
            _name_supporter(world, complaint, data)


def _advance(world: World, complaint: Complaint, data: st.DataObject) -> None:
    handler = Actor(user=complaint.handler)
    if complaint.state == State.RECEIVED:
        actions.complaint_acknowledge(complaint=complaint, actor=handler)
    elif complaint.state == State.ACKNOWLEDGED:
        committee = world.members(complaint.organisation, Role.COMMITTEE)
        if committee and data.draw(st.booleans(), label="investigate"):
            investigator = data.draw(st.sampled_from(committee), label="investigator")
            start = {"complaint": complaint, "actor": handler, "reason": "Ernstig."}
            # Never the VP or a colleague, nor anyone who declared a conflict,
            # nor the complainant (who may sit on the committee).
            excluded = world.conflicted(complaint) | world.declared[complaint.pk]
            if investigator.pk in excluded | {complaint.complainant_id}:
                with pytest.raises(actions.ComplaintError):
                    actions.complaint_start_investigation(**start, investigator_id=investigator.pk)
                return
            actions.complaint_start_investigation(**start, investigator_id=investigator.pk)
        else:
            actions.complaint_start_review(complaint=complaint, actor=handler, reason="Licht.")
    elif complaint.state in (State.REVIEW, State.INVESTIGATION) and not complaint.vp_informed_at:
        by_investigator = complaint.committee_member is not None and data.draw(
            st.booleans(), label="investigator informs"
        )
        informer = complaint.committee_member if by_investigator else complaint.handler
        actions.complaint_inform_vp(complaint=complaint, actor=Actor(user=informer))


def _declare_conflict(world: World, complaint: Complaint, data: st.DataObject) -> None:
    staff = [p for p in (complaint.handler, complaint.committee_member) if p is not None]
    person = data.draw(st.sampled_from(staff), label="declares a conflict")
    actions.complaint_declare_conflict(
        complaint=complaint, actor=Actor(user=person), reason="Ik ken de VP privé."
    )
    world.declared[complaint.pk].add(person.pk)


def _name_supporter(world: World, complaint: Complaint, data: st.DataObject) -> None:
    support = world.members(complaint.organisation, Role.SUPPORT)
    if complaint.vp_informed_at is None or not support:
        return
    conflicted = [p for p in support if p.pk in world.conflicted(complaint)]
    if conflicted and data.draw(st.booleans(), label="the VP asks a colleague"):
        support = conflicted
    person = data.draw(st.sampled_from(support), label="support person")
    name = {
        "complaint": complaint,
        "actor": Actor(user=complaint.subject_vp),
        "supporter_id": person.pk,
        "kind": SupportKind.COLLEAGUE,
        "shares_complaint": data.draw(st.booleans(), label="shares complaint"),
    }
    parties = {complaint.complainant_id, complaint.handler_id, complaint.committee_member_id}
    if person.pk in world.conflicted(complaint) | parties:
        event("naming a conflicted support person refused")
        with pytest.raises(actions.ComplaintError):
            actions.complaint_name_supporter(**name)
    else:
        actions.complaint_name_supporter(**name)


def _late_external_handler(world: World, data: st.DataObject) -> None:
    """A committee-route handler arrives later — perhaps a VP joining a team too —
    and the tick routes the complaints that were waiting."""
    organisation = data.draw(st.sampled_from(world.organisations), label="late organisation")
    spec = data.draw(PERSON, label="late person") | {"handler": Route.EXTERNAL_COMMITTEE}
    person = _add_person(world, organisation, spec | {"handler_active": True})
    teams = [key for key in world.teams if key[0] == organisation.pk]
    if spec["vp"] and teams:
        _join_team(world, person, data.draw(st.sampled_from(teams), label="late team"))
    unassigned_complaints_reroute(now=clock.now())


def _late_colleague(world: World, data: st.DataObject) -> None:
    """Someone in a case (a VP too) joins the team of the VP it is about.

    From then on they are a direct colleague and must not reach the case,
    whatever role the file still gives them.
    """
    on_cases = [
        (complaint, person_pk)
        for complaint in world.complaints
        for person_pk in _in_the_case(complaint)
        if person_pk in world.vp_kind and person_pk not in world.conflicted(complaint)
    ]
    if not on_cases:
        return
    complaint, person_pk = data.draw(st.sampled_from(on_cases), label="joins the VP's team")
    teams = [key for key, members in world.teams.items() if complaint.subject_vp_id in members]
    if teams:
        key = data.draw(st.sampled_from(teams), label="team joined")
    else:
        _add_team(world, complaint.organisation, [complaint.subject_vp], name="Nieuw team")
        key = next(reversed(world.teams))
    _join_team(world, User.objects.get(pk=person_pk), key)
    event("someone on a case joins the VP's team")


def _late_departure(world: World, data: st.DataObject) -> None:
    """Someone with a role in a case leaves its organisation — for the other one,
    if there is one. From then on they are a stranger to the case's organisation."""
    on_cases = [
        (complaint, person_pk)
        for complaint in world.complaints
        for person_pk in _in_the_case(complaint)
        if complaint.organisation_id in world.roles[person_pk]
    ]
    if not on_cases:
        return
    complaint, person_pk = data.draw(st.sampled_from(on_cases), label="leaves")
    Membership.objects.filter(user_id=person_pk, organisation=complaint.organisation).update(
        is_active=False
    )
    world.roles[person_pk][complaint.organisation_id] = set()
    for organisation in world.organisations:
        if organisation.pk != complaint.organisation_id:
            person = User.objects.get(pk=person_pk)
            MembershipFactory(organisation=organisation, user=person, role=Role.EMPLOYEE)
            world.roles[person_pk][organisation.pk] = {Role.EMPLOYEE}
    event("someone on a case leaves its organisation")


def _in_the_case(complaint: Complaint) -> list[int]:
    """Handler, investigator, support persons and complainant, in a stable order
    (a replayed example must draw the same person)."""
    complaint.refresh_from_db()
    named = SupportAssignment.objects.filter(complaint=complaint).values_list(
        "supporter_id", flat=True
    )
    parties = (complaint.handler_id, complaint.committee_member_id, complaint.complainant_id)
    return sorted({pk for pk in parties if pk} | set(named))


def _join_team(world: World, person: User, key: tuple[int, int]) -> None:
    VPTeamMember.objects.create(organisation_id=key[0], team_id=key[1], user=person)
    world.teams[key].add(person.pk)


# --- the invariant --------------------------------------------------------------


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_it_keeps_every_complaint_away_from_its_vp_and_their_colleagues(
    data: st.DataObject,
) -> None:
    # The receipt's slow hash guards a real system; here it would only cost time.
    with override_settings(RECEIPT_HASH_TIME_COST=1, RECEIPT_HASH_MEMORY_KIB=8):
        world = _build_world(data)
        for _ in range(data.draw(st.integers(1, 5), label="complaints")):
            complaint = _file_complaint(world, data)
            _take_steps(world, complaint, data)
    if data.draw(st.booleans(), label="late external handler"):
        _late_external_handler(world, data)
    for complaint in world.complaints:
        complaint.refresh_from_db()
        _describe(world, complaint)
        _assert_independent_staff(world, complaint)
        _assert_notified_only_independent_people(world, complaint)

    # What happens to people after they were put on a case only ever narrows what they reach.
    if data.draw(st.booleans(), label="late colleague"):
        _late_colleague(world, data)
    if data.draw(st.booleans(), label="late departure"):
        _late_departure(world, data)
    for person in world.people:
        _assert_sees_and_counts_only_what_the_rules_allow(world, person)
        _assert_sees_support_only_as_staff_vp_or_supporter(world, person)
        _assert_sealed_from_other_organisations(world, person)

    # The tick then hands every open case on from whoever is no longer
    # independent, and tells only independent people of the organisation.
    sent_before = OutboxMessage.objects.aggregate(last=Max("id"))["last"] or 0
    stranded_complaints_reroute(now=clock.now())
    for complaint in world.complaints:
        complaint.refresh_from_db()
        if complaint.state in OPEN_STATES:
            _assert_independent_staff(world, complaint, staff_only=True)
            _assert_notified_only_independent_people(world, complaint, after_message_id=sent_before)


def _describe(world: World, complaint: Complaint) -> None:
    """What the examples covered (pytest --hypothesis-show-statistics)."""
    event(f"complaint {complaint.state}, route {complaint.route}")
    if complaint.needs_external_handler:
        event("waiting for an external handler")
    if complaint.vp_informed_at:
        event("VP informed")
    if complaint.committee_member_id:
        event("investigator on the case")
    if world.declared[complaint.pk]:
        event("conflict declared")
    if SupportAssignment.objects.filter(complaint=complaint).exists():
        event("support person named")
    if complaint.handler_id in world.vp_kind:
        event("handled by a VP outside the VP's teams")
    if complaint.complainant_id in world.colleagues(complaint.subject_vp_id):
        event("filed by a colleague of the VP")


def _assert_independent_staff(
    world: World, complaint: Complaint, *, staff_only: bool = False
) -> None:
    """Handler, investigator and support persons are independent of the VP; a
    handler holds an active handler membership on the complaint's route.

    `staff_only` leaves support persons out: one who later joins the VP's
    team keeps the assignment but loses access to the case (checked below,
    with what each person sees), and nobody hands their place on."""
    conflicted = world.conflicted(complaint)
    declared = world.declared[complaint.pk]
    if complaint.handler_id is None:
        assert complaint.needs_external_handler
        assert complaint.route == Route.EXTERNAL_COMMITTEE
    else:
        assert not complaint.needs_external_handler
        assert complaint.handler_id not in conflicted | declared
        assert complaint.handler_id != complaint.complainant_id
        assert Membership.objects.filter(
            organisation=complaint.organisation,
            user_id=complaint.handler_id,
            role=Role.HANDLER,
            handler_kind=complaint.route,
            is_active=True,
        ).exists()
    assert complaint.committee_member_id not in conflicted | declared
    if not staff_only:
        supporters = set(
            SupportAssignment.objects.filter(complaint=complaint).values_list(
                "supporter_id", flat=True
            )
        )
        assert not supporters & conflicted


def _assert_notified_only_independent_people(
    world: World, complaint: Complaint, *, after_message_id: int = 0
) -> None:
    """No notice about the case went to its VP or a colleague — except the VP's
    once informed, and a colleague's own notices as the complainant."""
    conflicted = world.conflicted(complaint)
    people = world.by_email()
    # Notice keys read "<what>:<complaint pk>:<recipient>".
    notices = OutboxMessage.objects.filter(key__contains=f":{complaint.pk}:")
    for message in notices.filter(id__gt=after_message_id):
        if message.key.split(":")[1] != str(complaint.pk):
            continue
        assert message.organisation_id == complaint.organisation_id
        recipient = people.get(message.address)
        if recipient is None:
            continue  # the address an anonymous complainant left
        assert complaint.organisation_id in world.organisations_of(recipient), message.key
        if recipient.pk not in conflicted:
            continue
        if recipient.pk == complaint.complainant_id:
            assert message.key.endswith(":complainant"), message.key
            continue
        assert recipient.pk == complaint.subject_vp_id, message.key
        assert complaint.vp_informed_at is not None, message.key
        assert message.key.startswith(NOTICES_FOR_THE_INFORMED_VP), message.key


def _assert_sees_and_counts_only_what_the_rules_allow(world: World, person: User) -> None:
    visible = set(policy.visible_to(person, Complaint).values_list("pk", flat=True))
    handled: set[int] = set()
    about: set[int] = set()
    counted: set[int] = set()
    for organisation in world.organisations:
        handled |= set(
            complaints_handled_by(user=person, organisation=organisation).values_list(
                "pk", flat=True
            )
        )
        about |= set(
            complaints_about(user=person, organisation=organisation).values_list("pk", flat=True)
        )
        counted |= set(complaints_counted_for(person, organisation).values_list("pk", flat=True))
        _assert_coordinator_counts(world, person, organisation)
        _assert_lists_what_they_may_see(person, organisation, visible)
    for complaint in world.complaints:
        roles = case_roles(person, complaint)
        reached = {
            "visible_to": complaint.pk in visible,
            "complaints_handled_by": complaint.pk in handled,
            "complaints_about": complaint.pk in about,
            "case_roles": sorted(roles),
        }
        member_here = complaint.organisation_id in world.organisations_of(person)
        colleague = person.pk in world.colleagues(complaint.subject_vp_id)
        uninformed_vp = person.pk == complaint.subject_vp_id and not complaint.vp_informed_at
        if not member_here or uninformed_vp or colleague:
            if colleague and member_here and person.pk == complaint.complainant_id:
                # A colleague who filed it follows it as its complainant, nothing more.
                assert roles == {CaseRole.COMPLAINANT}, (complaint.pk, person.pk, reached)
                assert complaint.pk not in handled | about, (complaint.pk, person.pk, reached)
            else:
                assert not any(reached.values()), (complaint.pk, person.pk, reached)
        if not member_here or person.pk in world.conflicted(complaint):
            assert complaint.pk not in counted, (complaint.pk, person.pk)
        # The rules are not vacuous: whoever the procedure put on the case reaches it.
        if member_here and not colleague and person.pk == complaint.handler_id:
            assert CaseRole.HANDLER in roles
            assert complaint.pk in handled
        if member_here and person.pk == complaint.complainant_id:
            assert CaseRole.COMPLAINANT in roles
        if member_here and person.pk == complaint.subject_vp_id and complaint.vp_informed_at:
            assert CaseRole.SUBJECT_VP in roles
            assert complaint.pk in about


def _assert_lists_what_they_may_see(
    person: User, organisation: Organisation, visible: set[int]
) -> None:
    """The complaints page (its query compiled once per process and shared by
    everyone) lists exactly the complaints of the organisation the person may
    see: they handle, investigate, filed, are the informed VP of or support."""
    lists = case_lists(
        user=person, organisation=organisation, now=clock.now(), page=None, per_page=1000
    )
    listed = [c.pk for c in [*lists.handled, *lists.filed, *lists.about_me, *lists.supporting]]
    here = set(Complaint.objects.filter(organisation=organisation).values_list("pk", flat=True))
    assert len(listed) == len(set(listed)), (person.pk, listed)
    assert set(listed) == visible & here, (person.pk, organisation.pk, listed)


def _assert_sees_support_only_as_staff_vp_or_supporter(world: World, person: User) -> None:
    """Who supports the VP is for the case's staff and the informed VP; a support
    person sees their own assignment only. The complainant never learns it."""
    for assignment in policy.visible_to(person, SupportAssignment).select_related("complaint"):
        complaint = assignment.complaint
        staff = {complaint.handler_id, complaint.committee_member_id}
        informed_vp = person.pk == complaint.subject_vp_id and complaint.vp_informed_at
        assert person.pk in staff or informed_vp or person.pk == assignment.supporter_id, (
            complaint.pk,
            person.pk,
        )


def _assert_coordinator_counts(world: World, person: User, organisation: Organisation) -> None:
    """A coordinator counts the organisation's open complaints, except those about
    themselves or a colleague — numbers only, so every one of them matters."""
    if Role.COORDINATOR not in world.roles[person.pk].get(organisation.pk, set()):
        return
    countable = [
        complaint
        for complaint in world.complaints
        if complaint.organisation_id == organisation.pk
        and complaint.state in OPEN_STATES
        and person.pk not in world.conflicted(complaint)
    ]
    counts = coordinator_counts(user=person, organisation=organisation, now=clock.now())
    assert counts.open == len(countable)
    assert counts.waiting_for_external_handler == sum(
        1 for complaint in countable if complaint.needs_external_handler
    )


# Every model the worlds above have rows of (the rest stay empty here).
WORLD_MODELS = (
    Organisation,
    ComplaintRegulation,
    VPTeam,
    VPTeamMember,
    Membership,
    User,
    Complaint,
    StatusChange,
    Letter,
    ConflictDeclaration,
    SupportAssignment,
)


def _assert_sealed_from_other_organisations(world: World, person: User) -> None:
    """No row of another organisation — earlier examples' included — reaches the person."""
    mine = world.organisations_of(person)
    # A coordinator also sees people whose membership of their organisation lapsed.
    strangers = [p.pk for p in world.people if not world.roles[p.pk].keys() & mine]
    for model in WORLD_MODELS:
        rows = policy.visible_to(person, model)
        if model is Organisation:
            leaked = rows.exclude(pk__in=mine)
        elif model is User:
            leaked = rows.filter(pk__in=strangers).exclude(pk=person.pk)
        elif model is Membership:  # their own, lapsed ones included
            leaked = rows.exclude(organisation_id__in=mine).exclude(user=person)
        else:
            leaked = rows.exclude(organisation_id__in=mine)
        assert not leaked.exists(), (model.__name__, person.pk)
