"""Running the same work in several threads at once: tick runners, or two
requests that send the same form at the same moment."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def runners_database(tmp_path: Path) -> str | None:
    """The database the runner threads use, None for the test database itself.

    On PostgreSQL the runners share the (transactional) test database. On
    SQLite they cannot: pytest-django's test database lives in memory with a
    shared cache, where a second writer fails at once with "database table is
    locked" instead of waiting its turn as on a database file. So they get a
    file copy of it, with the settings' WAL and IMMEDIATE transactions, as
    `make run` has.
    """
    if connection.vendor != "sqlite":
        return None
    path = tmp_path / "runners.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
        # In WAL mode before any runner connects: each connection asks for WAL
        # (the settings' init_command), and switching a file's mode needs it
        # alone, so two runners switching at once could fail with "database
        # is locked" before their busy timeout applies.
        copy.execute("PRAGMA journal_mode=WAL")
    return str(path)


def at_once(job: Callable[[], T], *, runners: int, database: str | None) -> list[T]:
    """Start `job` in `runners` threads at the same moment; return their results."""
    start = threading.Barrier(runners)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        if database is not None:
            connection.settings_dict = {**connection.settings_dict, "NAME": database}
        try:
            start.wait(timeout=30)
            results.append(job())
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    assert len(results) == runners, "a runner hung"
    return results
