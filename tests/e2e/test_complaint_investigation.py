"""A complaint under the complainant's own name through an independent
investigation to closure, while the subject VP's direct colleague never
reaches it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from casework import People, expect_saved, letter_link, read_pdf, snap, status_of, take_step
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from hoeksteen.complaints.models import Complaint, Letter
from hoeksteen.people.models import User

CASE_PAGE = re.compile(r"/o/acme/klachten/[0-9a-f-]{36}/$")


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


def test_it_takes_a_named_complaint_through_an_independent_investigation_to_closure(
    page: Page,
    people: People,
    request: pytest.FixtureRequest,
    complainant: User,
    subject_vp: User,
    colleague_vp: User,
    hr_handler: User,
    committee: User,
    sign_in: Callable[..., None],
    dutch: Callable[[str], str],
) -> None:
    colleague = people.signed_in(colleague_vp)
    case_path = ""

    def colleague_cannot_reach_it() -> None:
        """Not the case, not one of its letters, not a line in their list."""
        assert status_of(colleague, case_path) == 404
        for letter in Letter.objects.all():
            response = colleague.request.get(f"{case_path}brief/{letter.pk}/")
            assert response.status == 404, (letter.kind, response.status)
        colleague.goto("/o/acme/klachten/")
        expect(colleague.locator("main")).to_be_visible()
        expect(colleague.locator(f"a[href='{case_path}']")).to_have_count(0)

    # --- An employee files under their own name, about boundary-crossing.
    sign_in(page, complainant)
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    page.locator("main a[href='/o/acme/klacht/nieuw/']").click()
    page.locator("#id_subject_vp").select_option(str(subject_vp.pk))
    page.locator("input[name=category][value=boundaries]").check()
    page.locator("#id_description").fill(
        "Na ons tweede gesprek stuurde de vertrouwenspersoon me 's avonds persoonlijke "
        "berichten via WhatsApp, ook toen ik vroeg daarmee te stoppen."
    )
    page.locator("#id_desired_outcome").fill("Dat dit niemand anders overkomt.")
    page.locator("#id_vp_may_read_description").check()
    expect(page.locator("#id_anonymous")).not_to_be_checked()
    expect(page.locator("#id_vp_may_know_identity")).not_to_be_checked()
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(CASE_PAGE)  # no receipt code: the account is the key
    case_path = urlsplit(page.url).path
    expect(page.locator("main .lead .tag.state-received")).to_be_visible()
    colleague_cannot_reach_it()

    # --- HR acknowledges and hands the case to an independent investigator.
    handler = people.signed_in(hr_handler, second_factor=True)
    handler.goto("/o/acme/klachten/")
    handler.locator(f"section[aria-labelledby=handled-heading] a[href='{case_path}']").click()
    expect(handler.locator("main dl.facts")).to_contain_text(complainant.get_full_name())
    take_step(handler, "acknowledge")
    colleague_cannot_reach_it()
    investigation = handler.locator("#step-investigation")
    # Boundary-crossing behaviour calls for an investigation, and the page says so.
    expect(investigation.locator(".help")).to_have_text(
        dutch(
            "Suggested: this kind of complaint (boundary-crossing behaviour or a breach of "
            "confidentiality) calls for an independent investigation."
        )
    )
    investigation.locator("summary").click()
    # Neither the subject VP nor their colleague can be chosen to investigate.
    options = investigation.locator("select[name=investigation-investigator] option")
    expect(options.filter(has_text=colleague_vp.get_full_name())).to_have_count(0)
    expect(options.filter(has_text=subject_vp.get_full_name())).to_have_count(0)
    take_step(
        handler,
        "investigation",
        reason="Mogelijke grensoverschrijding: een onafhankelijk onderzoek is nodig.",
        investigator=str(committee.pk),
    )
    expect(handler.locator("main .lead .tag.state-investigation")).to_be_visible()
    colleague_cannot_reach_it()

    # --- The committee member informs the VP and hears both sides.
    investigator = people.signed_in(committee, second_factor=True)
    investigator.goto("/o/acme/klachten/")
    cases = investigator.locator("section[aria-labelledby=handled-heading] tbody tr")
    expect(cases).to_have_count(1)
    cases.locator(f"a[href='{case_path}']").click()
    expect(investigator.locator("main dl.facts")).to_contain_text(committee.get_full_name())
    take_step(investigator, "inform-vp", confirm=True)
    colleague_cannot_reach_it()
    today = timezone.localdate().isoformat()
    take_step(
        investigator,
        "hearing",
        party="complainant",
        held_on=today,
        present="Klager, onderzoeker",
        record="De klager laat de berichten zien en vertelt hoe onveilig dat voelde.",
    )
    take_step(
        investigator,
        "hearing",
        party="vp",
        held_on=today,
        present="Vertrouwenspersoon, steunpersoon, onderzoeker",
        record="De vertrouwenspersoon erkent de berichten en zegt het contact bedoeld "
        "te hebben als steun.",
    )
    hearings = investigator.locator("section[aria-labelledby=hearings-heading] .panel")
    expect(hearings).to_have_count(2)
    expect(investigator.locator("#step-decide")).to_have_count(0)  # the handler decides
    snap(investigator, request, "1-investigator-heard-both")
    colleague_cannot_reach_it()

    # --- The handler decides, recording objectivity and transparency.
    handler.reload()
    expect(handler.locator("section[aria-labelledby=hearings-heading] .panel")).to_have_count(2)
    take_step(
        handler,
        "decide",
        decision="founded",
        reasons="Persoonlijk contact buiten de rol, ook na een verzoek te stoppen.",
        objectivity_note="Onderzocht door een extern commissielid zonder band met het team.",
        transparency_note="Beide partijen zijn gehoord en kregen het verslag te lezen.",
    )
    decision = handler.locator("section[aria-labelledby=decision-heading]")
    expect(decision).to_contain_text("extern commissielid")
    expect(decision).to_contain_text("kregen het verslag")
    colleague_cannot_reach_it()
    take_step(
        handler,
        "measure",
        kind="agreements",
        description="Afspraken over contact buiten de gesprekken, vastgelegd in het VP-beleid.",
        owner="Coördinator vertrouwenspersonen",
        due_on=(timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    )
    measure = handler.locator("section[aria-labelledby=measures-heading] tbody tr")
    measure.locator("input[name=measure-done-note]").fill("Vastgesteld in het overleg.")
    with handler.expect_navigation():
        measure.locator("button[type=submit]").click()
    expect_saved(handler, "measure-done")
    take_step(
        handler,
        "close",
        lessons="Vertrouwenspersonen houden contact binnen de afgesproken kanalen.",
    )
    expect(handler.locator("main .lead .tag.state-closed")).to_be_visible()
    snap(handler, request, "2-handler-closed")
    colleague_cannot_reach_it()

    # --- The complainant reads the decision; the VP's hearing is not theirs.
    page.goto("/o/acme/klachten/")
    page.locator(f"section[aria-labelledby=filed-heading] a[href='{case_path}']").click()
    expect(page.locator("main .lead .tag.state-closed")).to_be_visible()
    expect(page.locator("section[aria-labelledby=decision-heading]")).to_contain_text(
        "buiten de rol"
    )
    expect(page.locator("section[aria-labelledby=hearings-heading] .panel")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text("bedoeld te hebben als steun")
    expect(page.locator("body")).not_to_contain_text("extern commissielid")  # staff notes
    read_pdf(page, letter_link(page, dutch("Acknowledgment of receipt")), request, "ack")
    read_pdf(page, letter_link(page, dutch("Decision")), request, "decision")

    complaint = Complaint.objects.get()
    assert (complaint.state, complaint.decision) == ("closed", "founded")
    assert complaint.committee_member == committee
    assert complaint.complainant == complainant
