"""Erasure on request (AVG art. 17), where no retention duty applies."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt, AccessLog
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoeksteen.access import policy
from hoeksteen.audit.actions import audit_record
from hoeksteen.complaints.models import Complaint, SupportAssignment
from hoeksteen.core import clock
from hoeksteen.organisations.models import Organisation, VPTeamMember
from hoeksteen.people.models import IdentityProviderDevice, Membership, Role, User
from hoeksteen.practice.models import Melding
from hoeksteen.privacy.models import Erasure


class ErasureRefused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def retention_duties(*, organisation: Organisation, user: User) -> list[str]:
    """Why `user`'s data must still be kept in `organisation` (empty: none)."""
    reasons = []
    involved = Complaint.objects.filter(organisation=organisation).filter(
        Q(complainant=user) | Q(subject_vp=user) | Q(handler=user) | Q(committee_member=user)
    )
    if (
        involved.exists()
        or SupportAssignment.objects.filter(organisation=organisation, supporter=user).exists()
    ):
        reasons.append(_("They take part in a complaint file that the retention term still keeps."))
    if Melding.objects.filter(organisation=organisation, holder=user).exists():
        reasons.append(_("They hold meldingen as a VP: hand these over first."))
    return reasons


def _erase_quality_and_signals(organisation: Organisation, user: User) -> None:
    """A VP's own records: training, registration, checklists, conversations,
    and signals never released. Released signals are the organisation's
    anonymised report and stay."""
    from hoeksteen.quality.models import (
        ChecklistAssessment,
        LVVRegistration,
        QualityConversation,
        TrainingRecord,
    )
    from hoeksteen.signals.models import QualitativeSignal

    for model in (TrainingRecord, LVVRegistration, ChecklistAssessment, QualityConversation):
        model.objects.filter(organisation=organisation, vp=user).delete()
    QualitativeSignal.objects.filter(
        organisation=organisation, author=user, released_at__isnull=True
    ).delete()


@transaction.atomic
def person_erase(
    *,
    organisation: Organisation,
    actor: User,
    user: User,
    reason: str,
    now: dt.datetime | None = None,
) -> Erasure:
    """Remove a person from the organisation and, if they belong nowhere else,
    anonymise their account. Refused while a retention duty applies."""
    now = now or clock.now()
    if not policy.has_role(actor, organisation, Role.COORDINATOR):
        raise ErasureRefused(_("Only the coordinator can erase a person's data."))
    if not reason.strip():
        raise ErasureRefused(_("Record the reason for the erasure."))
    if (
        user.pk == actor.pk
        or not Membership.objects.filter(organisation=organisation, user=user).exists()
    ):
        raise ErasureRefused(_("Choose a person of this organisation other than yourself."))
    duties = retention_duties(organisation=organisation, user=user)
    if duties:
        raise ErasureRefused(" ".join(duties))
    Melding.objects.filter(organisation=organisation, melder_account=user).update(
        melder_account=None
    )
    _erase_quality_and_signals(organisation, user)
    VPTeamMember.objects.filter(organisation=organisation, user=user).delete()
    Membership.objects.filter(organisation=organisation, user=user).delete()
    if not Membership.objects.filter(user=user).exists():
        # Sign-in attempts are recorded by user name (and address): they go too.
        AccessAttempt.objects.filter(username=user.username).delete()
        AccessLog.objects.filter(username=user.username).delete()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        IdentityProviderDevice.objects.filter(user=user).delete()
        user.username = f"erased-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    erasure = Erasure.objects.create(
        organisation=organisation,
        erased_user_id=user.pk,
        reason=reason.strip(),
        erased_by=actor,
        erased_at=now,
    )
    audit_record(
        actor=actor,
        organisation_id=organisation.pk,
        action="privacy.erased",
        target=erasure,
        now=now,
    )
    return erasure
