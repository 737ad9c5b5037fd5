"""Signing in and out through the login form, with and without a second step."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from django_otp.oath import totp
from playwright.sync_api import Locator, Page, expect

from hoeksteen.core.demo import DEMO_PASSWORD, DEMO_SLUG, demo_totp_code, load_demo
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import Role, User
from hoeksteen.testing.factories import confirmed_totp, totp_now

ORGANISATION_PAGE = re.compile(r"/o/acme/$")


def _fact(page: Page, term: str) -> Locator:
    """The value (dd) next to a term (dt) in the regulation's facts."""
    term_pattern = re.compile(rf"^\s*{re.escape(term)}\s*$")
    return (
        page.locator("dl.facts dt")
        .filter(has_text=term_pattern)
        .locator("xpath=following-sibling::dd[1]")
    )


def test_it_signs_an_employee_in_to_their_organisation_and_out_again(
    page: Page, complainant: User, sign_in: Callable[..., None], dutch: Callable[[str], str]
) -> None:
    sign_in(page, complainant)

    expect(page).to_have_url(ORGANISATION_PAGE)
    expect(page.locator("main h1")).to_have_text("Acme")
    expect(page.locator("main .lead .tag")).to_have_text([dutch(Role.EMPLOYEE.label)])
    expect(page.locator("nav a[aria-current=page]")).to_have_text("Acme")
    # An employee configures nothing and sees no one else's role.
    expect(page.locator("#coordinator-heading")).to_have_count(0)

    page.locator("form[action='/logout/'] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("nav a[href='/o/acme/']")).to_have_count(0)
    page.goto("/o/acme/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/o/acme/"]


def test_it_keeps_a_wrong_password_on_the_login_page_with_an_error(
    page: Page, complainant: User, sign_in: Callable[..., None]
) -> None:
    sign_in(page, complainant, password="wrong horse battery staple")

    error = page.locator("main [role=alert].message-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator("#id_username")).to_have_value("complainant")
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.locator("form[action='/logout/']")).to_have_count(0)


def test_it_asks_a_coordinator_for_a_second_step_and_lets_them_change_the_regulation(
    page: Page,
    acme: Organisation,
    coordinator: User,
    subject_vp: User,
    colleague_vp: User,
    hr_handler: User,
    sign_in: Callable[..., None],
    submit_code: Callable[[Page, str], None],
    dutch: Callable[[str], str],
) -> None:
    device = confirmed_totp(coordinator)

    sign_in(page, coordinator)
    expect(page).to_have_url(re.compile(r"/2fa/verify/\?next="))
    submit_code(page, totp_now(device))

    expect(page).to_have_url(ORGANISATION_PAGE)
    function = page.locator("section[aria-labelledby=coordinator-heading]")
    people = function.locator("table tbody tr")
    expect(people).to_have_count(4)  # the employees are not listed
    for person in (coordinator, subject_vp, colleague_vp, hr_handler):
        expect(people.filter(has_text=str(person))).to_have_count(1)
    expect(function).to_contain_text(re.compile(r"North\s*:"))
    acknowledgment = _fact(page, dutch("Written acknowledgment"))
    expect(acknowledgment).to_have_text(re.compile(r"\b7\b"))

    function.locator("a[href='/admin/']").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.locator("tr.model-complaintregulation th a").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list tbody tr th a").click()
    page.locator("#id_acknowledgment_days").fill("5")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.locator("#user-tools a[href='/']").click()  # "View site"
    expect(page).to_have_url(ORGANISATION_PAGE)
    expect(acknowledgment).to_have_text(re.compile(r"\b5\b"))
    assert ComplaintRegulation.objects.get(organisation=acme).acknowledgment_days == 5


def test_it_sends_a_new_handler_to_set_up_an_authenticator(
    page: Page,
    hr_handler: User,
    sign_in: Callable[..., None],
    submit_code: Callable[[Page, str], None],
) -> None:
    sign_in(page, hr_handler)

    expect(page).to_have_url(re.compile(r"/2fa/setup/\?next="))
    expect(page.locator("img.qr")).to_be_visible()
    secret = page.locator(".secret")
    expect(secret).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$"))
    key = secret.inner_text().replace(" ", "")
    key += "=" * (-len(key) % 8)

    submit_code(page, f"{totp(base64.b32decode(key)):06d}")

    codes = page.locator("ul.codes li")
    expect(codes).to_have_count(10)
    expect(codes.first).to_have_text(re.compile(r"^[a-z2-9]{5}-[a-z2-9]{5}$"))
    page.locator("main a.button").click()
    expect(page).to_have_url(ORGANISATION_PAGE)
    expect(page.locator("main .lead .tag")).to_have_count(1)


def test_it_lets_the_demo_coordinator_sign_in_with_the_documented_password_and_code(
    page: Page, sign_in: Callable[..., None], submit_code: Callable[[Page, str], None]
) -> None:
    load_demo()

    sign_in(page, "coordinator", password=DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/2fa/verify/"))
    submit_code(page, demo_totp_code("coordinator"))

    expect(page).to_have_url(re.compile(rf"/o/{DEMO_SLUG}/$"))
    expect(page.locator("section[aria-labelledby=coordinator-heading] tbody tr")).not_to_have_count(
        0
    )
