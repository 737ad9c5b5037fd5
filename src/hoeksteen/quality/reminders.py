"""Reminders of quality conversations and of LVV certificates that expire.

Queued by the tick through the outbox. Each has an idempotency key (what,
stage, row, person, date), so any number of tick runners queue it once, and
a conversation planned again gets its reminders again. The e-mails carry no
content — no notes, no names — only that something is due and where to
sign in.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.actions import outbox_enqueue
from hoeksteen.outbox.models import OutboxMessage
from hoeksteen.people.models import Membership, Role, User
from hoeksteen.quality import planning
from hoeksteen.quality.models import LVVRegistration, QualityConversation


def _coordinators(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role=Role.COORDINATOR,
            memberships__is_active=True,
        ).distinct()
    )


def _is_active_vp(organisation_id: int, user: User) -> bool:
    return (
        user.is_active
        and Membership.objects.filter(
            organisation_id=organisation_id, user=user, role=Role.VP, is_active=True
        ).exists()
    )


def _queue_once(*, organisation: Organisation, key: str, to: User, subject: str, body: str) -> bool:
    if not to.email or OutboxMessage.objects.filter(key=key).exists():
        return False
    with transaction.atomic():
        outbox_enqueue(organisation=organisation, key=key, to=to.email, subject=subject, body=body)
    return True


def _url(name: str, **kwargs: object) -> str:
    return settings.BASE_URL + reverse(name, kwargs=kwargs)


def _conversation_text(stage: str, planned_on: dt.date, url: str) -> tuple[str, str]:
    date = date_format(planned_on, "DATE_FORMAT")
    if stage == "overdue":
        return (
            _("A quality conversation has not been recorded as held"),
            _(
                "The yearly quality conversation planned on %(date)s, in which you take part, "
                "has not been recorded as held. For confidentiality, this e-mail contains no "
                "details. Sign in to record it or to plan it again:\n\n%(url)s"
            )
            % {"date": date, "url": url},
        )
    subject = (
        _("A quality conversation is planned today")
        if stage == "due"
        else _("A quality conversation is coming up")
    )
    body = _(
        "A yearly quality conversation in which you take part is planned on %(date)s. For "
        "confidentiality, this e-mail contains no details. Sign in to prepare it:\n\n%(url)s"
    ) % {"date": date, "url": url}
    return subject, body


def queue_conversation_reminders(*, now: dt.datetime) -> int:
    """14 days before, on the day, and once when overdue: to the VP and the
    coordinators. Conversations of this year and last year only."""
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=planning.CONVERSATION_REMIND_DAYS_BEFORE)
    due = QualityConversation.objects.filter(
        held_on__isnull=True, scheduled_on__lte=horizon, year__gte=today.year - 1
    ).select_related("organisation", "vp")
    queued = 0
    for conversation in due.iterator(chunk_size=500):
        stage = planning.conversation_reminder_stage(
            planned_on=conversation.scheduled_on, today=today
        )
        if stage is None or not _is_active_vp(conversation.organisation_id, conversation.vp):
            continue
        url = _url("quality:conversation", slug=conversation.organisation.slug, pk=conversation.pk)
        people = [conversation.vp, *_coordinators(conversation.organisation_id)]
        for person in {p.pk: p for p in people}.values():
            key = (
                f"quality:conversation:{stage}:{conversation.pk}:{person.pk}:"
                f"{conversation.scheduled_on:%Y%m%d}"
            )
            with translation.override(person.language):
                subject, body = _conversation_text(stage, conversation.scheduled_on, url)
                queued += _queue_once(
                    organisation=conversation.organisation,
                    key=key,
                    to=person,
                    subject=subject,
                    body=body,
                )
    return queued


def queue_lvv_reminders(*, now: dt.datetime) -> int:
    """180, 90 and 30 days before the certificate expires: to the VP and the
    coordinators, who follow re-certification."""
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=max(planning.LVV_REMIND_DAYS_BEFORE))
    expiring = LVVRegistration.objects.filter(
        certificate_expires_on__gte=today, certificate_expires_on__lte=horizon
    ).select_related("organisation", "vp")
    queued = 0
    for registration in expiring.iterator(chunk_size=500):
        stage = planning.lvv_reminder_stage(
            expires_on=registration.certificate_expires_on, today=today
        )
        if stage is None or not _is_active_vp(registration.organisation_id, registration.vp):
            continue
        slug = registration.organisation.slug
        recipients = [(registration.vp, _url("quality:expertise", slug=slug))]
        recipients += [
            (coordinator, _url("quality:expertise_overview", slug=slug))
            for coordinator in _coordinators(registration.organisation_id)
            if coordinator.pk != registration.vp_id
        ]
        for person, url in recipients:
            key = (
                f"quality:lvv:{stage}:{registration.pk}:{person.pk}:"
                f"{registration.certificate_expires_on:%Y%m%d}"
            )
            with translation.override(person.language):
                queued += _queue_once(
                    organisation=registration.organisation,
                    key=key,
                    to=person,
                    subject=_("An LVV registration expires soon"),
                    body=_(
                        "An LVV registration you follow expires on %(date)s. For "
                        "confidentiality, this e-mail contains no details. Sign in to see "
                        "the hours for re-registration:\n\n%(url)s"
                    )
                    % {
                        "date": date_format(registration.certificate_expires_on, "DATE_FORMAT"),
                        "url": url,
                    },
                )
    return queued
