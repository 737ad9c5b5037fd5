"""The VP's own practice: a melding in the confidential log, a consent
confirmed in writing, and sharing only what that consent covers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from casework import expect_saved, read_pdf, snap, take_step
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from hoeksteen.people.models import User
from hoeksteen.practice.models import Melding, Sharing

REFUSAL = (
    "The melder has not agreed to share this with %(recipient)s as “%(form)s”. "
    "Even in general terms and without names, a case can be recognised. Ask the "
    "melder first, record their consent and have it confirmed in writing."
)


def _fact(page: Page, term: str) -> Locator:
    """The value (dd) next to a term (dt) in the melding's facts."""
    return (
        page.locator("dl.facts dt")
        .filter(has_text=re.compile(rf"^\s*{re.escape(term)}\s*$"))
        .locator("xpath=following-sibling::dd[1]")
    )


def test_it_keeps_a_melding_and_shares_only_what_the_melder_consented_to(
    page: Page,
    request: pytest.FixtureRequest,
    subject_vp: User,
    sign_in: Callable[..., None],
    dutch: Callable[[str], str],
) -> None:
    sign_in(page, subject_vp)
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    page.locator("main a[href='/o/acme/praktijk/']").click()
    expect(page.locator("main table")).to_have_count(0)  # an empty log

    # --- Register a melding; the role was explained in the first conversation.
    page.locator("main a[href='/o/acme/praktijk/nieuw/']").click()
    first_contact = timezone.localdate() - dt.timedelta(days=3)
    page.locator("#id_first_contact_on").fill(first_contact.isoformat())
    page.locator("#id_category").select_option(label="Pesten")
    page.locator("#id_contact_kind").select_option("in_person")
    page.locator("#id_melder_reference").fill("M-17")
    page.locator("#id_referral").select_option("none")
    page.locator("#id_notes").fill(
        "Wordt buitengesloten door twee collega's; wil eerst zelf praten."
    )
    page.locator("#id_role_explained").check()
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/o/acme/praktijk/\d+/$"))
    expect(page.locator("main .messages .message-success")).to_be_visible()
    expect(_fact(page, dutch("Role explained"))).to_contain_text("✓")
    expect(_fact(page, dutch("Reference"))).to_have_text("M-17")
    melding = Melding.objects.get()
    assert melding.role_explained_at is not None
    melding_path = f"/o/acme/praktijk/{melding.pk}/"

    # --- Record the melder's consent: HR may hear an anonymised description.
    take_step(
        page,
        "consent",
        recipient="hr",
        form="2",
        scope="Dat er op de afdeling wordt gepest, zonder namen of team.",
    )
    consents = page.locator("section[aria-labelledby=consent-heading] tbody tr")
    expect(consents).to_have_count(1)
    expect(consents).to_contain_text(dutch("waiting for the melder's confirmation"))
    letter = consents.locator(f"a[href^='{melding_path}toestemming/']")
    read_pdf(page, letter, request, "consent-confirmation")
    # The melder signs the printed confirmation; the VP records it.
    with page.expect_navigation():
        consents.locator(f"form[action='{melding_path}stap/confirm/'] button").click()
    expect_saved(page, "confirm")
    expect(consents).to_contain_text(dutch("in force"))
    snap(page, request, "1-consent-in-force")

    # --- Sharing more than consented (identifiable) is refused, on the page.
    share = page.locator("#step-share")
    share.locator("summary").click()
    share.locator("[name=share-recipient]").select_option("hr")
    share.locator("[name=share-form][value='3']").check()
    share.locator("[name=share-what]").fill("Een melding over pesten op de afdeling van M-17.")
    with page.expect_response(lambda r: r.url.endswith("/stap/share/")) as posted:
        share.locator("form button[type=submit]").click()
    assert posted.value.status == 400
    refusal = page.locator("#step-share [role=alert]")
    expect(refusal).to_have_text(
        dutch(REFUSAL) % {"recipient": dutch("HR"), "form": dutch("Identifiable, with my name")}
    )
    expect(page.locator("#step-share")).to_have_attribute("open", "")
    # What the VP typed is still there, to correct rather than retype.
    expect(share.locator("[name=share-what]")).to_have_value(re.compile("pesten op de afdeling"))
    assert not Sharing.objects.exists()
    snap(page, request, "2-sharing-refused")

    # --- The same, as an anonymised description, is what the melder allowed.
    take_step(
        page,
        "share",
        recipient="hr",
        form="2",
        what="Er wordt gepest op een afdeling; de melder wil eerst zelf in gesprek.",
    )
    shared = page.locator("section[aria-labelledby=share-heading] li")
    expect(shared).to_have_count(1)
    expect(shared).to_contain_text("de melder wil eerst zelf in gesprek")
    sharing = Sharing.objects.get()
    assert (sharing.recipient, sharing.form, sharing.consent.melding) == ("hr", 2, melding)

    # --- Back in the log, with the leaflet about the role to hand out.
    page.locator("main a[href='/o/acme/praktijk/']").first.click()
    row = page.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("M-17")
    expect(row).to_contain_text("✓")
    read_pdf(page, page.locator("main a[href='/o/acme/praktijk/folder/']"), request, "leaflet")
