"""The tick: every piece of time-based work, run idempotently.

Apps register jobs in their `jobs.py` with `@tick_job`; `run_tick` runs them
all. Any number of runners may tick at once: each job must be safe for that
(it updates a row only while it is still in the state the job expects).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

from hoeksteen.core.metrics import record_tick_success

logger = logging.getLogger(__name__)

Job = Callable[[dt.datetime], int]
_JOBS: dict[str, Job] = {}


def tick_job(name: str) -> Callable[[Job], Job]:
    def register(job: Job) -> Job:
        _JOBS[name] = job
        return job

    return register


def run_tick(*, now: dt.datetime) -> dict[str, int]:
    """Run every registered job once; return what each did."""
    autodiscover_modules("jobs")
    done: dict[str, int] = {}
    for name, job in sorted(_JOBS.items()):
        done[name] = job(now)
    record_tick_success(now=now)
    return done
