"""The language switch in the page header."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from hoeksteen.people.models import User


def _switch_to(page: Page, language: str) -> None:
    page.locator("#language-select").select_option(language)
    page.locator(".language-switch button[type=submit]").click()


def test_it_switches_the_page_to_english_and_back_to_dutch(
    page: Page, complainant: User, sign_in: Callable[..., None], dutch: Callable[[str], str]
) -> None:
    html = page.locator("html")
    heading = page.locator("#regulation-heading")
    sign_in(page, complainant)
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    expect(html).to_have_attribute("lang", "nl")

    _switch_to(page, "en")

    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/o/acme/$"))  # the switch stays on the page
    expect(heading).to_have_text("Complaints about a confidential adviser")
    expect(page.locator("main .lead .tag")).to_have_text(["Employee"])
    expect(page.locator("#language-select")).to_have_value("en")
    page.reload()
    expect(html).to_have_attribute("lang", "en")

    _switch_to(page, "nl")

    expect(html).to_have_attribute("lang", "nl")
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    expect(heading).to_have_text(dutch("Complaints about a confidential adviser"))
    expect(page.locator("#language-select")).to_have_value("nl")
