"""What each person sees of a case, page by page (invariant 1)."""

from __future__ import annotations

from html import escape

from django.test import Client

from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.models import Complaint, Letter
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    case_url,
    client_for,
    complaint_by,
    english,
    file_complaint,
    http_isolation,
    in_review,
    informed,
    post_step,
    text,
)
from hoeksteen.people.models import User
from hoeksteen.testing.factories import MembershipFactory, UserFactory, form_token_for

DESCRIPTION = "Op 3 maart vertelde de VP mijn verhaal door aan mijn leidinggevende."
OUTCOME = "Excuses en een gesprek."


def _complaint(complainant: User, subject_vp: User, **consent: bool) -> Complaint:
    return complaint_by(
        complainant, subject_vp, description=DESCRIPTION, desired_outcome=OUTCOME, **consent
    )


def _letter_url(letter: Letter) -> str:
    return f"{case_url(letter.complaint)}brief/{letter.pk}/"


def _pdf_status(client: Client, letter: Letter) -> int:
    response = client.get(_letter_url(letter))
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    return int(response.status_code)


def test_it_shows_the_handler_the_description_and_every_letter(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = informed(_complaint(complainant, subject_vp), hr_handler)

    page = text(client_for(hr_handler).get(case_url(complaint)))

    assert DESCRIPTION in page
    assert OUTCOME in page
    assert escape(complainant.get_full_name()) in page
    letters = Letter.objects.filter(complaint=complaint)
    assert {letter.recipient_party for letter in letters} == {"complainant", "vp"}
    for letter in letters:
        assert _letter_url(letter) in page


def test_it_hides_the_case_from_the_subject_vp_until_they_are_informed(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = in_review(_complaint(complainant, subject_vp), hr_handler)
    vp = client_for(subject_vp)
    assert vp.get(case_url(complaint)).status_code == 404
    assert complaint.reference not in text(vp.get("/o/acme/klachten/"))

    actions.complaint_inform_vp(complaint=complaint, actor=Actor(user=hr_handler))

    assert vp.get(case_url(complaint)).status_code == 200
    assert complaint.reference in text(vp.get("/o/acme/klachten/"))


def test_it_shows_the_subject_vp_neither_words_nor_name_without_consent(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = informed(_complaint(complainant, subject_vp), hr_handler)

    response = client_for(subject_vp).get(case_url(complaint))

    page = text(response)
    assert response.status_code == 200
    assert DESCRIPTION not in page
    assert OUTCOME not in page
    assert escape(complainant.get_full_name()) not in page
    assert "did not agree to share their own words" in page
    assert "Not shared with you, at the complainant" in page
    assert "Send your written response" in page


def test_it_shows_the_subject_vp_what_the_complainant_consented_to(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    words_only = informed(
        _complaint(complainant, subject_vp, vp_may_read_description=True), hr_handler
    )
    words_and_name = informed(
        _complaint(
            complainant, subject_vp, vp_may_read_description=True, vp_may_know_identity=True
        ),
        hr_handler,
    )
    vp = client_for(subject_vp)

    first = text(vp.get(case_url(words_only)))
    assert DESCRIPTION in first
    assert OUTCOME not in first
    assert escape(complainant.get_full_name()) not in first

    second = text(vp.get(case_url(words_and_name)))
    assert DESCRIPTION in second
    assert escape(complainant.get_full_name()) in second


def test_it_never_names_an_anonymous_complainant_to_the_vp(
    subject_vp: User, hr_handler: User
) -> None:
    complaint = informed(complaint_by(None, subject_vp, vp_may_read_description=True), hr_handler)

    page = text(client_for(subject_vp).get(case_url(complaint)))

    assert "Anonymous" in page


def test_it_never_shows_the_case_to_a_colleague_of_the_subject(
    complainant: User, subject_vp: User, colleague_vp: User, hr_handler: User
) -> None:
    complaint = _complaint(complainant, subject_vp, vp_may_read_description=True)
    colleague = client_for(colleague_vp)
    assert colleague.get(case_url(complaint)).status_code == 404

    informed(complaint, hr_handler)

    assert colleague.get(case_url(complaint)).status_code == 404
    for letter in Letter.objects.filter(complaint=complaint):
        assert _pdf_status(colleague, letter) == 404
    assert complaint.reference not in text(colleague.get("/o/acme/klachten/"))


def test_it_gives_the_coordinator_counts_and_never_the_case(
    complainant: User, subject_vp: User, coordinator: User, hr_handler: User
) -> None:
    complaint = informed(_complaint(complainant, subject_vp), hr_handler)
    complaint_by(None, subject_vp, description="Nog een klacht.")
    manager = client_for(coordinator)

    assert manager.get(case_url(complaint)).status_code == 404
    for letter in Letter.objects.filter(complaint=complaint):
        assert _pdf_status(manager, letter) == 404
    response = manager.get("/o/acme/")
    home = text(response)
    assert response.status_code == 200
    assert response.context["counts"].open == 2
    assert "Open complaints</dt><dd>2</dd>" in home
    assert complaint.reference not in home
    assert DESCRIPTION not in home
    assert str(complaint.uid) not in home
    assert complaint.reference not in text(manager.get("/o/acme/klachten/"))


def test_it_shows_a_named_supporter_only_what_the_vp_shares(
    complainant: User, subject_vp: User, hr_handler: User, supporter: User
) -> None:
    complaint = informed(
        _complaint(complainant, subject_vp, vp_may_read_description=True), hr_handler
    )
    vp_actor = Actor(user=subject_vp)
    actions.complaint_record_vp_response(
        complaint=complaint, actor=vp_actor, body="Gedeeld antwoord.", share_with_support=True
    )
    actions.complaint_record_vp_response(
        complaint=complaint, actor=vp_actor, body="Alleen voor mij.", share_with_support=False
    )
    helper = client_for(supporter)
    assert helper.get(case_url(complaint)).status_code == 404

    vp = client_for(subject_vp)
    named = vp.post(
        f"{case_url(complaint)}stap/supporter/",
        {
            "supporter-supporter": supporter.pk,
            "supporter-kind": "lvv_contact",
            "form_token": form_token_for(vp),
        },
    )
    assert named.status_code == 302

    response = helper.get(case_url(complaint))
    page = text(response)
    assert response.status_code == 200
    assert "Gedeeld antwoord." in page
    assert "Alleen voor mij." not in page
    assert DESCRIPTION not in page  # the VP chose not to share the complaint itself
    assert escape(complainant.get_full_name()) not in page
    assert "Alleen voor mij." in text(vp.get(case_url(complaint)))


def test_it_shows_a_supporter_the_complaint_when_the_vp_shares_it(
    complainant: User, subject_vp: User, hr_handler: User, supporter: User
) -> None:
    complaint = informed(
        _complaint(complainant, subject_vp, vp_may_read_description=True), hr_handler
    )
    actions.complaint_name_supporter(
        complaint=complaint,
        actor=Actor(user=subject_vp),
        supporter_id=supporter.pk,
        kind="colleague",
        shares_complaint=True,
    )

    page = text(client_for(supporter).get(case_url(complaint)))

    assert DESCRIPTION in page
    assert OUTCOME not in page
    assert escape(complainant.get_full_name()) not in page


def test_it_serves_each_letter_as_a_pdf_to_its_recipients_only(
    complainant: User, subject_vp: User, colleague_vp: User, hr_handler: User
) -> None:
    complaint = informed(_complaint(complainant, subject_vp), hr_handler)
    to_complainant = Letter.objects.get(complaint=complaint, recipient_party="complainant")
    to_vp = Letter.objects.get(complaint=complaint, recipient_party="vp")
    handler, me, vp = client_for(hr_handler), client_for(complainant), client_for(subject_vp)

    assert _pdf_status(handler, to_complainant) == 200
    assert _pdf_status(handler, to_vp) == 200
    assert _pdf_status(me, to_complainant) == 200
    assert _pdf_status(me, to_vp) == 404
    assert _pdf_status(vp, to_vp) == 200
    assert _pdf_status(vp, to_complainant) == 404
    assert _pdf_status(client_for(colleague_vp), to_vp) == 404
    assert _pdf_status(english(), to_complainant) == 404
    assert _letter_url(to_vp) not in text(me.get(case_url(complaint)))
    assert _letter_url(to_complainant) not in text(vp.get(case_url(complaint)))


def test_it_serves_no_letter_of_another_case(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    mine = informed(_complaint(complainant, subject_vp), hr_handler)
    other = informed(complaint_by(complainant, subject_vp, description="Andere."), hr_handler)
    letter = Letter.objects.filter(complaint=other).first()
    assert letter is not None

    response = client_for(hr_handler).get(f"{case_url(mine)}brief/{letter.pk}/")

    assert response.status_code == 404


def test_it_shows_a_supporter_the_vps_letters_only_when_their_own_vp_shares_them(
    complainant: User, subject_vp: User, hr_handler: User, supporter: User
) -> None:
    complaint = informed(
        _complaint(complainant, subject_vp, vp_may_read_description=True), hr_handler
    )
    sharing = UserFactory(username="sharing_supporter")
    MembershipFactory(organisation=complaint.organisation, user=sharing, support=True)
    for person, shares in ((sharing, True), (supporter, False)):
        actions.complaint_name_supporter(
            complaint=complaint,
            actor=Actor(user=subject_vp),
            supporter_id=person.pk,
            kind="colleague",
            shares_complaint=shares,
        )
    to_vp = Letter.objects.get(complaint=complaint, recipient_party="vp")

    assert _pdf_status(client_for(sharing), to_vp) == 200
    assert _pdf_status(client_for(supporter), to_vp) == 404
    assert DESCRIPTION not in text(client_for(supporter).get(case_url(complaint)))


def _reopened_and_informed(complainant: User, subject_vp: User, hr_handler: User) -> Complaint:
    """Through the informal route and back, so the file holds an assessment."""
    handler, me = Actor(user=hr_handler), Actor(user=complainant)
    complaint = _complaint(complainant, subject_vp)
    complaint = actions.complaint_acknowledge(complaint=complaint, actor=handler)
    complaint = actions.complaint_choose_informal(
        complaint=complaint, actor=handler, reason="De klager is erg van streek; eerst een gesprek."
    )
    complaint = actions.complaint_close_informal(
        complaint=complaint, actor=handler, outcome="Geen oplossing."
    )
    complaint = actions.complaint_request_formal(complaint=complaint, actor=me)
    complaint = actions.complaint_start_review(complaint=complaint, actor=handler, reason="Toets.")
    return actions.complaint_inform_vp(complaint=complaint, actor=handler)


def test_it_shows_a_supporter_no_assessment_the_vp_does_not_see(
    complainant: User, subject_vp: User, hr_handler: User, supporter: User
) -> None:
    complaint = _reopened_and_informed(complainant, subject_vp, hr_handler)
    actions.complaint_name_supporter(
        complaint=complaint,
        actor=Actor(user=subject_vp),
        supporter_id=supporter.pk,
        kind="legal",
        shares_complaint=True,
    )
    assessment = "erg van streek"

    assert assessment in text(client_for(hr_handler).get(case_url(complaint)))
    assert assessment in text(client_for(complainant).get(case_url(complaint)))
    assert assessment not in text(client_for(subject_vp).get(case_url(complaint)))
    assert assessment not in text(client_for(supporter).get(case_url(complaint)))


def test_it_keeps_the_complainants_reason_for_withdrawing_from_the_vp_without_consent(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = informed(_complaint(complainant, subject_vp), hr_handler)
    reason = "Ik durf niet verder, ik ben bang voor de gevolgen."

    complainant_client = client_for(complainant)
    response = post_step(complainant_client, complaint, "withdraw", reason=reason, confirm="on")

    assert response.status_code == 302
    assert reason in text(client_for(hr_handler).get(case_url(complaint)))
    vp_page = client_for(subject_vp).get(case_url(complaint))
    assert vp_page.status_code == 200
    assert "Withdrawn" in text(vp_page)
    assert reason not in text(vp_page)


def test_it_lets_an_anonymous_complainant_read_letters_and_write_with_the_receipt(
    subject_vp: User, hr_handler: User
) -> None:
    visitor = english()
    assert file_complaint(visitor, subject_vp).status_code == 302
    complaint = Complaint.objects.get()
    actions.complaint_acknowledge(complaint=complaint, actor=Actor(user=hr_handler))
    letter = Letter.objects.get(complaint=complaint)

    assert _pdf_status(visitor, letter) == 200
    sent = post_step(visitor, complaint, "message", body="Is er al nieuws?")
    assert sent.status_code == 302
    message = complaint.messages.get()
    assert (message.author_party, message.author) == ("complainant", None)
    assert "Is er al nieuws?" in text(client_for(hr_handler).get(case_url(complaint)))
    assert _pdf_status(english(), letter) == 404
