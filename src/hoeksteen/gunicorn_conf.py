"""gunicorn configuration, read by `python -m hoeksteen serve`.

Every value can be overridden with gunicorn's own GUNICORN_CMD_ARGS or on the
command line; see docs/deployment.md.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any


def _hide_server_version() -> None:
    """Answer `Server: hoeksteen`, not gunicorn's name and version."""
    import gunicorn.http.wsgi

    gunicorn.http.wsgi.SERVER = "hoeksteen"


_hide_server_version()

bind = os.environ.get("HOEKSTEEN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 1
timeout = 30
graceful_timeout = 20
accesslog = "-"
# The access log prints the path only: no query strings (receipt lookups may
# carry codes in forms, never in URLs, but be safe) and no client addresses.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
proc_name = "hoeksteen"


def post_worker_init(worker: Any) -> None:
    """Run the tick in-process when HOEKSTEEN_TICK_INTERVAL is set (`make run`).

    Each worker ticks in a daemon thread. That several workers tick at once is
    by design: every tick job is safe with any number of runners.
    """
    from django.conf import settings

    interval = settings.TICK_INTERVAL
    if interval <= 0:
        return

    def loop() -> None:
        from django.db import close_old_connections

        from hoeksteen.core import clock
        from hoeksteen.outbox.tick import run_tick

        log = logging.getLogger("hoeksteen.tick")
        while True:
            time.sleep(interval)
            try:
                run_tick(now=clock.now())
            except Exception:
                log.exception("tick failed; trying again next interval")
            finally:
                close_old_connections()

    threading.Thread(target=loop, name="hoeksteen-tick", daemon=True).start()
