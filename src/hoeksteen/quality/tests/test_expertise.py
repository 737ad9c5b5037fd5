"""Intervision, training and LVV registration: the VP's own, the coordinator's
overview, the norm and the expiry reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from html import escape

import pytest
from django.test import Client

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.quality import actions
from hoeksteen.quality.jobs import remind_lvv_expiry
from hoeksteen.quality.models import LVVRegistration, RecertificationNorm, TrainingRecord
from hoeksteen.quality.tests.conftest import NOW
from hoeksteen.testing.factories import form_token_for
from hoeksteen.testing.mail import queued_to

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def _record(
    organisation: Organisation, vp: User, kind: str = "intervision", hours: str = "3"
) -> TrainingRecord:
    return actions.training_record_add(
        organisation=organisation,
        acting_user=vp,
        data=actions.TrainingInput(
            kind=kind,
            hours=Decimal(hours),
            attended_on=dt.date(2026, 5, 12),
            description="Intervisiegroep Noord, casus over rolgrenzen",
        ),
    )


def test_it_keeps_a_vps_records_from_other_vps(
    login_as: Callable[[User], Client],
    acme: Organisation,
    subject_vp: User,
    other_vp: User,
    coordinator: User,
) -> None:
    record = _record(acme, subject_vp)
    url = f"/o/acme/kwaliteit/deskundigheid/{record.pk}/"
    assert login_as(subject_vp).get(url).status_code == 200
    other = login_as(other_vp)
    assert other.get(url).status_code == 404
    assert other.post(url + "verwijderen/").status_code == 404
    assert (
        "Intervisiegroep Noord"
        not in other.get("/o/acme/kwaliteit/deskundigheid/").content.decode()
    )
    # The coordinator follows the hours, not the descriptions, and changes nothing.
    assert login_as(coordinator).get(url).status_code == 404
    assert TrainingRecord.objects.filter(pk=record.pk).exists()


def test_it_lets_a_vp_record_hours_and_see_their_progress(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User
) -> None:
    client = login_as(subject_vp)
    response = client.post(
        "/o/acme/kwaliteit/deskundigheid/",
        {
            "add-kind": "training",
            "add-hours": "6.5",
            "add-attended_on": "2026-05-20",
            "add-description": "Training gespreksvoering",
            "form_token": form_token_for(client),
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/o/acme/kwaliteit/deskundigheid/lvv/",
        {"lvv-registered_on": "2024-01-01", "lvv-certificate_expires_on": "2028-01-01"},
    )
    assert response.status_code == 302
    page = client.get("/o/acme/kwaliteit/deskundigheid/").content.decode()
    assert "Training gespreksvoering" in page
    assert "6.5" in page
    assert "Hours in the cycle from 1 January 2024 to 1 January 2028" in page
    # No intervision in the last year, and training behind: needs attention.
    assert "status-amber" in page
    assert "Needs attention" in page


def test_it_refuses_hours_in_the_future(acme: Organisation, subject_vp: User) -> None:
    with pytest.raises(actions.QualityError):
        actions.training_record_add(
            organisation=acme,
            acting_user=subject_vp,
            data=actions.TrainingInput(
                kind="training", hours=Decimal(2), attended_on=dt.date(2026, 7, 1), description="x"
            ),
        )


def test_it_shows_the_coordinator_hours_per_vp_but_no_descriptions(
    login_as: Callable[[User], Client],
    acme: Organisation,
    subject_vp: User,
    other_vp: User,
    coordinator: User,
) -> None:
    _record(acme, subject_vp, hours="4")
    actions.lvv_registration_set(
        organisation=acme,
        acting_user=subject_vp,
        registered_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2028, 1, 1),
    )
    page = login_as(coordinator).get("/o/acme/kwaliteit/deskundigheid/overzicht/").content.decode()
    assert escape(subject_vp.get_full_name()) in page
    assert escape(other_vp.get_full_name()) in page
    assert "Intervision: 4 / 32" in page
    assert "Intervisiegroep" not in page
    assert login_as(subject_vp).get("/o/acme/kwaliteit/deskundigheid/overzicht/").status_code == 404


def test_it_lets_the_coordinator_set_the_norm_that_the_progress_uses(
    login_as: Callable[[User], Client], acme: Organisation, coordinator: User
) -> None:
    client = login_as(coordinator)
    data = {
        "norm-cycle_years": "4",
        "norm-total_hours": "80",
        "norm-training_hours": "30",
        "norm-intervision_hours": "32",
        "norm-other_hours": "16",
    }
    assert client.post("/o/acme/kwaliteit/deskundigheid/norm/", data).status_code == 302
    assert RecertificationNorm.objects.get(organisation=acme).training_hours == 30
    too_many = {**data, "norm-total_hours": "70"}
    assert client.post("/o/acme/kwaliteit/deskundigheid/norm/", too_many).status_code == 400
    assert RecertificationNorm.objects.get(organisation=acme).total_hours == 80


def test_it_uses_the_lvv_defaults_until_the_organisation_sets_a_norm(acme: Organisation) -> None:
    from hoeksteen.quality.selectors import norm_of

    norm = norm_of(organisation=acme)
    assert norm.pk is None
    assert (
        norm.cycle_years,
        norm.total_hours,
        norm.training_hours,
        norm.intervision_hours,
        norm.other_hours,
    ) == (
        4,
        72,
        24,
        32,
        16,
    )


def test_it_reminds_180_90_and_30_days_before_the_certificate_expires_once_each(
    acme: Organisation, subject_vp: User, coordinator: User
) -> None:
    actions.lvv_registration_set(
        organisation=acme,
        acting_user=subject_vp,
        registered_on=dt.date(2023, 1, 1),
        expires_on=dt.date(2027, 1, 1),
    )
    expiry = dt.datetime(2027, 1, 1, 9, tzinfo=dt.UTC)
    for days_before, expected in [
        (200, 0),
        (180, 1),
        (170, 1),
        (90, 2),
        (45, 2),
        (30, 3),
        (1, 3),
        (-5, 3),
    ]:
        remind_lvv_expiry(expiry - dt.timedelta(days=days_before))
        remind_lvv_expiry(expiry - dt.timedelta(days=days_before))
        assert queued_to(subject_vp.email).count() == expected, days_before
    assert queued_to(coordinator.email).count() == 3
    body = queued_to(coordinator.email).first().body  # type: ignore[union-attr]
    assert subject_vp.last_name not in body
    assert "/kwaliteit/deskundigheid/overzicht/" in body


def test_it_keeps_an_lvv_registration_consistent(
    acme: Organisation, subject_vp: User, coordinator: User
) -> None:
    with pytest.raises(actions.QualityError):
        actions.lvv_registration_set(
            organisation=acme,
            acting_user=subject_vp,
            registered_on=dt.date(2026, 1, 1),
            expires_on=dt.date(2025, 1, 1),
        )
    with pytest.raises(actions.QualityError):
        actions.lvv_registration_set(
            organisation=acme,
            acting_user=coordinator,
            registered_on=dt.date(2026, 1, 1),
            expires_on=dt.date(2030, 1, 1),
        )
    assert not LVVRegistration.objects.exists()
