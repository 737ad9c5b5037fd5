"""Tick jobs of core: forgetting rate-limit counters whose window has passed,
and used form tokens that are no longer valid."""

from __future__ import annotations

import datetime as dt

from hoeksteen.core import formtokens, ratelimit
from hoeksteen.outbox.tick import tick_job


@tick_job("core.forget_expired_attempt_counters")
def forget_expired_attempt_counters(now: dt.datetime) -> int:
    return ratelimit.forget_expired(now=now.timestamp())


@tick_job("core.forget_used_form_tokens")
def forget_used_form_tokens(now: dt.datetime) -> int:
    return formtokens.forget_used(now=now)
