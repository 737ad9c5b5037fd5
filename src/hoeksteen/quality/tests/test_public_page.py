"""The public regulation page: anyone, without signing in, in Dutch and English."""

from __future__ import annotations

import re
from html import escape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hoeksteen.organisations.models import ComplaintRegulation, Organisation, Route
from hoeksteen.people.models import Membership, User, VPKind


@pytest.fixture
def published(
    acme: Organisation, subject_vp: User, other_vp: User, hr_handler: User
) -> Organisation:
    Membership.objects.filter(organisation=acme, user=other_vp).update(lvv_registered=True)
    ComplaintRegulation.objects.filter(organisation=acme).update(
        external_backup_vp="Bureau Extern, 020-1234567", acknowledgment_days=5, decision_days=40
    )
    return acme


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_publishes_routes_terms_vps_lvv_and_the_way_in_without_sign_in(
    client: Client, published: Organisation, subject_vp: User, other_vp: User, language: str
) -> None:
    response = client.get(
        reverse("quality:regulation", args=[published.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    with translation.override(language):
        assert str(Route.HR.label) in page
        assert str(Route.MANAGEMENT.label) in page
        assert str(VPKind.INTERNAL.label) in page
        assert str(VPKind.EXTERNAL.label) in page
    # Names as the page writes them: escaped (a name may hold an apostrophe).
    subject_name, other_name = escape(subject_vp.get_full_name()), escape(other_vp.get_full_name())
    assert f"{subject_name} — " in page
    assert other_name in page
    assert 'id="lvv-complaints"' in page
    assert re.search(rf'id="lvv-registered">[^<]*{re.escape(other_name)}\.</p>', page)
    assert "Bureau Extern, 020-1234567" in page
    assert 'href="/o/acme/klacht/nieuw/"' in page
    assert "http://testserver/o/acme/klacht/nieuw/" in page
    # The terms come from this organisation's regulation.
    for days in ("5", "40", "70"):
        assert re.search(rf"\b{days}\b", page), days
    # The role description, newest version.
    assert "Ik onderneem niets zonder uw" in page


def test_it_tells_in_english_whom_to_complain_to_and_how_confidentiality_is_kept(
    client: Client, published: Organisation
) -> None:
    page = client.get("/o/acme/regeling/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for sentence in [
        "Every employee can file a complaint about a confidential adviser",
        "Never to the VP themselves, and never to a direct colleague of the VP.",
        "Within 5 days you receive a written acknowledgment",
        "A decision follows within 40 days of receipt",
        "Only the people who handle or investigate your complaint can read it.",
        "the VP keeps the support of colleagues and legal support",
    ]:
        assert sentence in page, sentence
    # Landmarks and headings for assistive technology.
    assert '<main id="main"' in page
    assert "<h1>" in page
    assert 'aria-labelledby="routes-heading"' in page


def test_it_says_so_when_no_vp_is_registered_with_the_lvv(
    client: Client, acme: Organisation, subject_vp: User
) -> None:
    page = client.get("/o/acme/regeling/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "None of the organisation's confidential advisers is registered with the LVV" in page
    assert 'id="lvv-complaints"' not in page
    assert 'id="lvv-registered"' not in page


def test_it_names_only_active_vps_and_no_one_else(
    client: Client, published: Organisation, colleague_vp: User, hr_handler: User, coordinator: User
) -> None:
    Membership.objects.filter(organisation=published, user=colleague_vp).update(is_active=False)
    page = client.get("/o/acme/regeling/").content.decode()
    for person in (colleague_vp, hr_handler, coordinator):
        assert escape(person.get_full_name()) not in page


def test_it_does_not_exist_for_an_unknown_organisation(client: Client, acme: Organisation) -> None:
    assert client.get("/o/nobody/regeling/").status_code == 404
