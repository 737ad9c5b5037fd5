"""Deadline arithmetic: pure functions, fed by the regulation and the file.

Terms run in calendar days from the moment that starts them (Awb 9:11 counts
the decision term from receipt). A due moment is the end of the last day in
the installation's time zone (settings.TIME_ZONE, Europe/Amsterdam), so a
term never ends at an odd hour, and a daylight-saving change in between does
not shift it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Term(models.TextChoices):
    ACKNOWLEDGMENT = "acknowledgment", _("Written acknowledgment")
    VP_RESPONSE = "vp_response", _("Response of the VP")
    DECISION = "decision", _("Decision")
    FEEDBACK = "feedback", _("Feedback to the complainant")


@dataclasses.dataclass(frozen=True)
class TermDays:
    acknowledgment: int
    vp_response: int
    decision: int
    decision_external_committee: int
    feedback: int


def end_of_day(moment: dt.datetime, days: int) -> dt.datetime:
    """The last moment of the day `days` calendar days after `moment`, locally."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local_day = moment.astimezone(zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(local_day, dt.time(23, 59, 59), tzinfo=zone)


@dataclasses.dataclass(frozen=True)
class Deadlines:
    acknowledgment: dt.datetime
    vp_response: dt.datetime | None
    decision: dt.datetime
    feedback: dt.datetime


def deadlines(
    *,
    days: TermDays,
    received_at: dt.datetime,
    acknowledged_at: dt.datetime | None,
    vp_informed_at: dt.datetime | None,
    extension_days: int,
    external_committee: bool,
) -> Deadlines:
    decision_days = days.decision_external_committee if external_committee else days.decision
    # Directive 2019/1937 art. 9: feedback within three months of the
    # acknowledgment or, without one, of the end of the acknowledgment term.
    feedback_from = acknowledged_at or received_at + dt.timedelta(days=days.acknowledgment)
    return Deadlines(
        acknowledgment=end_of_day(received_at, days.acknowledgment),
        vp_response=end_of_day(vp_informed_at, days.vp_response) if vp_informed_at else None,
        decision=end_of_day(received_at, decision_days + extension_days),
        feedback=end_of_day(feedback_from, days.feedback),
    )


def days_left(due: dt.datetime, now: dt.datetime) -> int:
    """Whole days until `due` (0 on the last day, negative when overdue)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (due.astimezone(zone).date() - now.astimezone(zone).date()).days


def extension_allowed(
    *, already: int, more: int, maximum: int, complainant_consented: bool
) -> bool:
    """Awb 9:11 lid 2: at most `maximum` days in all, longer only with consent."""
    return more > 0 and (already + more <= maximum or complainant_consented)
