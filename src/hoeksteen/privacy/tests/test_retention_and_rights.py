"""Retention purge, subject access, erasure and the processing register."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
import time_machine
from django.db.models import ForeignObjectRel, Model
from django.test import Client

from hoeksteen.audit.verify import verify_audit
from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.models import Complaint
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import IdentityProviderDevice, User
from hoeksteen.practice import actions as practice
from hoeksteen.practice.models import Consent, Handover, Melding, MeldingCategory, Sharing
from hoeksteen.privacy import actions as privacy
from hoeksteen.privacy import retention
from hoeksteen.privacy.models import RetainedMeldingCount
from hoeksteen.privacy.retention import purge_expired
from hoeksteen.testing.factories import MembershipFactory, UserFactory
from hoeksteen.testing.mail import queued_to

T0 = dt.datetime(2024, 1, 15, 10, 0, tzinfo=dt.UTC)


def _closed_complaint(
    acme: Organisation, complainant: User, hr_handler: User, make: Callable[..., ComplaintInput]
) -> Complaint:
    complaint = actions.complaint_submit(
        organisation=acme, acting_user=complainant, anonymous=False, data=make()
    ).complaint
    complaint = actions.complaint_acknowledge(complaint=complaint, actor=Actor(user=hr_handler))
    return actions.complaint_declare_not_admissible(
        complaint=complaint, actor=Actor(user=hr_handler), reasons="Buiten de regeling."
    )


def _closed_melding(acme: Organisation, vp: User, closed_on: dt.date) -> Melding:
    category = MeldingCategory.objects.filter(organisation=acme).first()
    assert category is not None
    melding = practice.melding_register(
        organisation=acme,
        actor=vp,
        data=practice.MeldingInput(
            first_contact_on=closed_on - dt.timedelta(days=10),
            category_id=category.pk,
            contact_kind="phone",
        ),
        now=dt.datetime.combine(closed_on, dt.time(12), tzinfo=dt.UTC),
    )
    return practice.melding_close(
        melding=melding,
        actor=vp,
        outcome="heard",
        closed_on=closed_on,
        now=dt.datetime.combine(closed_on, dt.time(13), tzinfo=dt.UTC),
    )


def test_it_purges_exactly_what_expired_keeps_the_counts_and_the_audit_chain(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    coordinator: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    with time_machine.travel(T0, tick=False):
        old_complaint = _closed_complaint(acme, complainant, hr_handler, complaint_about)
    with time_machine.travel(T0 + dt.timedelta(days=400), tick=False):
        recent_complaint = _closed_complaint(acme, complainant, hr_handler, complaint_about)
    old_melding = _closed_melding(acme, subject_vp, dt.date(2024, 2, 1))
    recent_melding = _closed_melding(acme, subject_vp, dt.date(2025, 6, 1))

    # Two years after the first complaint's closure, a year after the first melding's.
    now = T0 + dt.timedelta(days=731)
    report = purge_expired(now=now)

    assert report[acme.pk].complaints == 1
    assert report[acme.pk].meldingen == 1
    assert not Complaint.objects.filter(pk=old_complaint.pk).exists()
    assert Complaint.objects.filter(pk=recent_complaint.pk).exists()
    assert not Melding.objects.filter(pk=old_melding.pk).exists()
    assert Melding.objects.filter(pk=recent_melding.pk).exists()
    retained = RetainedMeldingCount.objects.get(organisation=acme)
    assert (retained.year, retained.quarter, retained.count) == (2024, 1, 1)
    assert verify_audit().broken is None
    assert queued_to(coordinator.email).filter(key__startswith="retention:").exists()
    assert purge_expired(now=now) == {}  # nothing more to do


def test_it_exports_everything_about_its_subject_and_nothing_about_anyone_else(
    login_as: Callable[[User], Client],
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    mine = actions.complaint_submit(
        organisation=acme,
        acting_user=complainant,
        anonymous=False,
        data=complaint_about(description="Mijn eigen verhaal."),
    ).complaint
    other = UserFactory(username="someone_else")
    MembershipFactory(organisation=acme, user=other)
    actions.complaint_submit(
        organisation=acme,
        acting_user=other,
        anonymous=False,
        data=complaint_about(description="Het verhaal van een ander."),
    )
    actions.complaint_submit(
        organisation=acme,
        acting_user=None,
        anonymous=True,
        data=complaint_about(description="Anoniem verhaal."),
    )
    response = login_as(complainant).get("/o/acme/mijn-gegevens/export.json")
    data = json.loads(response.content)
    text = response.content.decode()
    assert [c["reference"] for c in data["complaints_you_filed"]] == [mine.reference]
    assert "Mijn eigen verhaal." in text
    assert "Het verhaal van een ander." not in text
    assert "Anoniem verhaal." not in text
    assert data["account"]["username"] == "complainant"
    pdf = login_as(complainant).get("/o/acme/mijn-gegevens/export.pdf")
    assert pdf.content.startswith(b"%PDF")


def test_it_erases_a_person_only_when_no_retention_duty_applies(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    coordinator: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    actions.complaint_submit(
        organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
    )
    with pytest.raises(privacy.ErasureRefused):
        privacy.person_erase(
            organisation=acme, actor=coordinator, user=complainant, reason="Verzoek"
        )
    leaver = UserFactory(username="leaver")
    MembershipFactory(organisation=acme, user=leaver)
    IdentityProviderDevice.objects.create(user=leaver, name="identity provider")
    erasure = privacy.person_erase(
        organisation=acme, actor=coordinator, user=leaver, reason="Verzoek van betrokkene, art. 17"
    )
    leaver.refresh_from_db()
    assert leaver.username == f"erased-{leaver.pk}"
    assert not leaver.is_active
    assert not IdentityProviderDevice.objects.filter(user=leaver).exists()
    assert erasure.reason == "Verzoek van betrokkene, art. 17"
    with pytest.raises(privacy.ErasureRefused):
        privacy.person_erase(organisation=acme, actor=hr_handler, user=subject_vp, reason="x")


def test_it_shows_the_coordinator_a_register_generated_from_the_models(
    login_as: Callable[[User], Client], coordinator: User, hr_handler: User
) -> None:
    page = login_as(coordinator).get("/o/acme/privacy/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "what happened" in body  # Complaint.description's verbose name
    assert "730 days" in body
    assert login_as(hr_handler).get("/o/acme/privacy/").status_code == 404


def test_it_empties_audit_entries_past_their_term_and_the_chain_still_verifies(
    acme: Organisation,
    complainant: User,
    hr_handler: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    from hoeksteen.audit.models import AuditEntry
    from hoeksteen.privacy.retention import tombstone_audit_entries

    with time_machine.travel(T0, tick=False):
        _closed_complaint(acme, complainant, hr_handler, complaint_about)
    with time_machine.travel(T0 + dt.timedelta(days=1000), tick=False):
        recent = _closed_complaint(acme, complainant, hr_handler, complaint_about)
    now = T0 + dt.timedelta(days=1826)
    with time_machine.travel(now, tick=False):
        emptied = tombstone_audit_entries(organisation_id=acme.pk, retention_days=1825, now=now)
        assert emptied > 0
        old = AuditEntry.objects.filter(organisation_id=acme.pk, tombstoned_at__isnull=False)
        assert set(old.values_list("action", flat=True)) == {"tombstone"}
        assert AuditEntry.objects.filter(
            object_id=str(recent.pk), action__startswith="complaint."
        ).exists()
        assert verify_audit().broken is None
        # Emptying a recent entry by hand is not a tombstone but tampering.
        AuditEntry.objects.filter(object_id=str(recent.pk)).update(
            action="tombstone", detail={}, tombstoned_at=now
        )
        broken = verify_audit().broken
        assert broken is not None
        assert "retention" in broken.reason


def _relations(model: type[Model]) -> set[tuple[str, str, str]]:
    """Every foreign key that points at `model` (also those without a reverse name)."""
    return {
        (r.related_model._meta.label, r.field.attname, r.on_delete.__name__)
        for r in model._meta.get_fields(include_hidden=True)
        if isinstance(r, ForeignObjectRel)
    }


def test_it_deletes_everything_that_hangs_on_a_purged_melding() -> None:
    # The purge deletes meldingen set-wise, table by table; a relation added
    # to the models later must be added to the purge too.
    handled = {(m._meta.label, column, "CASCADE") for m, column in retention.MELDING_CASCADE} | {
        (m._meta.label, column, "SET_NULL") for m, column in retention.MELDING_SET_NULL
    }

    assert _relations(Melding) == handled
    assert _relations(Sharing) == {("signals.QualitativeSignal", "sharing_id", "SET_NULL")}
    assert _relations(Consent) == {("practice.Sharing", "consent_id", "PROTECT")}
    assert _relations(Handover) == set()


def test_it_purges_a_melding_with_its_consents_and_sharings(
    acme: Organisation, subject_vp: User
) -> None:
    old = _closed_melding(acme, subject_vp, dt.date(2024, 2, 1))
    kept = _closed_melding(acme, subject_vp, dt.date(2025, 6, 1))
    for melding in (old, kept):
        consent = Consent.objects.create(
            organisation=acme,
            melding=melding,
            recipient="coordinator",
            form=1,
            scope="Alleen de afdeling.",
            recorded_at=T0,
        )
        Sharing.objects.create(
            organisation=acme,
            melding=melding,
            consent=consent,
            recipient="coordinator",
            form=1,
            what="Een patroon.",
            shared_at=T0,
            shared_by=subject_vp,
        )

    purge_expired(now=T0 + dt.timedelta(days=731))

    assert list(Consent.objects.values_list("melding_id", flat=True)) == [kept.pk]
    assert list(Sharing.objects.values_list("melding_id", flat=True)) == [kept.pk]
    assert list(Melding.objects.values_list("pk", flat=True)) == [kept.pk]
    assert RetainedMeldingCount.objects.get(organisation=acme).count == 1


def test_it_adds_later_purges_to_the_counts_already_kept(
    acme: Organisation, subject_vp: User
) -> None:
    _closed_melding(acme, subject_vp, dt.date(2024, 2, 1))
    _closed_melding(acme, subject_vp, dt.date(2024, 3, 1))  # the same quarter and category

    purge_expired(now=dt.datetime(2025, 2, 15, tzinfo=dt.UTC))
    purge_expired(now=dt.datetime(2025, 3, 15, tzinfo=dt.UTC))

    retained = RetainedMeldingCount.objects.get(organisation=acme)
    assert (retained.year, retained.quarter, retained.count) == (2024, 1, 2)
