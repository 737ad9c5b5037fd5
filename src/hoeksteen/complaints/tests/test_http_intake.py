"""Filing a complaint and finding it again, through the web pages."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from hoeksteen.complaints.models import Complaint
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    case_url,
    client_for,
    english,
    file_complaint,
    http_isolation,
    intake_url,
    receipt_from,
    text,
)
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import Membership, User

RECEIPT_URL = "/o/acme/mijn-klacht/"


def test_it_files_an_employees_complaint_under_their_own_name(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    response = file_complaint(client_for(complainant), subject_vp)

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case_url(complaint)
    assert complaint.complainant == complainant
    assert complaint.receipt_hash == ""
    assert complaint.handler == hr_handler
    assert complaint.state == "received"


def test_it_shows_a_visitors_receipt_code_once(subject_vp: User, hr_handler: User) -> None:
    visitor = english()
    response = file_complaint(visitor, subject_vp)
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/klacht/ontvangen/"

    first = visitor.get(response["Location"])
    code = receipt_from(first)
    assert first.status_code == 200
    assert code is not None
    assert len(code) == 16
    complaint = Complaint.objects.get()
    assert complaint.complainant is None
    assert complaint.receipt_hash
    assert code not in complaint.receipt_hash

    second = visitor.get(response["Location"])
    assert second.status_code == 200
    assert receipt_from(second) is None
    assert "no longer visible" in text(second)


def test_it_opens_the_case_with_the_receipt_code(subject_vp: User, hr_handler: User) -> None:
    visitor = english()
    file_complaint(visitor, subject_vp)
    code = receipt_from(visitor.get("/o/acme/klacht/ontvangen/"))
    complaint = Complaint.objects.get()

    later = english()  # another day, another browser: only the code
    assert later.get(case_url(complaint)).status_code == 404
    response = later.post(RECEIPT_URL, {"code": f"{code[:4]} {code[4:8]}-{code[8:]}"})
    assert response.status_code == 302
    assert response["Location"] == case_url(complaint)

    page = later.get(case_url(complaint))
    assert page.status_code == 200
    assert "state-received" in text(page)
    assert "Received" in text(page)
    assert complaint.description in text(page)


def test_it_refuses_a_wrong_receipt_code_with_a_clear_message(
    subject_vp: User, hr_handler: User
) -> None:
    file_complaint(english(), subject_vp)

    response = english().post(RECEIPT_URL, {"code": "1234 5678 9012 3456"})

    assert response.status_code == 400
    assert "We do not know this code" in text(response)


def test_it_asks_for_the_code_when_the_receipt_form_is_sent_empty(acme: Organisation) -> None:
    # Found by tests/test_fuzz_forms.py: an empty POST answered 400 without a message.
    response = english().post(RECEIPT_URL, {})

    assert response.status_code == 400
    assert 'class="errorlist"' in text(response)


def test_it_refuses_even_the_right_code_after_ten_wrong_ones(
    subject_vp: User, hr_handler: User
) -> None:
    owner = english()
    file_complaint(owner, subject_vp)
    code = receipt_from(owner.get("/o/acme/klacht/ontvangen/"))
    guesser = english()

    for attempt in range(settings.RATE_LIMITS["receipt.client"][0]):
        wrong = f"{attempt:016d}"
        assert guesser.post(RECEIPT_URL, {"code": wrong}).status_code == 400

    refused = guesser.post(RECEIPT_URL, {"code": code})
    assert refused.status_code == 429
    assert "Too many codes were tried" in text(refused)
    assert "hoeksteen_receipts" not in guesser.session


def test_it_lets_a_client_try_ten_codes_before_limiting(subject_vp: User, hr_handler: User) -> None:
    owner = english()
    file_complaint(owner, subject_vp)
    code = receipt_from(owner.get("/o/acme/klacht/ontvangen/"))
    for attempt in range(settings.RATE_LIMITS["receipt.client"][0] - 1):
        assert owner.post(RECEIPT_URL, {"code": f"{attempt:016d}"}).status_code == 400

    assert owner.post(RECEIPT_URL, {"code": code}).status_code == 302


def test_it_explains_routes_terms_confidentiality_and_the_lvv_on_the_intake_page(
    acme: Organisation, subject_vp: User
) -> None:
    Membership.objects.filter(user=subject_vp).update(lvv_registered=True)
    regulation = ComplaintRegulation.objects.get(organisation=acme)

    response = english().get(intake_url())

    page = text(response)
    assert response.status_code == 200
    assert "A complaint about an internal VP goes to: HR department" in page
    assert "A complaint about an external VP goes to:" in page
    assert "never to a direct colleague of the VP" in page
    assert f"within {regulation.acknowledgment_days} days" in page
    assert f"within {regulation.decision_days} days" in page
    assert "Only the people who handle your complaint can read it" in page
    assert "Commissie van Toezicht" in page
    assert f'value="{subject_vp.pk}"' in page
    assert 'name="anonymous"' not in page  # a visitor is always anonymous
    assert "you will receive a receipt code" in page


def test_it_leaves_out_the_lvv_notice_without_an_lvv_registered_vp(subject_vp: User) -> None:
    response = english().get(intake_url())

    assert response.status_code == 200
    assert "Commissie van Toezicht" not in text(response)


def test_it_offers_a_member_the_choice_to_complain_anonymously(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    member = client_for(complainant)
    assert 'name="anonymous"' in text(member.get(intake_url()))

    response = file_complaint(member, subject_vp, anonymous="on", vp_may_know_identity="on")

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/klacht/ontvangen/"
    assert complaint.complainant is None
    assert complaint.vp_may_know_identity is False
    assert receipt_from(member.get(response["Location"])) is not None


def test_it_keeps_a_failed_intake_form_filled_in_with_a_fresh_token(
    subject_vp: User, hr_handler: User
) -> None:
    visitor: Client = english()
    response = file_complaint(visitor, subject_vp, description="")
    assert response.status_code == 400
    assert not Complaint.objects.exists()

    again = visitor.post(
        intake_url(),
        {key: value for key, value in response.context["form"].data.items() if key != "description"}
        | {"description": "Nu wel ingevuld."},
    )
    assert again.status_code == 302
    assert Complaint.objects.count() == 1
