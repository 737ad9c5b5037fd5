"""Tick jobs of prevention and quality."""

from __future__ import annotations

import datetime as dt

from hoeksteen.outbox.tick import tick_job
from hoeksteen.quality.actions import conversations_plan_due
from hoeksteen.quality.reminders import queue_conversation_reminders, queue_lvv_reminders


@tick_job("quality.conversations")
def plan_and_remind_conversations(now: dt.datetime) -> int:
    # One job, so a conversation planned in this tick is reminded of in it too
    # (jobs run in the order of their names).
    return conversations_plan_due(now=now) + queue_conversation_reminders(now=now)


@tick_job("quality.lvv_reminders")
def remind_lvv_expiry(now: dt.datetime) -> int:
    return queue_lvv_reminders(now=now)
