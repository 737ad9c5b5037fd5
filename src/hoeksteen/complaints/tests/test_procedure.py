"""The procedure through its actions: intake to closure, on both tracks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core import mail

from hoeksteen.audit.verify import verify_audit
from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.letters import letter_pdf
from hoeksteen.complaints.models import Complaint, LetterKind, ReviewQuestion, StatusChange
from hoeksteen.complaints.workflow import State
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.testing.factories import MembershipFactory, UserFactory
from hoeksteen.testing.mail import queued_to

Make = Callable[..., ComplaintInput]


def test_it_routes_an_anonymous_complaint_to_hr_and_keeps_only_a_hash_of_the_receipt(
    acme: Organisation, subject_vp: User, hr_handler: User, complaint_about: Make
) -> None:
    submission = actions.complaint_submit(
        organisation=acme, acting_user=None, anonymous=True, data=complaint_about()
    )
    complaint = submission.complaint
    assert submission.receipt is not None
    assert len(submission.receipt) == 16
    assert complaint.handler == hr_handler
    assert complaint.complainant is None
    assert submission.receipt not in complaint.receipt_hash
    assert actions.receipt_open(organisation=acme, code=submission.receipt) == complaint
    assert actions.receipt_open(organisation=acme, code="0" * 16) is None
    assert queued_to(hr_handler.email).exists()


def test_it_walks_a_procedural_review_to_closure(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Make,
) -> None:
    handler, vp, me = Actor(user=hr_handler), Actor(user=subject_vp), Actor(user=complainant)
    complaint = actions.complaint_submit(
        organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
    ).complaint
    complaint = actions.complaint_acknowledge(complaint=complaint, actor=handler)
    complaint = actions.complaint_start_review(complaint=complaint, actor=handler, reason="Licht.")
    complaint = actions.complaint_inform_vp(complaint=complaint, actor=handler)
    actions.complaint_record_vp_response(
        complaint=complaint, actor=vp, body="Mijn kant van het verhaal.", share_with_support=True
    )
    for question in ReviewQuestion.values:
        actions.complaint_answer_review(
            complaint=complaint,
            actor=handler,
            question=question,
            answer="yes",
            evidence="Notities.",
        )
    complaint = actions.complaint_decide(
        complaint=complaint, actor=handler, decision="partly_founded", reasons="Deels terecht."
    )
    measure = actions.complaint_add_measure(
        complaint=complaint,
        actor=handler,
        kind="follow_up",
        description="Nagesprek onder begeleiding.",
        owner="HR",
        due_on=dt.datetime.now(dt.UTC).date() + dt.timedelta(days=14),
    )
    with pytest.raises(actions.ComplaintError):
        actions.complaint_close(complaint=complaint, actor=handler, lessons="Rolduidelijkheid.")
    actions.complaint_complete_measure(measure=measure, actor=handler, note="Goed gesprek.")
    complaint = actions.complaint_close(complaint=complaint, actor=handler, lessons="Rol.")
    assert complaint.state == State.CLOSED
    kinds = sorted(complaint.letters.values_list("kind", "recipient_party"))
    assert kinds == [
        (LetterKind.ACKNOWLEDGMENT, "complainant"),
        (LetterKind.DECISION, "complainant"),
        (LetterKind.DECISION, "vp"),
        (LetterKind.VP_INFORMED, "vp"),
    ]
    assert [s.to_state for s in StatusChange.objects.filter(complaint=complaint)] == [
        State.RECEIVED,
        State.ACKNOWLEDGED,
        State.REVIEW,
        State.DECIDED,
        State.CLOSED,
    ]
    assert letter_pdf(complaint.letters.first()).startswith(b"%PDF")  # type: ignore[arg-type]
    assert verify_audit().broken is None
    with pytest.raises(actions.ComplaintError):
        actions.complaint_withdraw(complaint=complaint, actor=me)


def test_it_refuses_a_step_in_the_wrong_state_and_changes_nothing(
    acme: Organisation, complainant: User, subject_vp: User, hr_handler: User, complaint_about: Make
) -> None:
    complaint = actions.complaint_submit(
        organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
    ).complaint
    with pytest.raises(actions.WrongStep):
        actions.complaint_decide(
            complaint=complaint, actor=Actor(user=hr_handler), decision="founded", reasons="x"
        )
    with pytest.raises(actions.NotAllowed):
        actions.complaint_acknowledge(complaint=complaint, actor=Actor(user=complainant))
    complaint.refresh_from_db()
    assert complaint.state == State.RECEIVED
    assert complaint.letters.count() == 0


def test_it_never_routes_to_a_colleague_even_one_with_the_hr_role(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    colleague_vp: User,
    complaint_about: Make,
) -> None:
    MembershipFactory(organisation=acme, user=colleague_vp, hr=True)
    submission = actions.complaint_submit(
        organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
    )
    complaint = submission.complaint
    assert complaint.handler is None
    assert complaint.needs_external_handler
    assert not queued_to(colleague_vp.email).exists()


def test_it_waits_for_an_external_handler_and_tells_the_coordinator_without_details(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    coordinator: User,
    complaint_about: Make,
) -> None:
    complaint = actions.complaint_submit(
        organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
    ).complaint
    notice = queued_to(coordinator.email).get()
    assert complaint.reference not in notice.body
    assert subject_vp.last_name not in notice.body
    external = UserFactory(username="external")
    MembershipFactory(organisation=acme, user=external, role="handler", handler_kind="committee")
    from hoeksteen.complaints.actions.assessment import unassigned_complaints_reroute

    assert unassigned_complaints_reroute(now=dt.datetime.now(dt.UTC)) == 1
    complaint.refresh_from_db()
    assert complaint.handler == external
    assert not complaint.needs_external_handler
    assert mail.outbox == []  # nothing is sent before the tick drains the outbox
    assert Complaint.objects.count() == 1


def test_it_appoints_a_new_investigator_after_a_conflict_never_the_complainant(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    committee: User,
    complaint_about: Make,
) -> None:
    handler = Actor(user=hr_handler)
    MembershipFactory(organisation=acme, user=complainant, committee=True)
    complaint = actions.complaint_submit(
        organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
    ).complaint
    complaint = actions.complaint_acknowledge(complaint=complaint, actor=handler)
    with pytest.raises(actions.ComplaintError):
        actions.complaint_start_investigation(
            complaint=complaint, actor=handler, reason="Ernstig.", investigator_id=complainant.pk
        )
    complaint = actions.complaint_start_investigation(
        complaint=complaint, actor=handler, reason="Ernstig.", investigator_id=committee.pk
    )
    actions.complaint_declare_conflict(
        complaint=complaint, actor=Actor(user=committee), reason="Ik ken de klager."
    )
    second = UserFactory(username="second_investigator")
    MembershipFactory(organisation=acme, user=second, committee=True)
    with pytest.raises(actions.ComplaintError):
        actions.complaint_assign_investigator(
            complaint=complaint, actor=handler, investigator_id=committee.pk
        )
    complaint = actions.complaint_assign_investigator(
        complaint=complaint, actor=handler, investigator_id=second.pk
    )
    assert complaint.committee_member == second
