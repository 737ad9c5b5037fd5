"""Qualitative signals: drafts stay with their VP, a release needs confirmed warnings,
and a signal about one melding needs the melder's consent in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from hoeksteen.access import policy
from hoeksteen.audit.models import AuditEntry
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice import actions as practice
from hoeksteen.practice.models import (
    ConsentForm,
    Melding,
    MeldingCategory,
    Recipient,
    Sharing,
)
from hoeksteen.signals import actions, selectors
from hoeksteen.signals.models import QualitativeSignal
from hoeksteen.signals.tests.conftest import YEAR
from hoeksteen.signals.traceability import fingerprint
from hoeksteen.testing.factories import form_token_for

GENERAL = "Meer meldingen over werkdruk in de tweede helft van het jaar."


@pytest.fixture
def melding(acme: Organisation, subject_vp: User) -> Melding:
    category = MeldingCategory.objects.filter(organisation=acme).first()
    assert category is not None
    return practice.melding_register(
        organisation=acme,
        actor=subject_vp,
        data=practice.MeldingInput(
            first_contact_on=dt.date(YEAR, 3, 2),
            category_id=category.pk,
            contact_kind="in_person",
            melder_reference="J.K.",
        ),
    )


def write(
    author: User, organisation: Organisation, text: str = GENERAL, **kwargs: object
) -> QualitativeSignal:
    return actions.qualitative_signal_write(
        organisation=organisation,
        author=author,
        data=actions.SignalInput(year=YEAR, period="h2", text=text, **kwargs),  # type: ignore[arg-type]
    )


def release(signal: QualitativeSignal, author: User, *, confirm: bool = True) -> QualitativeSignal:
    """Release, confirming whatever warnings there are: the personas' names are random, and
    "Meer" at the start of a sentence is a name warning when someone is called Van der Meer."""
    confirmed = None
    if confirm:
        today = timezone.localdate()
        confirmed = fingerprint(selectors.signal_warnings(signal=signal, today=today))
    return actions.qualitative_signal_release(signal=signal, author=author, confirmed=confirmed)


def readers(signal: QualitativeSignal, *people: User) -> set[str]:
    return {
        person.username
        for person in people
        if policy.visible_to(person, QualitativeSignal).filter(pk=signal.pk).exists()
    }


def test_it_keeps_a_draft_with_its_author_and_shows_a_release_to_the_readers(
    acme: Organisation,
    subject_vp: User,
    colleague_vp: User,
    coordinator: User,
    hr_handler: User,
    outsider: User,
) -> None:
    signal = write(subject_vp, acme)
    everyone = (subject_vp, colleague_vp, coordinator, hr_handler, outsider)
    assert readers(signal, *everyone) == {"subject_vp"}

    release(signal, subject_vp)

    assert readers(signal, *everyone) == {"subject_vp", "colleague_vp", "coordinator"}
    assert AuditEntry.objects.filter(action="signal.released", object_id=str(signal.pk)).exists()
    with pytest.raises(actions.SignalError):
        release(signal, subject_vp)  # once released, it stays as it was


def test_it_lets_only_a_vp_write_and_only_the_author_release(
    acme: Organisation, subject_vp: User, colleague_vp: User, coordinator: User
) -> None:
    with pytest.raises(actions.SignalError):
        write(coordinator, acme)
    signal = write(subject_vp, acme)
    with pytest.raises(actions.SignalError):
        release(signal, colleague_vp)


def test_it_asks_the_vp_to_confirm_the_warnings_before_release(
    acme: Organisation, subject_vp: User, coordinator: User
) -> None:
    text = f"Gisteren sprak ik met {coordinator.last_name} over een melding."
    signal = write(subject_vp, acme, text)
    shown = selectors.signal_warnings(signal=signal, today=timezone.localdate())
    assert {w.kind.value for w in shown} >= {"name", "recent"}

    with pytest.raises(actions.SignalError, match="confirm"):
        release(signal, subject_vp, confirm=False)
    with pytest.raises(actions.SignalError, match="confirm"):
        actions.qualitative_signal_release(signal=signal, author=subject_vp, confirmed="stale")

    released = release(signal, subject_vp)
    assert released.is_released
    assert released.confirmed_warnings == len(shown)


def test_it_refuses_a_melding_of_someone_else(
    acme: Organisation, colleague_vp: User, melding: Melding
) -> None:
    with pytest.raises(actions.SignalError):
        write(colleague_vp, acme, melding_id=melding.pk)


def _consent(
    melding: Melding, vp: User, *, recipient: str, form: int, confirm: bool = True
) -> object:
    consent = practice.consent_record(
        melding=melding, actor=vp, recipient=recipient, form=form, scope="Anoniem, in grote lijnen."
    )
    if confirm:
        practice.consent_confirm_by_letter(consent=consent, actor=vp)
    return consent


@pytest.mark.parametrize(
    ("recipient", "form", "confirm"),
    [
        (Recipient.HR, ConsentForm.IDENTIFIABLE, True),  # someone else
        (Recipient.COORDINATOR, ConsentForm.AGGREGATE, True),  # too narrow
        (Recipient.COORDINATOR, ConsentForm.ANONYMISED, False),  # not confirmed in writing
    ],
)
def test_it_refuses_a_signal_about_one_melding_without_a_covering_consent(
    acme: Organisation,
    subject_vp: User,
    melding: Melding,
    recipient: str,
    form: int,
    confirm: bool,
) -> None:
    _consent(melding, subject_vp, recipient=recipient, form=form, confirm=confirm)
    signal = write(subject_vp, acme, melding_id=melding.pk)
    with pytest.raises(actions.SignalError, match="has not agreed"):
        release(signal, subject_vp)
    signal.refresh_from_db()
    assert not signal.is_released
    assert not Sharing.objects.filter(melding=melding).exists()


def test_it_releases_a_signal_about_one_melding_under_consent_and_records_the_sharing(
    acme: Organisation, subject_vp: User, coordinator: User, melding: Melding
) -> None:
    _consent(melding, subject_vp, recipient=Recipient.COORDINATOR, form=ConsentForm.ANONYMISED)
    signal = release(write(subject_vp, acme, melding_id=melding.pk), subject_vp)
    assert signal.is_released
    sharing = Sharing.objects.get(melding=melding)
    assert signal.sharing == sharing
    assert sharing.recipient == Recipient.COORDINATOR
    assert readers(signal, coordinator) == {"coordinator"}


def test_it_stops_the_release_when_the_consent_was_withdrawn(
    acme: Organisation, subject_vp: User, melding: Melding
) -> None:
    consent = _consent(
        melding, subject_vp, recipient=Recipient.COORDINATOR, form=ConsentForm.IDENTIFIABLE
    )
    signal = write(subject_vp, acme, melding_id=melding.pk)
    practice.consent_withdraw(consent=consent, actor=subject_vp)  # type: ignore[arg-type]
    with pytest.raises(actions.SignalError, match="has not agreed"):
        release(signal, subject_vp)


def test_it_takes_a_released_signal_back_from_view_when_the_consent_is_withdrawn(
    acme: Organisation, subject_vp: User, coordinator: User, melding: Melding
) -> None:
    consent = _consent(
        melding, subject_vp, recipient=Recipient.COORDINATOR, form=ConsentForm.ANONYMISED
    )
    signal = release(write(subject_vp, acme, melding_id=melding.pk), subject_vp)
    practice.consent_withdraw(consent=consent, actor=subject_vp)  # type: ignore[arg-type]
    assert readers(signal, coordinator, subject_vp) == {"subject_vp"}


# --- through the pages ---------------------------------------------------------


def test_it_walks_a_vp_from_draft_to_release_and_shows_the_coordinator_the_signal(
    login_as: Callable[[User], Client],
    acme: Organisation,
    subject_vp: User,
    coordinator: User,
) -> None:
    client = login_as(subject_vp)
    assert client.get("/o/acme/signalen/schrijven/").status_code == 200
    text = f"Vorige week: {coordinator.first_name} kreeg opnieuw vragen over werkdruk."
    response = client.post(
        "/o/acme/signalen/schrijven/",
        {
            "year": YEAR,
            "period": "year",
            "text": text,
            "melding": "",
            "form_token": form_token_for(client),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    signal = QualitativeSignal.objects.get(author=subject_vp)
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    shown = page.context["warnings"]
    assert any("recent, single event" in warning for warning in shown), shown
    assert any("name of someone in your organisation" in warning for warning in shown), shown
    confirmed = page.context["release_form"].initial["confirmed"]

    refused = client.post(
        f"/o/acme/signalen/signaal/{signal.pk}/vrijgeven/", {"confirmed": confirmed}
    )
    assert refused.status_code == 400
    released = client.post(
        f"/o/acme/signalen/signaal/{signal.pk}/vrijgeven/",
        {"confirmed": confirmed, "i_confirm": "on"},
    )
    assert released.status_code == 302

    coordinator_page = login_as(coordinator).get(f"/o/acme/signalen/?year={YEAR}")
    assert "kreeg opnieuw vragen over werkdruk" in coordinator_page.content.decode()


def test_it_keeps_the_writing_pages_to_vps_and_drafts_to_their_author(
    login_as: Callable[[User], Client],
    acme: Organisation,
    subject_vp: User,
    colleague_vp: User,
    coordinator: User,
) -> None:
    signal = write(subject_vp, acme)
    assert login_as(coordinator).get("/o/acme/signalen/schrijven/").status_code == 404
    assert login_as(coordinator).get(f"/o/acme/signalen/signaal/{signal.pk}/").status_code == 404
    other = login_as(colleague_vp)
    assert other.get(f"/o/acme/signalen/signaal/{signal.pk}/").status_code == 404
    assert other.post(f"/o/acme/signalen/signaal/{signal.pk}/vrijgeven/").status_code == 404
    signal.refresh_from_db()
    assert not signal.is_released


def test_it_says_why_a_released_signal_cannot_be_changed(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User
) -> None:
    # Found by tests/test_fuzz_forms.py: a change with an error answered 400 without a word.
    signal = actions.qualitative_signal_write(
        organisation=acme,
        author=subject_vp,
        data=actions.SignalInput(year=YEAR, period="year", text="Werkdruk."),
    )
    actions.qualitative_signal_release(signal=signal, author=subject_vp, confirmed=None)
    response = login_as(subject_vp).post(
        f"/o/acme/signalen/signaal/{signal.pk}/",
        {"year": YEAR, "period": "no such period", "text": "Anders."},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "This signal has been released and can no longer be changed." in (
        response.content.decode()
    )
