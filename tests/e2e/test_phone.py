"""The pages on a phone: nothing wider than the screen, and keyboard users
reach the skip link first."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from hoeksteen.people.models import User
from hoeksteen.testing.factories import confirmed_totp, totp_now


def test_it_fits_the_pages_of_signing_in_on_a_phone(
    phone_page: Page,
    coordinator: User,
    colleague_vp: User,
    hr_handler: User,
    sign_in: Callable[..., None],
    submit_code: Callable[[Page, str], None],
    horizontal_overflow: Callable[[Page], int],
) -> None:
    page = phone_page
    device = confirmed_totp(coordinator)

    page.goto("/login/")
    assert horizontal_overflow(page) == 0

    sign_in(page, coordinator)
    expect(page).to_have_url(re.compile(r"/2fa/verify/"))
    assert horizontal_overflow(page) == 0
    submit_code(page, totp_now(device))

    # The coordinator's organisation page is the widest there is: a table of
    # people, the teams and the regulation's facts.
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    expect(page.locator("section[aria-labelledby=coordinator-heading] table")).to_be_visible()
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize(
    "where",
    [
        "login",
        "organisation",
    ],
)
def test_it_offers_the_skip_link_first_on_a_phone(
    phone_page: Page, complainant: User, sign_in: Callable[..., None], where: str
) -> None:
    page = phone_page
    if where == "login":
        page.goto("/login/")
    else:
        sign_in(page, complainant)
        expect(page).to_have_url(re.compile(r"/o/acme/$"))
    skip_link = page.locator("a.skip-link")
    expect(skip_link).not_to_be_in_viewport()  # out of sight until focused

    page.keyboard.press("Tab")

    # Focus moves before the key press returns; no need to wait long for it.
    expect(skip_link).to_be_focused(timeout=2_000)
    expect(skip_link).to_be_in_viewport(ratio=1)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
