"""The VP's practice pages: a form sent twice adds once, and what cannot be
undone (a withdrawn consent, an ended step-back) is asked about first."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice import actions
from hoeksteen.practice.models import Consent, Handover, Melding, MeldingCategory, Recipient
from hoeksteen.testing.factories import form_token_for

ALREADY_SENT = "This form was already sent, and it was saved once."


def _register_data(organisation: Organisation, client: Client) -> dict[str, object]:
    category = MeldingCategory.objects.filter(organisation=organisation).first()
    assert category is not None
    return {
        "first_contact_on": "2026-03-02",
        "category": category.pk,
        "contact_kind": "phone",
        "referral": "none",
        "melder_reference": "AB",
        "form_token": form_token_for(client),
    }


def test_it_registers_one_melding_when_the_form_is_sent_twice(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User
) -> None:
    client = login_as(subject_vp)
    data = _register_data(acme, client)

    first = client.post("/o/acme/praktijk/nieuw/", data)
    second = client.post("/o/acme/praktijk/nieuw/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Melding.objects.count() == 1
    assert (
        ALREADY_SENT in client.get(second["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_it_records_one_consent_when_the_form_is_sent_twice(
    login_as: Callable[[User], Client], melding: Melding, subject_vp: User
) -> None:
    client = login_as(subject_vp)
    data = {
        "consent-recipient": "hr",
        "consent-form": "2",
        "consent-scope": "Het signaal.",
        "form_token": form_token_for(client),
    }

    for _ in range(2):
        assert client.post(f"/o/acme/praktijk/{melding.pk}/stap/consent/", data).status_code == 302

    assert melding.consents.count() == 1


def test_it_answers_a_second_handover_with_the_log_not_a_missing_page(
    login_as: Callable[[User], Client], melding: Melding, subject_vp: User, colleague_vp: User
) -> None:
    # After the first sending the melding is no longer the VP's: the second
    # must still be told calmly what happened.
    client = login_as(subject_vp)
    data = {
        "handover-successor": colleague_vp.pk,
        "handover-kind": "permanent",
        "handover-note": "Ik ga met pensioen.",
        "form_token": form_token_for(client),
    }
    url = f"/o/acme/praktijk/{melding.pk}/stap/handover/"

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == "/o/acme/praktijk/"
    assert Handover.objects.count() == 1


def _consent(melding: Melding, subject_vp: User) -> Consent:
    consent = actions.consent_record(
        melding=melding, actor=subject_vp, recipient=Recipient.HR, form=2, scope="Het signaal."
    )
    return actions.consent_confirm_by_letter(consent=consent, actor=subject_vp)


def test_it_asks_before_recording_that_the_melder_withdrew_a_consent(
    login_as: Callable[[User], Client], melding: Melding, subject_vp: User
) -> None:
    consent = _consent(melding, subject_vp)
    client = login_as(subject_vp)
    url = f"/o/acme/praktijk/{melding.pk}/stap/withdraw/"
    token = form_token_for(client)

    asked = client.post(
        url, {"withdraw-id": consent.pk, "form_token": token}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Record that the melder withdrew this consent?" in page
    assert 'name="confirmed" value="yes"' in page
    assert f'name="withdraw-id" value="{consent.pk}"' in page
    assert f'name="form_token" value="{token}"' in page
    consent.refresh_from_db()
    assert consent.is_in_force

    done = client.post(url, {"withdraw-id": consent.pk, "form_token": token, "confirmed": "yes"})

    assert done.status_code == 302
    consent.refresh_from_db()
    assert not consent.is_in_force


def test_it_asks_before_ending_a_temporary_step_back(
    login_as: Callable[[User], Client], melding: Melding, subject_vp: User, colleague_vp: User
) -> None:
    handover = actions.handover_start(
        melding=melding,
        actor=subject_vp,
        successor_id=colleague_vp.pk,
        kind="temporary",
        note="Tijdens de klacht over mij.",
    )
    client = login_as(subject_vp)
    url = f"/o/acme/praktijk/overdracht/{handover.pk}/einde/"

    asked = client.post(url, HTTP_ACCEPT_LANGUAGE="en")

    assert asked.status_code == 200
    assert "End the temporary step-back?" in asked.content.decode()
    handover.refresh_from_db()
    assert handover.ended_at is None

    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    handover.refresh_from_db()
    assert handover.ended_at is not None


def test_it_steps_back_once_and_says_so_when_the_form_is_sent_twice(
    login_as: Callable[[User], Client], melding: Melding, subject_vp: User, colleague_vp: User
) -> None:
    client = login_as(subject_vp)
    data = {
        "stepback-successor": colleague_vp.pk,
        "stepback-note": "Tijdens de klacht over mij.",
        "form_token": form_token_for(client),
    }

    first = client.post("/o/acme/praktijk/terugtreden/", data)
    second = client.post("/o/acme/praktijk/terugtreden/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert first.status_code == second.status_code == 302
    assert Handover.objects.count() == 1
    page = client.get(second["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ALREADY_SENT in page
    assert "0 meldingen" not in page
