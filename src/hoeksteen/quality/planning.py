"""When conversations are planned and reminders are due: pure date arithmetic.

Dates are local calendar dates (Europe/Amsterdam); the caller turns "now"
into today with timezone.localdate, so a reminder never fires a day early
because UTC is still on yesterday.
"""

from __future__ import annotations

import datetime as dt

# A first plan leaves this much time to find a date together.
FIRST_PLAN_AFTER_DAYS = 28
# Conversation reminders: once this many days before, once on the day, once when overdue.
CONVERSATION_REMIND_DAYS_BEFORE = 14
# LVV certificate reminders, days before expiry; the nearest one passed is sent.
LVV_REMIND_DAYS_BEFORE = (180, 90, 30)


def proposed_conversation_date(*, today: dt.date, last_held_on: dt.date | None) -> dt.date:
    """Where this year's conversation goes: a year after the last one, when
    that is still ahead; otherwise four weeks from today — within this year."""
    end_of_year = dt.date(today.year, 12, 31)
    if last_held_on is not None:
        try:
            anniversary = last_held_on.replace(year=today.year)
        except ValueError:  # held on 29 February
            anniversary = dt.date(today.year, 2, 28)
        if anniversary >= today:
            return anniversary
    return min(today + dt.timedelta(days=FIRST_PLAN_AFTER_DAYS), end_of_year)


def conversation_reminder_stage(*, planned_on: dt.date, today: dt.date) -> str | None:
    """'before', 'due' or 'overdue' for a conversation not yet held; None when
    no reminder is due yet."""
    left = (planned_on - today).days
    if left < 0:
        return "overdue"
    if left == 0:
        return "due"
    if left <= CONVERSATION_REMIND_DAYS_BEFORE:
        return "before"
    return None


def lvv_reminder_stage(*, expires_on: dt.date, today: dt.date) -> int | None:
    """The nearest reminder point (180, 90 or 30 days) that has been reached
    before expiry; None before the first one and after expiry."""
    left = (expires_on - today).days
    if left < 0:
        return None
    reached = [days for days in LVV_REMIND_DAYS_BEFORE if left <= days]
    return min(reached) if reached else None
