"""Tick jobs of the complaint procedure."""

from __future__ import annotations

import datetime as dt

from hoeksteen.complaints.actions.assessment import (
    stranded_complaints_reroute,
    unassigned_complaints_reroute,
)
from hoeksteen.complaints.reminders import queue_term_reminders
from hoeksteen.outbox.tick import tick_job


@tick_job("complaints.route_waiting")
def route_waiting_complaints(now: dt.datetime) -> int:
    return unassigned_complaints_reroute(now=now)


@tick_job("complaints.hand_on_stranded")
def hand_on_stranded_complaints(now: dt.datetime) -> int:
    return stranded_complaints_reroute(now=now)


@tick_job("complaints.term_reminders")
def remind_terms(now: dt.datetime) -> int:
    return queue_term_reminders(now=now)
