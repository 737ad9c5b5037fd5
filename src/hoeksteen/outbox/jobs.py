"""Tick jobs of the outbox."""

from __future__ import annotations

import datetime as dt

from hoeksteen.outbox.sending import drain_outbox
from hoeksteen.outbox.tick import tick_job


@tick_job("outbox.send")
def send_due_messages(now: dt.datetime) -> int:
    return drain_outbox(now=now)
