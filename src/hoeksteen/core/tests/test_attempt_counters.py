"""The tick forgets attempt counters whose window has passed; a lockout
knows how long it has left."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import time_machine

from hoeksteen.core import ratelimit
from hoeksteen.core.models import AttemptCounter
from hoeksteen.outbox.tick import run_tick

NOON = dt.datetime(2025, 3, 3, 12, 0, tzinfo=dt.UTC)


def test_it_forgets_only_the_counters_whose_window_has_passed(db: None) -> None:
    short = ratelimit.Limit(name="short", tries=5, window_seconds=60)
    long = ratelimit.Limit(name="long", tries=5, window_seconds=3600)
    with time_machine.travel(NOON, tick=False) as traveller:
        ratelimit.reserve([(short, "a"), (long, "a")])
        traveller.shift(dt.timedelta(seconds=61))
        done = run_tick(now=dt.datetime.now(dt.UTC))

    assert done["core.forget_expired_attempt_counters"] == 1
    assert list(AttemptCounter.objects.values_list("counter_key", flat=True)) == ["rl:long:a"]


# Redis DB for this test; HOEKSTEEN_TEST_REDIS_URL points elsewhere. Keys get
# a prefix of their own and are removed afterwards.
REDIS_URL = os.environ.get("HOEKSTEEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest, settings: Any, db: None) -> Iterator[str]:
    if request.param == "redis":
        prefix = f"hk-test-{uuid.uuid4().hex}"
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        }
        yield request.param
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        return
    yield request.param


def test_it_tells_how_long_a_lockout_has_left_of_its_window(store: str) -> None:
    check = (ratelimit.Limit(name="lock", tries=1, window_seconds=600), "a")
    assert ratelimit.reserve([check]) is None

    lockout = ratelimit.reserve([check])

    assert lockout is not None
    assert lockout.limit.name == "lock"
    # The window started at the first attempt: (almost) all of it is left.
    assert 595 <= lockout.retry_after_seconds <= 600
    assert lockout.minutes == 10


def test_it_counts_down_what_is_left_of_the_window(db: None) -> None:
    check = (ratelimit.Limit(name="lock", tries=1, window_seconds=600), "a")
    with time_machine.travel(NOON, tick=False) as traveller:
        ratelimit.reserve([check])
        traveller.shift(dt.timedelta(seconds=541))
        lockout = ratelimit.reserve([check])

    assert lockout is not None
    assert (lockout.retry_after_seconds, lockout.minutes) == (59, 1)
