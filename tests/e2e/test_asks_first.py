"""What cannot be undone asks first, in the browser and without JavaScript:
a page that says what will happen, or a box to tick."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from casework import snap
from playwright.sync_api import Page, expect

from hoeksteen.complaints import actions as complaint_actions
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.models import Complaint
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice import actions
from hoeksteen.practice.models import Handover, MeldingCategory


def test_it_asks_before_ending_a_step_back_and_goes_back_on_no(
    page: Page,
    request: pytest.FixtureRequest,
    acme: Organisation,
    subject_vp: User,
    colleague_vp: User,
    sign_in: Callable[..., None],
    dutch: Callable[[str], str],
    axe: Callable[[Page], list[dict[str, object]]],
) -> None:
    category = MeldingCategory.objects.filter(organisation=acme).first()
    assert category is not None
    melding = actions.melding_register(
        organisation=acme,
        actor=subject_vp,
        data=actions.MeldingInput(
            first_contact_on=dt.date(2026, 3, 2),
            category_id=category.pk,
            contact_kind="in_person",
            melder_reference="M-1",
        ),
    )
    actions.handover_start(
        melding=melding,
        actor=subject_vp,
        successor_id=colleague_vp.pk,
        kind="temporary",
        note="Tijdens de klacht over mij.",
    )
    sign_in(page, subject_vp)
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/praktijk/")
    end = page.get_by_role("button", name=dutch("End and return the melding"))

    end.click()
    expect(page.locator("h1")).to_have_text(dutch("End the temporary step-back?"))
    assert axe(page) == []
    snap(page, request, "asked")
    page.get_by_role("link", name=dutch("No, go back")).click()
    expect(page).to_have_url(re.compile(r"/o/acme/praktijk/$"))
    assert Handover.objects.get().ended_at is None

    end.click()
    page.get_by_role("button", name=dutch("Yes, end it and return the melding")).click()
    expect(page).to_have_url(re.compile(r"/o/acme/praktijk/$"))
    expect(page.locator(".message")).to_contain_text(dutch("The temporary step-back has ended."))
    assert Handover.objects.get().ended_at is not None


def test_it_withdraws_a_complaint_only_with_the_box_ticked(
    page: Page,
    request: pytest.FixtureRequest,
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    sign_in: Callable[..., None],
    dutch: Callable[[str], str],
) -> None:
    complaint = complaint_actions.complaint_submit(
        organisation=acme,
        acting_user=complainant,
        anonymous=False,
        data=ComplaintInput(
            subject_vp_id=subject_vp.pk,
            category="not_heard",
            description="Ik voelde me niet gehoord.",
            desired_outcome="Een gesprek.",
            vp_may_read_description=False,
            vp_may_know_identity=False,
            language="nl",
        ),
    ).complaint
    sign_in(page, complainant)
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    page.goto(f"/o/acme/klachten/{complaint.uid}/")
    step = page.locator("#step-withdraw")
    step.locator("summary").click()

    step.get_by_role("button").click()
    expect(page.locator("#step-withdraw .errorlist")).to_have_text(
        dutch("Tick the box to confirm that you withdraw your complaint.")
    )
    assert Complaint.objects.get().state != "withdrawn"
    snap(page, request, "box-not-ticked")

    page.locator("#step-withdraw [name='withdraw-confirm']").check()
    page.locator("#step-withdraw").get_by_role("button").click()
    expect(page.locator(".message")).to_contain_text(dutch("Saved."))
    assert Complaint.objects.get().state == "withdrawn"
