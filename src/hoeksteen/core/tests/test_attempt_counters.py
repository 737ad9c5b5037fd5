"""The tick forgets attempt counters whose window has passed."""

from __future__ import annotations

import datetime as dt

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
