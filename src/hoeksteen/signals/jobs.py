"""Tick jobs of signals."""

from __future__ import annotations

import datetime as dt

from hoeksteen.outbox.tick import tick_job
from hoeksteen.signals.freezing import ended_year_freeze


@tick_job("signals.freeze_ended_year")
def freeze_ended_year(now: dt.datetime) -> int:
    """Once a year is published (1 February), freeze every organisation's publication of it."""
    return ended_year_freeze(now=now)
