"""Prevention and quality in the browser: the public regulation page, a
checklist and the dashboard, each without WCAG 2.1 AA violations."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import User
from hoeksteen.testing.factories import confirmed_totp, totp_now

Axe = Callable[[Page], list[dict[str, object]]]


def test_it_publishes_the_regulation_to_anyone_accessibly(
    page: Page, live_server: object, acme: Organisation, subject_vp: User, other_vp: User, axe: Axe
) -> None:
    ComplaintRegulation.objects.filter(organisation=acme).update(
        external_backup_vp="Bureau Extern, 010-1234567"
    )
    page.goto(f"{live_server.url}/o/acme/regeling/")  # type: ignore[attr-defined]
    main = page.locator("main")
    expect(main).to_contain_text(subject_vp.get_full_name())
    expect(main).to_contain_text("Bureau Extern")
    expect(page.locator("main a[href$='/o/acme/klacht/nieuw/']").first).to_be_visible()
    assert axe(page) == []


def test_it_lets_the_coordinator_fill_in_a_checklist_and_read_the_dashboard_accessibly(
    page: Page,
    live_server: object,
    coordinator: User,
    subject_vp: User,
    sign_in: Callable[..., None],
    submit_code: Callable[[Page, str], None],
    axe: Axe,
) -> None:
    device = confirmed_totp(coordinator)
    sign_in(page, coordinator)
    submit_code(page, totp_now(device))
    page.goto(f"{live_server.url}/o/acme/kwaliteit/")  # type: ignore[attr-defined]
    expect(page.locator("main h1")).to_be_visible()
    assert axe(page) == []
    page.goto(f"{live_server.url}/o/acme/kwaliteit/checklist/")  # type: ignore[attr-defined]
    assert axe(page) == []
    groups = page.locator("main form fieldset")
    expect(groups.first).to_be_visible()
    for index in range(groups.count()):
        group = groups.nth(index)
        if group.locator("input[type=radio]:checked").count() == 0:
            group.locator("input[type=radio]").first.check()
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".message-success, [role=status]").first).to_be_visible()
    assert axe(page) == []
