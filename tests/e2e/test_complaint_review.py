"""An anonymous complaint through a procedural review to closure, clicked
through by everyone in it: the complainant with only a receipt code, the HR
handler, the VP it is about and the support person that VP names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from casework import People, expect_saved, letter_link, read_pdf, snap, status_of, take_step
from django.utils import timezone
from playwright.sync_api import Browser, FloatRect, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from hoeksteen.complaints.models import Complaint, ReviewQuestion
from hoeksteen.people.models import User

RECEIPT = re.compile(r"^\d{4} \d{4} \d{4} \d{4}$")


@pytest.fixture
def people(
    browser: Browser,
    live_server: LiveServer,
    request: pytest.FixtureRequest,
    sign_in: Callable[..., None],
    submit_code: Callable[[Page, str], None],
) -> Iterator[People]:
    crowd = People(browser, live_server, request, sign_in=sign_in, submit_code=submit_code)
    yield crowd
    crowd.close()


def test_it_takes_an_anonymous_complaint_through_a_procedural_review_to_closure(
    page: Page,
    people: People,
    request: pytest.FixtureRequest,
    subject_vp: User,
    hr_handler: User,
    supporter: User,
    dutch: Callable[[str], str],
) -> None:
    complainant = page  # no account: only a receipt code

    # --- The complainant files without signing in and is shown a code once.
    complainant.goto("/o/acme/klacht/nieuw/")
    expect(complainant.locator("#id_anonymous")).to_have_count(0)  # always anonymous
    complainant.locator("#id_subject_vp").select_option(str(subject_vp.pk))
    complainant.locator("input[name=category][value=not_heard]").check()
    complainant.locator("#id_description").fill(
        "Ik vertelde over het pesten op mijn afdeling, maar de vertrouwenspersoon "
        "onderbrak me steeds en gaf me geen ruimte."
    )
    complainant.locator("#id_desired_outcome").fill("Een excuus en een gesprek.")
    complainant.locator("#id_vp_may_read_description").check()
    complainant.locator("main form button[type=submit]").click()

    expect(complainant).to_have_url(re.compile(r"/o/acme/klacht/ontvangen/$"))
    receipt = complainant.locator(".receipt")
    expect(receipt).to_have_text(RECEIPT)
    code = receipt.inner_text().strip()
    snap(complainant, request, "1-receipt-shown-once")
    complainant.reload()
    expect(complainant.locator(".receipt")).to_have_count(0)
    # Later, on another day: a fresh browser session, nothing but the code.
    complainant.context.clear_cookies()

    # --- The HR handler acknowledges receipt in writing.
    handler = people.signed_in(hr_handler, second_factor=True)
    handler.locator("main a[href='/o/acme/klachten/']").click()
    handler.locator("section[aria-labelledby=handled-heading] tbody a").click()
    expect(handler).to_have_url(re.compile(r"/o/acme/klachten/[0-9a-f-]{36}/$"))
    case_path = urlsplit(handler.url).path
    complaint = Complaint.objects.get()
    assert case_path == f"/o/acme/klachten/{complaint.uid}/"
    expect(handler.locator("main .lead .tag.state-received")).to_be_visible()
    take_step(handler, "acknowledge")
    expect(handler.locator("main .lead .tag.state-acknowledged")).to_be_visible()

    # The VP is not told yet, and cannot reach the case.
    vp = people.signed_in(subject_vp)
    assert status_of(vp, case_path) == 404
    vp.goto("/o/acme/klachten/")
    expect(vp.locator(f"main a[href='{case_path}']")).to_have_count(0)

    # --- The complainant opens the case with the code and reads the letter.
    complainant.goto("/o/acme/mijn-klacht/")
    complainant.locator("#id_code").fill(code)
    complainant.locator("main form button[type=submit]").click()
    expect(complainant).to_have_url(re.compile(re.escape(case_path) + "$"))
    expect(complainant.locator("main .lead .tag.state-acknowledged")).to_be_visible()
    acknowledgment = letter_link(complainant, dutch("Acknowledgment of receipt"))
    read_pdf(complainant, acknowledgment, request, "acknowledgment")
    take_step(
        complainant,
        "message",
        body="Mag ik bij een gesprek iemand meenemen die ik vertrouw?",
    )
    expect(complainant.locator("section[aria-labelledby=messages-heading]")).to_contain_text(
        "iemand meenemen"
    )
    snap(complainant, request, "2-complainant-acknowledged")

    # --- The handler starts a procedural review and informs the VP.
    handler.reload()
    expect(handler.locator("section[aria-labelledby=messages-heading]")).to_contain_text(
        "iemand meenemen"
    )
    take_step(handler, "message", body="Ja, dat mag. Ik neem contact op voor een afspraak.")
    take_step(
        handler,
        "review",
        reason="Een misverstand over de rol; een toetsing aan de gedragscode volstaat.",
    )
    expect(handler.locator("main .lead .tag.state-review")).to_be_visible()
    take_step(handler, "inform-vp", confirm=True)
    expect(handler.locator("#step-inform-vp")).to_have_count(0)

    # --- The VP now sees the case, responds, names support and reflects.
    assert status_of(vp, "/o/acme/klachten/") == 200
    vp.locator(f"section[aria-labelledby=about-heading] a[href='{case_path}']").click()
    expect(vp).to_have_url(re.compile(re.escape(case_path) + "$"))
    expect(vp.locator("section[aria-labelledby=complaint-heading]")).to_contain_text(
        "onderbrak me steeds"  # the complainant allowed the VP to read their words
    )
    snap(vp, request, "3-vp-informed")
    read_pdf(vp, letter_link(vp, dutch("Notice of a complaint")), request, "vp-notice")
    take_step(
        vp,
        "respond",
        body="Ik herken dat het gesprek gehaast was. Ik wilde de melder snel verder helpen.",
        share_with_support=True,
    )
    take_step(vp, "supporter", supporter=str(supporter.pk), kind="colleague", shares_complaint=True)
    expect(vp.locator("section[aria-labelledby=support-heading]")).to_contain_text(
        supporter.get_full_name()
    )
    take_step(
        vp,
        "reflection",
        communication="Ik liet te weinig stilte.",
        role_boundaries="Ja.",
        explained_in_time="Niet helemaal; ik ging te snel naar oplossingen.",
    )
    expect(vp.locator("section[aria-labelledby=reflection-heading]")).to_contain_text(
        "te weinig stilte"
    )

    # --- The support person reads what the VP shared with them.
    support = people.signed_in(supporter)
    support.goto("/o/acme/klachten/")
    support.locator(f"section[aria-labelledby=support-heading] a[href='{case_path}']").click()
    responses = support.locator("section[aria-labelledby=responses-heading]")
    expect(responses).to_contain_text("gesprek gehaast")
    # Neither the private reflection nor the messages reach them.
    expect(support.locator("body")).not_to_contain_text("te weinig stilte")
    expect(support.locator("section[aria-labelledby=messages-heading]")).to_have_count(0)
    snap(support, request, "4-supporter")

    # --- The handler answers the review's four questions and decides.
    handler.reload()
    expect(handler.locator("section[aria-labelledby=responses-heading]")).to_contain_text(
        "gesprek gehaast"
    )
    expect(handler.locator("body")).not_to_contain_text("te weinig stilte")
    for question in ReviewQuestion.values:
        take_step(
            handler,
            "review-answer",
            question=question,
            answer="partly" if question == "options" else "yes",
            evidence=f"Gesprek met de vertrouwenspersoon en de aantekeningen ({question}).",
        )
    review = handler.locator("section[aria-labelledby=review-heading]")
    expect(review.locator("dt")).to_have_count(4)
    # The evidence reads as a line of text, not a narrow column of single words.
    assert box(review.locator("dd").last)["width"] > box(review)["width"] / 2
    take_step(
        handler,
        "decide",
        decision="partly_founded",
        reasons="De melder kreeg te weinig ruimte om het verhaal te doen.",
    )
    expect(handler.locator("main .lead .tag.state-decided")).to_be_visible()
    take_step(
        handler,
        "measure",
        kind="follow_up",
        description="Een nagesprek onder leiding van de coördinator van een ander team.",
        owner="HR",
        due_on=(timezone.localdate() + dt.timedelta(days=14)).isoformat(),
    )
    measures = handler.locator("section[aria-labelledby=measures-heading] tbody tr")
    expect(measures).to_have_count(1)
    measures.locator("input[name=measure-done-note]").fill("Gesprek gevoerd, goed verlopen.")
    with handler.expect_navigation():
        measures.locator("button[type=submit]").click()
    expect_saved(handler, "measure-done")
    expect(measures.locator("td").last).to_contain_text("✓")
    take_step(
        handler,
        "close",
        lessons="Vertrouwenspersonen nemen de tijd voor het eerste gesprek.",
    )
    expect(handler.locator("main .lead .tag.state-closed")).to_be_visible()
    expect(handler.locator("section.steps details")).not_to_have_count(0)  # messages stay open
    snap(handler, request, "5-handler-closed")

    # --- The VP reads the decision in writing.
    vp.reload()
    expect(vp.locator("main .lead .tag.state-closed")).to_be_visible()
    read_pdf(vp, letter_link(vp, dutch("Decision")), request, "decision-vp")

    # --- The complainant sees the outcome, the reply and the decision letter.
    complainant.reload()
    expect(complainant.locator("main .lead .tag.state-closed")).to_be_visible()
    expect(complainant.locator("section[aria-labelledby=messages-heading]")).to_contain_text(
        "Ja, dat mag"
    )
    expect(complainant.locator("section[aria-labelledby=decision-heading]")).to_contain_text(
        "te weinig ruimte"
    )
    # What stays between the VP and their supporter stays there.
    expect(complainant.locator("body")).not_to_contain_text("gesprek gehaast")
    expect(complainant.locator("body")).not_to_contain_text("te weinig stilte")
    expect(complainant.locator("body")).not_to_contain_text(supporter.get_full_name())
    read_pdf(complainant, letter_link(complainant, dutch("Decision")), request, "decision")

    complaint.refresh_from_db()
    assert complaint.state == "closed"
    assert complaint.decision == "partly_founded"


def box(locator: Locator) -> FloatRect:
    rect = locator.bounding_box()
    assert rect is not None, "not on the page"
    return rect
