"""The coordinator's signals page: a suppressed table and its chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from playwright.sync_api import Page, expect

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice.models import Melding, MeldingCategory
from hoeksteen.testing.factories import confirmed_totp, totp_now


def test_it_shows_the_coordinator_the_signals_with_small_counts_hidden_and_a_chart(
    page: Page,
    live_server: object,
    acme: Organisation,
    coordinator: User,
    subject_vp: User,
    sign_in: Callable[..., None],
    submit_code: Callable[[Page, str], None],
    axe: Callable[[Page], list[dict[str, object]]],
) -> None:
    year = timezone.localdate().year - 1
    categories = list(MeldingCategory.objects.filter(organisation=acme))
    # Twelve, nine and two: the two is hidden, and so is the nine, else the
    # two would follow from the total.
    Melding.objects.bulk_create(
        Melding(
            organisation=acme,
            holder=subject_vp,
            registered_by=subject_vp,
            first_contact_on=dt.date(year, 1 + (n % 12), 10),
            category=categories[0] if n < 12 else categories[1] if n < 21 else categories[2],
            contact_kind="in_person",
            created_at=timezone.now(),
        )
        for n in range(23)
    )
    device = confirmed_totp(coordinator)
    sign_in(page, coordinator)
    submit_code(page, totp_now(device))
    page.goto(f"{live_server.url}/o/acme/signalen/?year={year}&granularity=year")  # type: ignore[attr-defined]
    table = page.locator("main table").first
    expect(table).to_contain_text("12")
    expect(table.locator("td", has_text="9")).to_have_count(0)
    expect(
        table.locator("td", has_text="2").filter(has_not_text="12").filter(has_not_text="23")
    ).to_have_count(0)
    chart = page.locator("main img").first
    expect(chart).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", chart.element_handle()) > 0
    assert axe(page) == []
    csv = page.request.get(f"{live_server.url}/o/acme/signalen/tabel.csv?year={year}")  # type: ignore[attr-defined]
    assert csv.ok
    assert ",2\n" not in csv.text()
    assert ",9\n" not in csv.text()
