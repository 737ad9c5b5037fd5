"""gunicorn configuration, read by `python -m hoeksteen serve`.

Every value can be overridden with gunicorn's own GUNICORN_CMD_ARGS or on the
command line; see docs/deployment.md. The environment variables read here:

- HOEKSTEEN_BIND: the address to listen on (default 127.0.0.1:8000);
- WEB_CONCURRENCY: the number of worker processes (default 2);
- HOEKSTEEN_LOG_FORMAT, HOEKSTEEN_LOG_LEVEL (and HOEKSTEEN_PRODUCTION for the
  format's default): see core/logs.py and settings.py;
- PROMETHEUS_MULTIPROC_DIR: where the workers keep their metrics so /metrics
  can add them up; when unset a fresh temporary directory is made.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from hoeksteen.core.logs import log_format


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
# gunicorn 27's control socket (for `gunicornc`) is not used: workers are
# managed by signals and the supervisor. Left on, every instance on a machine
# opens the same ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True


def _metrics_directory() -> None:
    """Give the workers an empty directory for their metric files.

    prometheus_client reads PROMETHEUS_MULTIPROC_DIR when a worker first
    imports it, which happens after the fork, so setting it here is in time.
    Files left by a previous run would add their counts to this one's."""
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not configured:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="hoeksteen-metrics-")
        return
    directory = Path(configured)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


_metrics_directory()


def child_exit(server: Any, worker: Any) -> None:
    """A dead worker's gauges must not linger; its counters are kept."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if Path(directory).name.startswith("hoeksteen-metrics-"):
        shutil.rmtree(directory, ignore_errors=True)


def _logconfig() -> dict[str, Any]:
    """gunicorn's own lines (start-up, errors, the access log) in the same
    format as Django's, through the same personal-data filter."""
    if log_format() == "json":
        error_format: dict[str, Any] = {"()": "hoeksteen.core.logs.JsonFormatter"}
        access_format: dict[str, Any] = {"()": "hoeksteen.core.logs.JsonFormatter"}
    else:
        error_format = {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"}
        access_format = {"format": "%(message)s"}
    level = os.environ.get("HOEKSTEEN_LOG_LEVEL", "INFO")
    filters = ["personal_data"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"personal_data": {"()": "hoeksteen.core.logs.PersonalDataFilter"}},
        "formatters": {"error": error_format, "access": access_format},
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "error",
                "filters": filters,
                "stream": "ext://sys.stderr",
            },
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "filters": filters,
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": level, "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


logconfig_dict = _logconfig()


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
