"""What the tick forgets once nothing needs it: expired sessions and old failed sign-ins."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from hoeksteen.outbox.tick import run_tick
from hoeksteen.privacy.jobs import forget_expired_sessions, forget_sign_in_attempts

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def _session(expires: dt.datetime) -> str:
    store = SessionStore()
    store["hoeksteen_receipts"] = ["a-complaint"]
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
    assert store.session_key is not None
    return store.session_key


@pytest.mark.django_db
def test_expired_sessions_are_deleted_and_live_ones_kept() -> None:
    expired = _session(NOW - dt.timedelta(seconds=1))
    live = _session(NOW + dt.timedelta(hours=1))

    assert forget_expired_sessions(NOW) == 1

    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.get(session_key=live).get_decoded() == {
        "hoeksteen_receipts": ["a-complaint"]
    }


@pytest.mark.django_db
def test_the_tick_runs_the_session_job() -> None:
    _session(NOW - dt.timedelta(minutes=5))

    done = run_tick(now=NOW)

    assert done["privacy.forget_expired_sessions"] == 1
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_failed_sign_ins_are_forgotten_a_day_after_they_happened() -> None:
    for hours in (25, 23):
        attempt = AccessAttempt.objects.create(
            username=f"someone-{hours}", ip_address="192.0.2.1", failures_since_start=1
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=NOW - dt.timedelta(hours=hours)
        )

    assert forget_sign_in_attempts(NOW) == 1

    [kept] = AccessAttempt.objects.all()
    assert kept.attempt_time == NOW - dt.timedelta(hours=23)
