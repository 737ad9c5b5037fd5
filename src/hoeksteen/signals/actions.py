"""Every change to qualitative signals, each in one transaction with its audit entry."""

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
from hoeksteen.people.models import Role, User
from hoeksteen.practice.actions import covering_consent, sharing_record
from hoeksteen.practice.models import Melding
from hoeksteen.signals import rules, selectors
from hoeksteen.signals.models import QualitativeSignal, SignalPeriod
from hoeksteen.signals.traceability import fingerprint

TEXT_MAX_LENGTH = 4000


class SignalError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclasses.dataclass(frozen=True)
class SignalInput:
    year: int
    period: str
    text: str
    melding_id: int | None = None


def _validate(
    organisation: Organisation, author: User, data: SignalInput, now: dt.datetime
) -> None:
    if not policy.has_role(author, organisation, Role.VP):
        raise SignalError(_("Only a VP of this organisation writes signals here."))
    if not 2000 <= data.year <= timezone.localdate(now).year:
        raise SignalError(_("Choose this year or an earlier one."))
    if data.period not in SignalPeriod.values:
        raise SignalError(_("Choose the period the signal is about."))
    if not data.text.strip():
        raise SignalError(_("Write the signal."))
    if len(data.text) > TEXT_MAX_LENGTH:
        raise SignalError(
            _("Keep the signal to %(count)s characters at most.") % {"count": TEXT_MAX_LENGTH}
        )
    if (
        data.melding_id is not None
        and not policy.visible_to(author, Melding)
        .filter(organisation=organisation, pk=data.melding_id)
        .exists()
    ):
        raise SignalError(_("Choose one of your own meldingen, or none."))


def _audit(signal: QualitativeSignal, actor: User, action: str, **detail: int) -> None:
    audit_record(
        actor=actor,
        organisation_id=signal.organisation_id,
        action=action,
        target=signal,
        detail=detail or None,
    )


@transaction.atomic
def qualitative_signal_write(
    *, organisation: Organisation, author: User, data: SignalInput, now: dt.datetime | None = None
) -> QualitativeSignal:
    """A VP writes a draft signal; nobody else sees it until it is released."""
    now = now or clock.now()
    _validate(organisation, author, data, now)
    signal = QualitativeSignal.objects.create(
        organisation=organisation,
        author=author,
        year=data.year,
        period=data.period,
        text=data.text.strip(),
        melding_id=data.melding_id,
        about_one_melding=data.melding_id is not None,
        created_at=now,
        updated_at=now,
    )
    _audit(signal, author, "signal.drafted")
    return signal


def _own_draft(signal: QualitativeSignal, author: User) -> QualitativeSignal:
    locked = (
        QualitativeSignal.objects.select_for_update()
        .filter(pk=signal.pk, author=author, organisation_id=signal.organisation_id)
        .first()
    )
    if locked is None:
        raise SignalError(_("Only the VP who wrote this signal can change or release it."))
    if locked.is_released:
        raise SignalError(_("This signal has been released and can no longer be changed."))
    return locked


@transaction.atomic
def qualitative_signal_update(
    *, signal: QualitativeSignal, author: User, data: SignalInput, now: dt.datetime | None = None
) -> QualitativeSignal:
    """Change a draft signal."""
    now = now or clock.now()
    signal = _own_draft(signal, author)
    _validate(signal.organisation, author, data, now)
    signal.year = data.year
    signal.period = data.period
    signal.text = data.text.strip()
    signal.melding_id = data.melding_id
    signal.about_one_melding = data.melding_id is not None
    signal.updated_at = now
    signal.save()
    _audit(signal, author, "signal.updated")
    return signal


@transaction.atomic
def qualitative_signal_release(
    *,
    signal: QualitativeSignal,
    author: User,
    confirmed: str | None,
    now: dt.datetime | None = None,
) -> QualitativeSignal:
    """Release a draft to the coordinator's signals page and the annual report.

    `confirmed` is the fingerprint of the traceability warnings the VP saw and
    confirmed; a release needs it whenever there are warnings, and it must
    match the warnings as they are now. A signal about one melding needs the
    melder's consent, in force, to share it with the coordinator anonymised
    or wider (seed, "Casus": "in algemene zin, zonder namen" was still
    recognised); the release is recorded as a sharing of that melding.
    """
    now = now or clock.now()
    signal = _own_draft(signal, author)
    warnings = selectors.signal_warnings(signal=signal, today=timezone.localdate(now))
    if warnings and confirmed != fingerprint(warnings):
        raise SignalError(
            _(
                "Read the warnings below and confirm that the signal cannot be traced to a "
                "person before you release it."
            )
        )
    if signal.about_one_melding:
        melding = signal.melding
        consent = (
            covering_consent(melding, recipient=rules.SIGNAL_RECIPIENT, form=rules.SIGNAL_FORM)
            if melding is not None
            else None
        )
        if melding is None or consent is None:
            raise SignalError(
                _(
                    "This signal is about one melding, and the melder has not agreed to share "
                    "an anonymised description with the coordinator. Even without names a case "
                    "can be recognised. Ask the melder first, record their consent and have it "
                    "confirmed in writing — or write a signal about several meldingen instead."
                )
            )
        signal.sharing = sharing_record(
            melding=melding,
            actor=author,
            recipient=rules.SIGNAL_RECIPIENT,
            form=rules.SIGNAL_FORM,
            what=signal.text,
            now=now,
        )
    signal.released_at = now
    signal.confirmed_warnings = len(warnings)
    signal.save(update_fields=["released_at", "confirmed_warnings", "sharing"])
    _audit(
        signal,
        author,
        "signal.released",
        warnings=len(warnings),
        about_one_melding=int(signal.about_one_melding),
    )
    return signal
