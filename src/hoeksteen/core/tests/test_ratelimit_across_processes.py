"""Guessing limits hold across processes sharing the database or Redis.

Three spawned processes guess at once, three guesses each, against a limit of
five: however the nine guesses interleave, exactly five get through, and the
next guess is refused in every process, even with the right password or code.
A count kept in process memory would let all nine through; a count that
reads and writes back (Django's database cache) would lose guesses that
race.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis

from hoeksteen.core.tests.guessing_processes import SCENARIOS, guess, prepare, race

PROCESSES = 3
TRIES_EACH = 3
LIMIT = 5
# Redis for these tests; HOEKSTEEN_TEST_REDIS_URL points elsewhere. Keys get a
# prefix of their own per run and expire with their window.
REDIS_URL = os.environ.get("HOEKSTEEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
_DATABASE_URL = os.environ.get("DATABASE_URL", "")
STORES = ["sqlite", "redis"] + (["postgres"] if _DATABASE_URL.startswith("postgres") else [])


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database of its own next to DATABASE_URL's, dropped afterwards."""
    parts = urlsplit(_DATABASE_URL)
    name = f"{parts.path.lstrip('/')}_xproc_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str | None]:
    return {
        "DJANGO_SETTINGS_MODULE": "hoeksteen.settings",
        "HOEKSTEEN_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": request.getfixturevalue("postgres_url") if store == "postgres" else None,
        "REDIS_URL": REDIS_URL if store == "redis" else None,
        "HOEKSTEEN_CACHE_KEY_PREFIX": f"hk-test-{uuid.uuid4().hex}",
        "RECEIPT_HASH_TIME_COST": "1",
        "RECEIPT_HASH_MEMORY_KIB": "64",
        "HOEKSTEEN_LOG_LEVEL": "ERROR",
    }


def _assert_counted_in(store: str, env: dict[str, str | None]) -> None:
    """The counters are where the store says: in Redis under this run's prefix,
    or in the database table (and then not in Redis)."""
    in_redis = redis.Redis.from_url(REDIS_URL).keys(f"{env['HOEKSTEEN_CACHE_KEY_PREFIX']}:*")
    assert bool(in_redis) == (store == "redis"), f"{store}: {len(in_redis)} keys in Redis"


def _run(target: object, *args: object) -> multiprocessing.process.BaseProcess:
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    return process


@pytest.mark.parametrize("store", STORES)
def test_it_holds_every_guessing_limit_across_processes(
    store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    env = _env(store, tmp_path, request)
    preparing = _run(prepare, env)
    preparing.join(timeout=180)
    assert preparing.exitcode == 0, "preparing the shared database failed"

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        _run(guess, number, env, TRIES_EACH, LIMIT, barrier, results) for number in range(PROCESSES)
    ]
    seen: dict[str, list[tuple[int, list[int], int]]] = {}
    try:
        for _ in range(PROCESSES * len(SCENARIOS)):
            limit, process, statuses, after = results.get(timeout=300)
            assert limit != "error", f"process {process}: {statuses}"
            seen.setdefault(limit, []).append((process, statuses, after))
    except queue.Empty:
        pytest.fail(f"the guessing processes stopped answering; seen so far: {seen}")
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()

    _assert_counted_in(store, env)
    for scenario in SCENARIOS:
        runs = seen[scenario.limit]
        statuses = [status for _, guesses, _ in runs for status in guesses]
        through = [status for status in statuses if status != 429]
        assert len(through) == LIMIT, f"{scenario.limit} on {store}: {runs}"
        assert statuses.count(429) == PROCESSES * TRIES_EACH - LIMIT, runs
        assert sorted(process for process, _, _ in runs) == list(range(PROCESSES))
        assert [after for _, _, after in runs] == [429] * PROCESSES, (
            f"{scenario.limit} on {store}: the next guess got through in a process: {runs}"
        )


@pytest.mark.parametrize("store", STORES)
def test_it_loses_no_attempt_when_processes_count_at_the_same_moment(
    store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    env = _env(store, tmp_path, request)
    preparing = _run(prepare, env)
    preparing.join(timeout=180)
    assert preparing.exitcode == 0, "preparing the shared database failed"
    tries_each = 150
    # One attempt too many in all: exactly one of them must be refused.
    limit = PROCESSES * tries_each - 1

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        _run(race, number, env, tries_each, limit, barrier, results) for number in range(PROCESSES)
    ]
    refused = []
    try:
        for _ in range(PROCESSES):
            name, process, count, _ = results.get(timeout=300)
            assert name != "error", f"process {process}: {count}"
            refused.append(count)
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()

    assert sum(refused) == 1, f"refused per process on {store}: {refused}"
    _assert_counted_in(store, env)
