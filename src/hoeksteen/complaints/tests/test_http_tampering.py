"""Forms sent with ids the page never offered: refused, and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.models import Complaint, RecoveryMeasure, SupportAssignment
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    case_url,
    client_for,
    complaint_by,
    decided,
    english,
    file_complaint,
    form_token,
    http_isolation,
    informed,
    intake_data,
    intake_url,
    post_step,
    refreshed,
    step_url,
    text,
)
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.testing.factories import MembershipFactory, UserFactory, team_with


def test_it_refuses_an_intake_about_another_organisations_vp(
    other_org: Organisation, complainant: User, subject_vp: User, hr_handler: User
) -> None:
    foreign_vp = UserFactory(username="foreign_vp")
    MembershipFactory(organisation=other_org, user=foreign_vp, internal_vp=True)

    for sender in (client_for(complainant), english()):
        response = file_complaint(sender, foreign_vp)
        assert response.status_code == 400
        assert "Select a valid choice" in text(response)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("not_a_vp", ["hr_handler", "supporter", "coordinator"])
def test_it_refuses_an_intake_about_someone_who_is_not_a_vp(
    request: pytest.FixtureRequest, not_a_vp: str, complainant: User, subject_vp: User
) -> None:
    target: User = request.getfixturevalue(not_a_vp)

    response = file_complaint(client_for(complainant), target)

    assert response.status_code == 400
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("garbage", ["999999", "abc", "-1", ""])
def test_it_refuses_an_intake_with_a_made_up_vp_id(
    garbage: str, subject_vp: User, hr_handler: User
) -> None:
    visitor = english()
    response = visitor.post(
        intake_url(), intake_data(subject_vp, form_token(visitor), subject_vp=garbage)
    )

    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_it_hides_a_case_from_another_organisation(
    outsider: User, complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    stranger = client_for(outsider)

    assert stranger.get(case_url(complaint)).status_code == 404
    assert post_step(stranger, complaint, "acknowledge").status_code == 404
    # The right case under the wrong organisation's address is not there either.
    wrong_address = step_url(complaint, "acknowledge").replace("/o/acme/", "/o/other/")
    assert client_for(hr_handler).post(wrong_address).status_code == 404
    assert refreshed(complaint).state == "received"


@pytest.mark.parametrize(
    "nobody", ["colleague_vp", "other_vp", "coordinator", "committee", "supporter", "management"]
)
def test_it_hides_a_case_from_a_member_without_a_role_in_it(
    request: pytest.FixtureRequest,
    nobody: str,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    intruder = client_for(request.getfixturevalue(nobody))

    for step, fields in [
        ("acknowledge", {}),
        ("message", {"body": "Hallo"}),
        ("withdraw", {"reason": ""}),
    ]:
        assert post_step(intruder, complaint, step, **fields).status_code == 404
    assert intruder.get(case_url(complaint)).status_code == 404
    after = refreshed(complaint)
    assert after.state == "received"
    assert not after.messages.exists()


def test_it_hides_a_case_from_a_visitor_without_its_receipt(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(None, subject_vp)

    assert post_step(english(), complaint, "withdraw", reason="").status_code == 404
    assert refreshed(complaint).state == "received"


def test_it_refuses_a_handlers_step_taken_by_the_complainant(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)

    response = post_step(client_for(complainant), complaint, "acknowledge")

    assert response.status_code == 400
    assert "You cannot take this step in this complaint" in text(response)
    assert refreshed(complaint).state == "received"


@pytest.fixture
def acknowledged(complainant: User, subject_vp: User, hr_handler: User) -> Complaint:
    complaint = complaint_by(complainant, subject_vp, category="boundaries")
    return actions.complaint_acknowledge(complaint=complaint, actor=Actor(user=hr_handler))


def _start_investigation(handler: Client, complaint: Complaint, investigator: User) -> object:
    return post_step(
        handler, complaint, "investigation", reason="Ernstig.", investigator=investigator.pk
    )


def test_it_refuses_a_colleague_of_the_subject_as_investigator(
    acme: Organisation, acknowledged: Complaint, subject_vp: User, hr_handler: User
) -> None:
    # A committee member who is also in the subject's VP team.
    conflicted = UserFactory(username="conflicted_committee")
    MembershipFactory(organisation=acme, user=conflicted, committee=True)
    team_with(acme, subject_vp, conflicted, name="South")

    response = _start_investigation(client_for(hr_handler), acknowledged, conflicted)

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    after = refreshed(acknowledged)
    assert after.state == "acknowledged"
    assert after.committee_member is None


@pytest.mark.parametrize("who", ["outsider", "colleague_vp", "subject_vp", "complainant"])
def test_it_refuses_an_investigator_who_may_not_investigate(
    request: pytest.FixtureRequest, who: str, acknowledged: Complaint, hr_handler: User
) -> None:
    response = _start_investigation(
        client_for(hr_handler), acknowledged, request.getfixturevalue(who)
    )

    assert response.status_code == 400
    after = refreshed(acknowledged)
    assert after.state == "acknowledged"
    assert after.committee_member is None


def test_it_accepts_an_independent_committee_member_as_investigator(
    acknowledged: Complaint, hr_handler: User, committee: User
) -> None:
    response = _start_investigation(client_for(hr_handler), acknowledged, committee)

    assert response.status_code == 302
    assert refreshed(acknowledged).committee_member == committee


def test_it_refuses_to_complete_another_cases_measure(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    handler = Actor(user=hr_handler)
    mine, theirs = (
        decided(complaint_by(complainant, subject_vp, description=d), hr_handler, subject_vp)
        for d in ("Eerste klacht.", "Tweede klacht.")
    )
    due = dt.date(2030, 1, 1)
    actions.complaint_add_measure(
        complaint=mine,
        actor=handler,
        kind="follow_up",
        description="Gesprek.",
        owner="HR",
        due_on=due,
    )
    foreign = actions.complaint_add_measure(
        complaint=theirs,
        actor=handler,
        kind="agreements",
        description="Afspraken.",
        owner="HR",
        due_on=due,
    )

    response = post_step(client_for(hr_handler), mine, "measure-done", measure=foreign.pk, note="")

    assert response.status_code == 400
    assert "Choose one of the measures of this complaint" in text(response)
    assert RecoveryMeasure.objects.filter(done_at__isnull=False).count() == 0


def test_it_refuses_a_supporter_the_page_did_not_offer(
    complainant: User, subject_vp: User, colleague_vp: User, hr_handler: User, supporter: User
) -> None:
    complaint = informed(complaint_by(complainant, subject_vp), hr_handler)
    vp = client_for(subject_vp)

    for unfit in (colleague_vp, hr_handler, complainant):
        response = post_step(vp, complaint, "supporter", supporter=unfit.pk, kind="colleague")
        assert response.status_code == 400
    assert not SupportAssignment.objects.exists()
    assert (
        post_step(vp, complaint, "supporter", supporter=supporter.pk, kind="legal").status_code
        == 302
    )


def test_it_refuses_a_vp_complaining_about_themselves_under_their_name(
    subject_vp: User, hr_handler: User
) -> None:
    response = file_complaint(client_for(subject_vp), subject_vp)

    assert response.status_code == 400
    assert "You cannot file a complaint about yourself" in text(response)
    assert not Complaint.objects.exists()


def test_it_knows_no_step_it_does_not_define(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    handler = client_for(hr_handler)

    assert handler.post(step_url(complaint, "delete")).status_code == 404
    assert handler.get(step_url(complaint, "acknowledge")).status_code == 405
    assert refreshed(complaint).state == "received"
