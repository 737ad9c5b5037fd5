"""WCAG 2.1 AA on the pages people meet first, checked with axe-core."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User


def test_it_has_no_accessibility_violations_on_the_public_pages(
    page: Page,
    live_server: object,
    acme: Organisation,
    subject_vp: User,
    axe: Callable[[Page], list[dict[str, object]]],
) -> None:
    for path in ("/login/", "/o/acme/klacht/nieuw/", "/o/acme/mijn-klacht/"):
        page.goto(f"{live_server.url}{path}")  # type: ignore[attr-defined]
        assert axe(page) == [], path


def test_it_has_no_accessibility_violations_on_the_coordinators_organisation_page(
    page: Page,
    live_server: object,
    coordinator: User,
    colleague_vp: User,
    sign_in: Callable[..., None],
    submit_code: Callable[[Page, str], None],
    axe: Callable[[Page], list[dict[str, object]]],
) -> None:
    from hoeksteen.testing.factories import confirmed_totp, totp_now

    device = confirmed_totp(coordinator)
    sign_in(page, coordinator)
    submit_code(page, totp_now(device))
    page.wait_for_url("**/o/acme/")
    assert axe(page) == []
