from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

import hoeksteen
from hoeksteen.audit import verify
from hoeksteen.audit.actions import audit_record
from hoeksteen.audit.models import AuditEntry

FROZEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

PYTHON = sys.executable

Record = Callable[..., list[AuditEntry]]


@pytest.fixture(autouse=True)
def precheck_always(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], bool]:
    """On PostgreSQL every verify-audit in these tests goes through the
    database's pre-check, however few the entries and inside the test's
    transaction, so that each tamper test checks it too. (verify-audit
    itself asks for it only where it pays; the rule is returned.)"""
    rule = verify._precheck_pays
    monkeypatch.setattr(verify, "_precheck_pays", lambda entries: connection.vendor == "postgresql")
    return rule


@pytest.fixture
def record(db: None) -> Record:
    """Append `count` entries to one chain and return them, oldest first."""

    def record(count: int, *, organisation_id: int | None = 7) -> list[AuditEntry]:
        return [
            audit_record(
                actor=None,
                organisation_id=organisation_id,
                action="complaint.viewed",
                detail={"n": n, "state": "received"},
            )
            for n in range(count)
        ]

    return record


@pytest.fixture
def subprocess_env(tmp_path: Path) -> Callable[[], dict[str, str]]:
    """An environment in which `python -m hoeksteen …` sees the test database.

    Call it after the rows are committed (a transactional test). SQLite's test
    database lives in this process's memory, so it is copied to a file first.
    """

    def env() -> dict[str, str]:
        src = str(Path(hoeksteen.__file__).resolve().parent.parent)
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
            "HOEKSTEEN_VAR_DIR": str(tmp_path),
        }
        if connection.vendor == "sqlite":
            environment.pop("DATABASE_URL", None)
            connection.ensure_connection()
            with contextlib.closing(sqlite3.connect(tmp_path / "hoeksteen.sqlite3")) as copy:
                connection.connection.backup(copy)
        else:
            db = connection.settings_dict
            environment["DATABASE_URL"] = (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            )
        return environment

    return env
