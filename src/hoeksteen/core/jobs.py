"""Tick jobs of core: forgetting rate-limit counters whose window has passed."""

from __future__ import annotations

import datetime as dt

from hoeksteen.core import ratelimit
from hoeksteen.outbox.tick import tick_job


@tick_job("core.forget_expired_attempt_counters")
def forget_expired_attempt_counters(now: dt.datetime) -> int:
    return ratelimit.forget_expired(now=now.timestamp())
