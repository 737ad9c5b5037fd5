"""The one source of "now" for domain logic.

Logic that depends on time takes `now` as a parameter; callers at the edge
(views, actions, the tick) get it here. Tests freeze it with time-machine.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
