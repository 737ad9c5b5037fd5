"""Tick jobs of privacy: the retention purge, and what nothing needs any more."""

from __future__ import annotations

import datetime as dt

from hoeksteen.outbox.tick import tick_job
from hoeksteen.privacy.orphans import orphan_documents_remove
from hoeksteen.privacy.retention import purge_expired


@tick_job("privacy.retention_purge")
def purge(now: dt.datetime) -> int:
    return sum(p.complaints + p.meldingen for p in purge_expired(now=now).values())


@tick_job("privacy.forget_sign_in_attempts")
def forget_sign_in_attempts(now: dt.datetime) -> int:
    """Failed sign-ins (user name, address) are needed for the lockout only:
    a day after the last one they are gone."""
    from axes.models import AccessAttempt

    old = AccessAttempt.objects.filter(attempt_time__lt=now - dt.timedelta(days=1))
    deleted: int = old.delete()[0]
    return deleted


@tick_job("privacy.remove_orphan_documents")
def remove_orphan_documents(now: dt.datetime) -> int:
    return orphan_documents_remove(now=now)
