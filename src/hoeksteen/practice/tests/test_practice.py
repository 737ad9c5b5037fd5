"""The VP's practice: the melding stays with the VP, consent governs sharing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from hoeksteen.access import policy
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice import actions
from hoeksteen.practice.models import ConsentForm, Melding, Recipient
from hoeksteen.testing.factories import MembershipFactory, UserFactory, form_token_for


def test_it_lets_only_the_vp_who_holds_it_read_a_melding(
    login_as: Callable[[User], Client],
    melding: Melding,
    subject_vp: User,
    colleague_vp: User,
    coordinator: User,
    hr_handler: User,
    outsider: User,
) -> None:
    url = f"/o/acme/praktijk/{melding.pk}/"
    assert login_as(subject_vp).get(url).status_code == 200
    for person in (colleague_vp, coordinator, hr_handler, outsider):
        assert not policy.visible_to(person, Melding).exists()
        assert login_as(person).get(url).status_code == 404


def test_it_keeps_meldingen_out_of_the_admin_even_for_the_platform_administrator(
    login_as: Callable[[User], Client], melding: Melding
) -> None:
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = login_as(admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/practice/melding/").status_code == 404
    assert not policy.visible_to(admin, Melding).exists()


def test_it_stops_the_casus_a_vp_discussing_a_melding_in_general_terms_with_hr(
    melding: Melding, subject_vp: User
) -> None:
    """Seed, "Casus: een klacht over schending van vertrouwelijkheid"."""
    with translation.override("en"), pytest.raises(actions.ConsentMissing) as refused:
        actions.sharing_record(
            melding=melding,
            actor=subject_vp,
            recipient=Recipient.HR,
            form=ConsentForm.ANONYMISED,
            what="In algemene zin, zonder namen: er speelt iets op de afdeling.",
        )
    assert "general terms" in refused.value.message
    assert not melding.sharings.exists()


def test_it_shares_only_what_a_confirmed_consent_covers_and_nothing_after_withdrawal(
    melding: Melding, subject_vp: User
) -> None:
    consent = actions.consent_record(
        melding=melding,
        actor=subject_vp,
        recipient=Recipient.HR,
        form=ConsentForm.ANONYMISED,
        scope="Dat er op de afdeling grensoverschrijdend gedrag speelt.",
    )
    share = {"melding": melding, "actor": subject_vp, "recipient": Recipient.HR, "what": "Signaal."}
    with pytest.raises(actions.ConsentMissing):  # recorded, not yet confirmed in writing
        actions.sharing_record(form=ConsentForm.ANONYMISED, **share)  # type: ignore[arg-type]
    actions.consent_confirm_by_letter(consent=consent, actor=subject_vp)
    actions.sharing_record(form=ConsentForm.AGGREGATE, **share)  # type: ignore[arg-type]
    actions.sharing_record(form=ConsentForm.ANONYMISED, **share)  # type: ignore[arg-type]
    with pytest.raises(actions.ConsentMissing):  # a wider form than consented
        actions.sharing_record(form=ConsentForm.IDENTIFIABLE, **share)  # type: ignore[arg-type]
    with pytest.raises(actions.ConsentMissing):  # another recipient
        actions.sharing_record(
            melding=melding,
            actor=subject_vp,
            recipient=Recipient.MANAGER,
            form=ConsentForm.AGGREGATE,
            what="x",
        )
    actions.consent_withdraw(consent=consent, actor=subject_vp)
    with pytest.raises(actions.ConsentMissing):
        actions.sharing_record(form=ConsentForm.AGGREGATE, **share)  # type: ignore[arg-type]
    assert melding.sharings.count() == 2


def test_it_lets_the_melder_confirm_and_withdraw_in_the_portal_without_reading_the_notes(
    login_as: Callable[[User], Client], acme: Organisation, melding: Melding, subject_vp: User
) -> None:
    melder = UserFactory(username="melder")
    MembershipFactory(organisation=acme, user=melder)
    actions.melding_link_melder_account(melding=melding, actor=subject_vp, username="melder")
    consent = actions.consent_record(
        melding=melding, actor=subject_vp, recipient=Recipient.HR, form=2, scope="Het signaal."
    )
    client = login_as(melder)
    page = client.get("/o/acme/mijn-toestemmingen/").content.decode()
    assert "Het signaal." in page
    assert "leidinggevende" not in page  # the VP's notes stay with the VP
    assert client.get(f"/o/acme/praktijk/{melding.pk}/").status_code == 404
    client.post("/o/acme/mijn-toestemmingen/", {"id": consent.pk, "do": "confirm"})
    consent.refresh_from_db()
    assert consent.is_in_force
    asked = client.post("/o/acme/mijn-toestemmingen/", {"id": consent.pk, "do": "withdraw"})
    assert asked.status_code == 200
    consent.refresh_from_db()
    assert consent.is_in_force
    client.post(
        "/o/acme/mijn-toestemmingen/", {"id": consent.pk, "do": "withdraw", "confirmed": "yes"}
    )
    consent.refresh_from_db()
    assert not consent.is_in_force


def test_it_moves_access_with_a_handover_and_returns_it_when_a_temporary_one_ends(
    login_as: Callable[[User], Client], melding: Melding, subject_vp: User, colleague_vp: User
) -> None:
    handover = actions.handover_start(
        melding=melding,
        actor=subject_vp,
        successor_id=colleague_vp.pk,
        kind="temporary",
        note="Tijdens de klacht over mij.",
    )
    assert not policy.visible_to(subject_vp, Melding).exists()
    assert list(policy.visible_to(colleague_vp, Melding)) == [melding]
    url = f"/o/acme/praktijk/overdracht/{handover.pk}/einde/"
    response = login_as(subject_vp).post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert list(policy.visible_to(subject_vp, Melding)) == [melding]
    assert not policy.visible_to(colleague_vp, Melding).exists()


def test_it_hands_over_for_good_without_a_way_back(
    melding: Melding, subject_vp: User, colleague_vp: User
) -> None:
    handover = actions.handover_start(
        melding=melding, actor=subject_vp, successor_id=colleague_vp.pk, kind="permanent", note="x"
    )
    with pytest.raises(actions.PracticeError):
        actions.handover_end(handover=handover, actor=subject_vp)
    assert not policy.visible_to(subject_vp, Melding).exists()


def test_it_registers_a_melding_through_the_form_and_prints_the_leaflet_and_confirmation(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User
) -> None:
    client = login_as(subject_vp)
    category = acme_category(acme)
    response = client.post(
        "/o/acme/praktijk/nieuw/",
        {
            "first_contact_on": "2026-03-02",
            "category": category,
            "contact_kind": "phone",
            "referral": "none",
            "melder_reference": "AB",
            "role_explained": "on",
            "form_token": form_token_for(client),
        },
    )
    assert response.status_code == 302
    melding = Melding.objects.get()
    assert melding.role_explained_at is not None
    client.post(
        f"/o/acme/praktijk/{melding.pk}/stap/consent/",
        {
            "consent-recipient": "hr",
            "consent-form": "2",
            "consent-scope": "Het signaal.",
            "form_token": form_token_for(client),
        },
    )
    consent = melding.consents.get()
    letter = client.get(f"/o/acme/praktijk/{melding.pk}/toestemming/{consent.pk}/")
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    leaflet = client.get("/o/acme/praktijk/folder/")
    assert leaflet.content.startswith(b"%PDF")


def test_it_refuses_bad_input_with_a_message_and_saves_nothing(
    login_as: Callable[[User], Client],
    acme: Organisation,
    subject_vp: User,
    other_org: Organisation,
) -> None:
    client = login_as(subject_vp)
    foreign_category = other_org_category(other_org)
    response = client.post(
        "/o/acme/praktijk/nieuw/",
        {"first_contact_on": "2999-01-01", "category": foreign_category, "contact_kind": "phone"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Melding.objects.exists()


def acme_category(acme: Organisation) -> int:
    from hoeksteen.practice.models import MeldingCategory

    return MeldingCategory.objects.filter(organisation=acme).values_list("pk", flat=True)[0]


def other_org_category(organisation: Organisation) -> int:
    return acme_category(organisation)


def test_it_explains_a_consent_button_sent_without_a_valid_consent(
    login_as: Callable[[User], Client], melding: Melding, subject_vp: User
) -> None:
    # Found by tests/test_fuzz_forms.py: a 400 with no message anywhere on the page.
    client = login_as(subject_vp)
    for step in ("confirm", "withdraw"):
        response = client.post(
            f"/o/acme/praktijk/{melding.pk}/stap/{step}/",
            {f"{step}-id": "x", "form_token": form_token_for(client)},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400
        assert "Choose one of the consents of this melding." in response.content.decode()


def test_it_closes_a_melding_once_when_the_button_is_clicked_twice(
    login_as: Callable[[User], Client], melding: Melding, subject_vp: User
) -> None:
    # Found by tests/test_fuzz_forms.py: the second click closed it again, with a new date.
    from hoeksteen.audit.models import AuditEntry

    client = login_as(subject_vp)
    url = f"/o/acme/praktijk/{melding.pk}/stap/close/"
    first = client.post(
        url,
        {
            "close-outcome": "referred",
            "close-closed_on": "2026-03-03",
            "form_token": form_token_for(client),
        },
    )
    assert first.status_code == 302
    # Another form (a second tab): the step is refused for what it is.
    second = client.post(
        url,
        {
            "close-outcome": "heard",
            "close-closed_on": "2026-03-04",
            "form_token": form_token_for(client),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert second.status_code == 400
    assert "This melding is already closed." in second.content.decode()
    melding.refresh_from_db()
    assert (melding.outcome, str(melding.closed_on)) == ("referred", "2026-03-03")
    assert AuditEntry.objects.filter(action="melding.closed").count() == 1
