"""Tick jobs of privacy: the retention purge."""

from __future__ import annotations

import datetime as dt

from hoeksteen.outbox.tick import tick_job
from hoeksteen.privacy.retention import purge_expired


@tick_job("privacy.retention_purge")
def purge(now: dt.datetime) -> int:
    return sum(p.complaints + p.meldingen for p in purge_expired(now=now).values())
