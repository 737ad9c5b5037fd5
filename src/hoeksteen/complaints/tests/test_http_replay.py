"""Sending the same form twice: one complaint, one step, and a clear answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hoeksteen.complaints.models import Complaint, Letter, StatusChange
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    client_for,
    complaint_by,
    english,
    form_token,
    http_isolation,
    in_review,
    intake_data,
    intake_url,
    post_step,
    receipt_from,
    refreshed,
    text,
)
from hoeksteen.people.models import User

ALREADY_FILED = "This complaint was already sent, and it was filed once"
NOT_SENT = "This form could not be sent"


def test_it_files_one_complaint_when_a_member_sends_the_intake_form_twice(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    member = client_for(complainant)
    data = intake_data(subject_vp, form_token(member))

    first = member.post(intake_url(), data)
    second = member.post(intake_url(), data, follow=True)

    assert first.status_code == 302
    assert second.redirect_chain == [(first["Location"], 302)]
    assert ALREADY_FILED in text(second)
    assert Complaint.objects.count() == 1


def test_it_shows_a_visitor_who_sent_twice_the_receipt_code_of_the_first(
    subject_vp: User, hr_handler: User
) -> None:
    # A double click: the browser drops the answer to the first sending and
    # shows the second's. The receipt code must still reach the visitor.
    visitor = english()
    data = intake_data(subject_vp, form_token(visitor))

    assert visitor.post(intake_url(), data).status_code == 302
    second = visitor.post(intake_url(), data, follow=True)

    assert second.redirect_chain == [("/o/acme/klacht/ontvangen/", 302)]
    assert ALREADY_FILED in text(second)
    assert receipt_from(second) is not None
    assert Complaint.objects.count() == 1


def test_it_refuses_a_form_token_from_another_session(subject_vp: User, hr_handler: User) -> None:
    token = form_token(english())

    response = english().post(intake_url(), intake_data(subject_vp, token))

    assert response.status_code == 400
    assert NOT_SENT in text(response)
    assert not Complaint.objects.exists()


def test_it_refuses_an_intake_without_a_form_token(subject_vp: User, hr_handler: User) -> None:
    visitor = english()
    form_token(visitor)

    response = visitor.post(intake_url(), intake_data(subject_vp, None))

    assert response.status_code == 400
    assert NOT_SENT in text(response)
    assert not Complaint.objects.exists()


def test_it_refuses_a_form_token_older_than_a_session_and_keeps_what_was_written(
    settings: Any, subject_vp: User, hr_handler: User
) -> None:
    visitor = english()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        token = form_token(visitor)
        clock.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        response = visitor.post(intake_url(), intake_data(subject_vp, token))

    assert response.status_code == 400
    assert NOT_SENT in text(response)
    assert "Ik voelde me niet gehoord" in text(response)
    assert not Complaint.objects.exists()


def test_it_lets_a_refused_intake_be_sent_again_with_the_same_token(
    subject_vp: User, hr_handler: User
) -> None:
    visitor = english()
    token = form_token(visitor)
    fake = SimpleUploadedFile("verslag.pdf", b"MZ\x90\x00" * 64, content_type="application/pdf")

    refused = visitor.post(intake_url(), intake_data(subject_vp, token, documents=fake))
    assert refused.status_code == 400
    assert not Complaint.objects.exists()

    assert visitor.post(intake_url(), intake_data(subject_vp, token)).status_code == 302
    assert Complaint.objects.count() == 1


def test_it_refuses_a_replayed_acknowledgment_and_changes_nothing(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    handler = client_for(hr_handler)
    assert post_step(handler, complaint, "acknowledge").status_code == 302
    acknowledged = refreshed(complaint)
    history = StatusChange.objects.filter(complaint=complaint).count()

    replay = post_step(handler, complaint, "acknowledge")

    assert replay.status_code == 400
    assert "This step is not possible now" in text(replay)
    assert "Acknowledged, being assessed" in text(replay)
    after = refreshed(complaint)
    assert after.state == "acknowledged"
    assert after.acknowledged_at == acknowledged.acknowledged_at
    assert Letter.objects.filter(complaint=complaint).count() == 1
    assert StatusChange.objects.filter(complaint=complaint).count() == history


def test_it_refuses_a_replayed_start_of_the_review_and_changes_nothing(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = in_review(complaint_by(complainant, subject_vp), hr_handler)
    handler = client_for(hr_handler)

    replay = post_step(handler, complaint, "review", reason="Nog eens.")

    assert replay.status_code == 400
    assert "This step is not possible now" in text(replay)
    after = refreshed(complaint)
    assert after.state == "review"
    assert after.track_reason == "Licht."


def test_it_refuses_to_inform_the_vp_twice(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = in_review(complaint_by(complainant, subject_vp), hr_handler)
    handler = client_for(hr_handler)
    assert post_step(handler, complaint, "inform-vp", confirm="on").status_code == 302
    informed_at = refreshed(complaint).vp_informed_at

    replay = post_step(handler, complaint, "inform-vp", confirm="on")

    assert replay.status_code == 400
    assert "already been informed" in text(replay)
    assert refreshed(complaint).vp_informed_at == informed_at
    assert Letter.objects.filter(complaint=complaint, recipient_party="vp").count() == 1
