"""Tick jobs of privacy: the retention purge, and what nothing needs any more."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings

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


@tick_job("privacy.forget_expired_sessions")
def forget_expired_sessions(now: dt.datetime) -> int:
    """An expired session still holds what it held: who was signed in, which
    complaints an anonymous complainant opened with a receipt code, a receipt
    code not yet shown. Django deletes expired sessions only when asked
    (`clearsessions`); the tick asks. Stores without a table of their own
    (the cache) expire their sessions themselves."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        store.clear_expired()
        return 0
    deleted: int = store.get_model_class().objects.filter(expire_date__lt=now).delete()[0]
    return deleted


@tick_job("privacy.remove_orphan_documents")
def remove_orphan_documents(now: dt.datetime) -> int:
    return orphan_documents_remove(now=now)
