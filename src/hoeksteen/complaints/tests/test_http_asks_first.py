"""Withdrawing a complaint and informing the VP cannot be undone: a press of
the button alone does neither, the box must be ticked."""

from __future__ import annotations

from hoeksteen.complaints.models import Letter
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    client_for,
    complaint_by,
    http_isolation,
    in_review,
    post_step,
    refreshed,
    text,
)
from hoeksteen.people.models import User


def test_it_does_not_withdraw_a_complaint_without_the_box_ticked(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    client = client_for(complainant)

    refused = post_step(client, complaint, "withdraw", reason="Ik wil stoppen.")

    assert refused.status_code == 400
    assert "Tick the box to confirm that you withdraw your complaint." in text(refused)
    assert "Ik wil stoppen." in text(refused)  # what was written stays
    assert refreshed(complaint).state == "received"

    done = post_step(client, complaint, "withdraw", reason="Ik wil stoppen.", confirm="on")
    assert done.status_code == 302
    assert refreshed(complaint).state == "withdrawn"


def test_it_does_not_inform_the_vp_without_the_box_ticked(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = in_review(complaint_by(complainant, subject_vp), hr_handler)
    handler = client_for(hr_handler)

    refused = post_step(handler, complaint, "inform-vp")

    assert refused.status_code == 400
    assert "Tick the box to confirm that the VP is informed now." in text(refused)
    assert refreshed(complaint).vp_informed_at is None
    assert not Letter.objects.filter(complaint=complaint, recipient_party="vp").exists()
    assert client_for(subject_vp).get(f"/o/acme/klachten/{complaint.uid}/").status_code == 404

    assert post_step(handler, complaint, "inform-vp", confirm="on").status_code == 302
    assert refreshed(complaint).vp_informed_at is not None
