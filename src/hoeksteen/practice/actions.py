"""Every change to a VP's practice, each in one transaction with its audit entry."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoeksteen.access import policy
from hoeksteen.audit.actions import audit_record
from hoeksteen.core import clock
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import Membership, Role, User
from hoeksteen.practice.models import (
    Consent,
    ConsentForm,
    ContactKind,
    Department,
    Handover,
    HandoverKind,
    Melding,
    MeldingCategory,
    Outcome,
    Recipient,
    Referral,
    Sharing,
)


class PracticeError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class ConsentMissing(PracticeError):
    """Sharing that no confirmed, unwithdrawn consent covers."""


def _audit(melding: Melding, actor: User | None, action: str, **detail: str) -> None:
    audit_record(
        actor=actor,
        organisation_id=melding.organisation_id,
        action=action,
        target=melding,
        detail=detail or None,
    )


def _held(melding: Melding, actor: User) -> Melding:
    """The melding under a row lock, if `actor` holds it; PracticeError otherwise."""
    locked = Melding.objects.select_for_update().filter(pk=melding.pk, holder=actor).first()
    if locked is None:
        raise PracticeError(_("Only the VP who holds this melding can do this."))
    return locked


@dataclasses.dataclass(frozen=True)
class MeldingInput:
    first_contact_on: dt.date
    category_id: int
    contact_kind: str
    department_id: int | None = None
    melder_reference: str = ""
    referral: str = Referral.NONE
    notes: str = ""
    role_explained: bool = False


def _validate(organisation: Organisation, data: MeldingInput, *, now: dt.datetime) -> None:
    if data.first_contact_on > now.date():
        raise PracticeError(_("The date of the first conversation cannot lie in the future."))
    if not MeldingCategory.objects.filter(
        organisation=organisation, pk=data.category_id, is_active=True
    ).exists():
        raise PracticeError(_("Choose one of the categories."))
    if data.contact_kind not in ContactKind.values or data.referral not in Referral.values:
        raise PracticeError(_("Choose a kind of contact and a referral from the lists."))
    if (
        data.department_id is not None
        and not Department.objects.filter(organisation=organisation, pk=data.department_id).exists()
    ):
        raise PracticeError(_("Choose one of the departments, or none."))


def _first_conversation(data: MeldingInput) -> dt.datetime:
    """The role is explained in the first conversation: record it on that day."""
    return timezone.make_aware(dt.datetime.combine(data.first_contact_on, dt.time(12)))


@transaction.atomic
def melding_register(
    *, organisation: Organisation, actor: User, data: MeldingInput, now: dt.datetime | None = None
) -> Melding:
    """A VP registers a melding in their own log, with minimal personal data."""
    now = now or clock.now()
    if not policy.has_role(actor, organisation, Role.VP):
        raise PracticeError(_("Only a VP of this organisation keeps meldingen here."))
    _validate(organisation, data, now=now)
    melding = Melding.objects.create(
        organisation=organisation,
        holder=actor,
        registered_by=actor,
        first_contact_on=data.first_contact_on,
        category_id=data.category_id,
        contact_kind=data.contact_kind,
        department_id=data.department_id,
        melder_reference=data.melder_reference.strip(),
        referral=data.referral,
        notes=data.notes.strip(),
        role_explained_at=_first_conversation(data) if data.role_explained else None,
        created_at=now,
    )
    _audit(melding, actor, "melding.registered")
    return melding


@transaction.atomic
def melding_update(
    *, melding: Melding, actor: User, data: MeldingInput, now: dt.datetime | None = None
) -> Melding:
    now = now or clock.now()
    melding = _held(melding, actor)
    _validate(melding.organisation, data, now=now)
    melding.first_contact_on = data.first_contact_on
    melding.category_id = data.category_id
    melding.contact_kind = data.contact_kind
    melding.department_id = data.department_id
    melding.melder_reference = data.melder_reference.strip()
    melding.referral = data.referral
    melding.notes = data.notes.strip()
    if data.role_explained and melding.role_explained_at is None:
        melding.role_explained_at = _first_conversation(data)
    melding.save()
    _audit(melding, actor, "melding.updated")
    return melding


@transaction.atomic
def melding_close(
    *,
    melding: Melding,
    actor: User,
    outcome: str,
    closed_on: dt.date,
    now: dt.datetime | None = None,
) -> Melding:
    now = now or clock.now()
    melding = _held(melding, actor)
    if melding.closed_on is not None:
        # A second click on "close", or an old tab: the first closing stands.
        raise PracticeError(_("This melding is already closed."))
    if outcome not in Outcome.values or outcome == Outcome.OPEN:
        raise PracticeError(_("Choose how the melding ended."))
    if closed_on < melding.first_contact_on or closed_on > now.date():
        raise PracticeError(_("The closing date lies between the first conversation and today."))
    melding.outcome = outcome
    melding.closed_on = closed_on
    melding.save(update_fields=["outcome", "closed_on"])
    _audit(melding, actor, "melding.closed")
    return melding


@transaction.atomic
def melding_link_melder_account(*, melding: Melding, actor: User, username: str) -> Melding:
    """Link the melder's own account, so they can confirm consent in the portal."""
    melding = _held(melding, actor)
    melder = User.objects.filter(
        username=username,
        memberships__organisation_id=melding.organisation_id,
        memberships__is_active=True,
    ).first()
    if melder is None or melder.pk == actor.pk:
        raise PracticeError(_("No colleague with this user name was found in the organisation."))
    melding.melder_account = melder
    melding.save(update_fields=["melder_account"])
    _audit(melding, actor, "melding.melder_linked")
    return melding


@transaction.atomic
def consent_record(
    *,
    melding: Melding,
    actor: User,
    recipient: str,
    form: int,
    scope: str,
    now: dt.datetime | None = None,
) -> Consent:
    """Record what the melder allows to be shared; in force once confirmed in writing."""
    now = now or clock.now()
    melding = _held(melding, actor)
    if recipient not in Recipient.values or form not in ConsentForm.values:
        raise PracticeError(_("Choose with whom and in which form."))
    if not scope.strip():
        raise PracticeError(_("Write down what may be shared."))
    consent = Consent.objects.create(
        organisation_id=melding.organisation_id,
        melding=melding,
        recipient=recipient,
        form=form,
        scope=scope.strip(),
        recorded_at=now,
    )
    _audit(melding, actor, "consent.recorded", recipient=recipient, form=str(form))
    return consent


@transaction.atomic
def consent_confirm_by_letter(
    *, consent: Consent, actor: User, now: dt.datetime | None = None
) -> Consent:
    """The VP records that the melder signed the confirmation letter."""
    now = now or clock.now()
    melding = _held(consent.melding, actor)
    return _confirm(consent, melding, actor, via="letter", now=now)


@transaction.atomic
def consent_confirm_in_portal(
    *, consent: Consent, melder: User, now: dt.datetime | None = None
) -> Consent:
    """The melder confirms, signed in, a consent the VP recorded for them."""
    now = now or clock.now()
    melding = Melding.objects.select_for_update().get(pk=consent.melding_id)
    if melding.melder_account_id != melder.pk:
        raise PracticeError(_("Only the melder can confirm this."))
    return _confirm(consent, melding, melder, via="portal", now=now)


def _confirm(
    consent: Consent, melding: Melding, actor: User, *, via: str, now: dt.datetime
) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise PracticeError(_("This consent was withdrawn and cannot be confirmed."))
    if consent.confirmed_at is not None:
        raise PracticeError(_("This consent has already been confirmed."))
    consent.confirmed_at = now
    consent.confirmed_via = via
    consent.save(update_fields=["confirmed_at", "confirmed_via"])
    _audit(melding, actor, "consent.confirmed", via=via)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, actor: User, now: dt.datetime | None = None) -> Consent:
    """Withdrawn by the melder (in the portal) or recorded by the VP; stops all later sharing."""
    now = now or clock.now()
    melding = Melding.objects.select_for_update().get(pk=consent.melding_id)
    if actor.pk not in (melding.holder_id, melding.melder_account_id):
        raise PracticeError(_("Only the melder or their VP can withdraw this consent."))
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise PracticeError(_("This consent has already been withdrawn."))
    consent.withdrawn_at = now
    consent.save(update_fields=["withdrawn_at"])
    _audit(melding, actor, "consent.withdrawn")
    return consent


def covering_consent(melding: Melding, *, recipient: str, form: int) -> Consent | None:
    """A consent in force for this recipient in this form or a wider one."""
    return (
        Consent.objects.filter(
            melding=melding,
            recipient=recipient,
            form__gte=form,
            confirmed_at__isnull=False,
            withdrawn_at__isnull=True,
        )
        .order_by("form", "id")
        .first()
    )


@transaction.atomic
def sharing_record(
    *,
    melding: Melding,
    actor: User,
    recipient: str,
    form: int,
    what: str,
    now: dt.datetime | None = None,
) -> Sharing:
    """Share something of a melding — only what a recorded consent covers.

    Seed, "Casus": a VP who discusses a melding "in general terms" with HR
    without the melder's consent breaks confidentiality, even without names.
    So an anonymised description to HR needs a consent for HR in that form.
    """
    now = now or clock.now()
    melding = _held(melding, actor)
    if recipient not in Recipient.values or form not in ConsentForm.values:
        raise PracticeError(_("Choose with whom and in which form."))
    if not what.strip():
        raise PracticeError(_("Write down what you share."))
    consent = covering_consent(melding, recipient=recipient, form=form)
    if consent is None:
        raise ConsentMissing(
            _(
                "The melder has not agreed to share this with %(recipient)s as “%(form)s”. "
                "Even in general terms and without names, a case can be recognised. Ask the "
                "melder first, record their consent and have it confirmed in writing."
            )
            % {"recipient": Recipient(recipient).label, "form": ConsentForm(form).label}
        )
    sharing = Sharing.objects.create(
        organisation_id=melding.organisation_id,
        melding=melding,
        consent=consent,
        recipient=recipient,
        form=form,
        what=what.strip(),
        shared_at=now,
        shared_by=actor,
    )
    _audit(melding, actor, "melding.shared", recipient=recipient, form=str(form))
    return sharing


def successor_candidates(*, organisation: Organisation, actor: User) -> list[User]:
    return list(
        User.objects.filter(
            id__in=Membership.objects.filter(
                organisation=organisation, role=Role.VP, is_active=True
            ).values("user_id"),
            is_active=True,
        )
        .exclude(pk=actor.pk)
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def handover_start(
    *,
    melding: Melding,
    actor: User,
    successor_id: int,
    kind: str,
    note: str,
    now: dt.datetime | None = None,
) -> Handover:
    """Step back from a melding in favour of a named successor, with a handover note."""
    now = now or clock.now()
    melding = _held(melding, actor)
    if kind not in HandoverKind.values:
        raise PracticeError(_("Choose whether you step back temporarily or for good."))
    if not note.strip():
        raise PracticeError(_("Write a handover note for your successor."))
    successor = next(
        (
            u
            for u in successor_candidates(organisation=melding.organisation, actor=actor)
            if u.pk == successor_id
        ),
        None,
    )
    if successor is None:
        raise PracticeError(_("Choose another VP of this organisation as successor."))
    handover = Handover.objects.create(
        organisation_id=melding.organisation_id,
        melding=melding,
        from_vp=actor,
        to_vp=successor,
        kind=kind,
        note=note.strip(),
        started_at=now,
    )
    melding.holder = successor
    melding.save(update_fields=["holder"])
    _audit(melding, actor, "melding.handed_over", kind=kind)
    return handover


@transaction.atomic
def handover_end(*, handover: Handover, actor: User, now: dt.datetime | None = None) -> Handover:
    """End a temporary step-back: the melding returns to the VP who stepped back."""
    now = now or clock.now()
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.kind != HandoverKind.TEMPORARY or handover.ended_at is not None:
        raise PracticeError(_("Only a running temporary step-back can be ended."))
    if actor.pk not in (handover.from_vp_id, handover.to_vp_id):
        raise PracticeError(_("Only the two VPs of this handover can end it."))
    melding = Melding.objects.select_for_update().get(pk=handover.melding_id)
    if melding.holder_id != handover.to_vp_id:
        raise PracticeError(_("The melding has moved on since; it cannot return this way."))
    handover.ended_at = now
    handover.save(update_fields=["ended_at"])
    melding.holder_id = handover.from_vp_id
    melding.save(update_fields=["holder"])
    _audit(melding, actor, "melding.returned")
    return handover


@transaction.atomic
def meldingen_step_back(
    *, organisation: Organisation, actor: User, successor_id: int, note: str
) -> int:
    """Temporarily hand over every open melding, e.g. during a complaint about oneself."""
    open_meldingen = Melding.objects.filter(
        organisation=organisation, holder=actor, closed_on__isnull=True
    )
    count = 0
    for melding in open_meldingen:
        handover_start(
            melding=melding,
            actor=actor,
            successor_id=successor_id,
            kind=HandoverKind.TEMPORARY,
            note=note,
        )
        count += 1
    return count
