"""The per-case rules (case page) and the per-user rules (lists, exports) of
access/complaint_rules.py give the same answer for every person in a case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hoeksteen.access import policy
from hoeksteen.access.complaint_rules import (
    case_attachments,
    case_hearings,
    case_letters,
    case_measures,
    case_messages,
    case_roles,
    case_vp_responses,
)
from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.models import (
    Attachment,
    Hearing,
    Letter,
    Message,
    RecoveryMeasure,
    VPResponse,
)
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.testing.factories import MembershipFactory, UserFactory

PAIRS: list[tuple[Callable[..., Any], type[Any]]] = [
    (case_letters, Letter),
    (case_attachments, Attachment),
    (case_messages, Message),
    (case_vp_responses, VPResponse),
    (case_hearings, Hearing),
    (case_measures, RecoveryMeasure),
]


def test_it_shows_each_person_the_same_rows_on_the_case_page_and_in_lists(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    colleague_vp: User,
    hr_handler: User,
    coordinator: User,
    supporter: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    quiet_supporter = UserFactory(username="quiet_supporter")
    MembershipFactory(organisation=acme, user=quiet_supporter, support=True)
    handler, vp = Actor(user=hr_handler), Actor(user=subject_vp)
    complaint = actions.complaint_submit(
        organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
    ).complaint
    complaint = actions.complaint_acknowledge(complaint=complaint, actor=handler)
    complaint = actions.complaint_start_review(complaint=complaint, actor=handler, reason="r")
    complaint = actions.complaint_inform_vp(complaint=complaint, actor=handler)
    actions.complaint_name_supporter(
        complaint=complaint,
        actor=vp,
        supporter_id=supporter.pk,
        kind="colleague",
        shares_complaint=True,
    )
    actions.complaint_name_supporter(
        complaint=complaint,
        actor=vp,
        supporter_id=quiet_supporter.pk,
        kind="legal",
        shares_complaint=False,
    )
    actions.complaint_record_vp_response(
        complaint=complaint, actor=vp, body="Gedeeld.", share_with_support=True
    )
    actions.complaint_record_vp_response(
        complaint=complaint, actor=vp, body="Niet gedeeld.", share_with_support=False
    )
    actions.message_send(complaint=complaint, actor=Actor(user=complainant), body="Vraag.")
    people = [
        complainant,
        subject_vp,
        colleague_vp,
        hr_handler,
        coordinator,
        supporter,
        quiet_supporter,
    ]
    for person in people:
        roles = case_roles(person, complaint)
        for case_rule, model in PAIRS:
            on_page = set(case_rule(complaint, roles, person))
            in_lists = set(policy.visible_to(person, model).filter(complaint=complaint))
            assert on_page == in_lists, (person.username, model.__name__)
    quiet_letters = policy.visible_to(quiet_supporter, Letter).filter(complaint=complaint)
    assert not quiet_letters.exists()
    assert policy.visible_to(supporter, Letter).filter(recipient_party="vp").exists()
    assert [r.body for r in policy.visible_to(supporter, VPResponse)] == ["Gedeeld."]
