"""On PostgreSQL the database recomputes every hash first (precheck.py), and
verify-audit must come to exactly the result of its Python loop alone.

SQLite has no pre-check: there the tests below check that verify-audit
does not ask for one (the fallback), and compare the Python loop with itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hoeksteen.audit import actions, precheck, verify
from hoeksteen.audit.actions import audit_record
from hoeksteen.audit.chain import canonical_json, link_text
from hoeksteen.audit.models import AuditEntry
from hoeksteen.audit.tests import tampering
from hoeksteen.audit.tests.conftest import FROZEN, Record
from hoeksteen.audit.tests.test_properties import CANDIDATE, TAMPERS, calls
from hoeksteen.audit.verify import VerifyResult, verify_audit
from hoeksteen.testing import live

# Any text PostgreSQL can hold: every character but NUL, with the control
# characters, quotes, backslashes and non-BMP characters JSON escapes (or not).
text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=12,
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(10**40), 10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)

Spy = list[precheck.Outcome]


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def prechecked(monkeypatch: pytest.MonkeyPatch) -> Spy:
    """What the pre-check found, flagged or not, each time verify-audit asked."""
    found: Spy = []
    real = verify.precheck

    def spy(*args: Any, **kwargs: Any) -> dict[int, precheck.Outcome]:
        outcomes = real(*args, **kwargs)
        found.extend(outcomes.values())
        return outcomes

    monkeypatch.setattr(verify, "precheck", spy)
    return found


def _sql_canonical(stored: str) -> tuple[str, str | None]:
    """A detail stored as this JSON: as jsonb writes it (what Python reads),
    and as the SQL function writes it in canonical form (None: flagged)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(precheck._PREPARE)
        # A form that grows with the nesting more than linearly fails, not hangs.
        cursor.execute("SET LOCAL statement_timeout = '10s'")
        cursor.execute(
            "SELECT d::text, pg_temp.audit_canonical_json(d, 0) FROM (SELECT %s::jsonb AS d) AS v",
            [stored],
        )
        stored, canonical = cursor.fetchone()
        transaction.set_rollback(True)
    return stored, canonical


def _has_a_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, list) and any(_has_a_float(item) for item in value)


def test_it_checks_in_the_database_on_postgresql_only(record: Record, prechecked: Spy) -> None:
    record(3, organisation_id=7)
    record(2, organisation_id=None)
    # Every text the database must quote as Python does, or flag the entry.
    awkward = 'a\tb\nc\\d"e\x01f\r\x7fé€😀'
    audit_record(
        actor=None,
        organisation_id=7,
        action=awkward,
        target=AuditEntry.objects.first(),
        detail={awkward: [awkward, -(2**70), None, True, {}]},
    )

    result = verify_audit()

    assert (result.checked, result.chains, result.broken) == (6, 2, None)
    if _on_postgresql():
        assert sorted((o.organisation_id, o.checked, o.flagged) for o in prechecked) == [
            (0, 2, None),
            (7, 4, None),
        ]
    else:
        assert prechecked == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_writes_a_detail_as_canonical_json_does_or_flags_it(prechecked: Spy) -> None:
    if not _on_postgresql():
        # SQLite: no SQL form at all; verify-audit writes details in Python.
        audit_record(actor=None, organisation_id=7, action="a", detail={"b": [1, "c"]})
        assert verify_audit().broken is None
        assert prechecked == []
        return

    @settings(max_examples=300, deadline=None, database=None)
    @given(value=json_values)
    def written_alike(value: Any) -> None:
        stored, canonical = _sql_canonical(json.dumps(value))
        # Python reads the detail as jsonb writes it: jsonb writes 1e16 as
        # 10000000000000000, which Python reads back as an int.
        read = json.loads(stored)
        assert canonical == (None if _has_a_float(read) else canonical_json(read))

    written_alike()


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("{}", "{}"),
        ("[]", "[]"),
        ('{"to": 1, "from": 2, "é": 3, "Z": 4}', '{"Z":4,"from":2,"to":1,"é":3}'),
        (
            '{"a": "x\\"\\\\\\n\\t\\u0001\\u001f\x7f😀"}',
            '{"a":"x\\"\\\\\\n\\t\\u0001\\u001f\x7f😀"}',
        ),
        ('{"n": -1000000000000000000000000000000}', '{"n":-1000000000000000000000000000000}'),
        # A float, even beside other members, makes the whole detail flagged
        # (string_agg would silently leave a NULL member out).
        ('{"a": 1.5, "b": 2}', None),
        ('{"a": [1, {"b": 2.0}]}', None),
        ('{"n": 2.50}', None),
        # Python reads ints of up to 4300 digits, the SQL form up to 4299.
        ("9" * 4299, "9" * 4299),
        ("9" * 4300, None),
        # Nesting past 64 levels is left to Python.
        ("[" * 65 + "]" * 65, None),
        ("[" * 64 + "]" * 64, "[" * 64 + "]" * 64),
    ],
)
def test_it_writes_these_details_in_sql_as_python_does(
    db: None, stored: str, written: str | None
) -> None:
    if written is not None:
        assert canonical_json(json.loads(stored)) == written
    if _on_postgresql():
        read, canonical = _sql_canonical(stored)
        assert canonical == written
        if written is not None:
            assert canonical_json(json.loads(read)) == written


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_sorts_keys_by_code_point_whatever_the_collation() -> None:
    # Python sorts keys by code point; a database created with en-US sorts
    # "Z" after "from" and reads "a_b" as "ab". (This server's own databases
    # sort by code point anyway, so the check needs one that does not.)
    stored = '{"to": 1, "from": 2, "Z": 3, "é": 4, "a_b": 5, "ab": 6, "Ab": 7}'
    written = canonical_json(json.loads(stored))
    if not _on_postgresql():
        assert written == '{"Ab":7,"Z":3,"a_b":5,"ab":6,"from":2,"to":1,"é":4}'
        return
    db = connection.settings_dict
    server = live.PostgresServer.from_url(
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        suffix="collation",
    )
    name = f"{server.prefix}_{uuid.uuid4().hex[:8]}"
    with server.admin() as admin:
        admin.execute(
            f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER icu '
            "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        )
    try:
        with psycopg.connect(server.url(name)) as other, other.cursor() as cursor:
            cursor.execute(precheck._PREPARE)
            cursor.execute(
                "SELECT %s::text < 'from', pg_temp.audit_canonical_json(%s, 0)", ["Z", stored]
            )
            assert cursor.fetchone() == (False, written)
    finally:
        with server.admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _both_ways(*, incremental: bool = False) -> tuple[VerifyResult, VerifyResult]:
    """verify-audit as it runs here, and with Python alone; each in a savepoint
    rolled back, so neither sees the other's checkpoints."""
    results = []
    for run in (
        lambda: verify_audit(incremental=incremental),
        lambda: verify._verify_audit(
            incremental=incremental, progress=lambda n: None, in_database=False
        ),
    ):
        with transaction.atomic():
            results.append(run())
            transaction.set_rollback(True)
    return results[0], results[1]


def _tombstone(days: int) -> Callable[[AuditEntry], int]:
    """Empty an entry as the retention purge does, `days` after its time."""

    def tamper(entry: AuditEntry) -> int:
        AuditEntry.objects.filter(pk=entry.pk).update(
            actor_id=None,
            action="tombstone",
            object_type="",
            object_id="",
            detail={},
            tombstoned_at=entry.created_at + dt.timedelta(days=days),
        )
        return entry.seq

    return tamper


def _delete_and_relink(entry: AuditEntry) -> int:
    tampering.delete_and_relink(entry)
    return entry.seq


def _rehash(entry: AuditEntry) -> int:
    tampering.rehash(entry, "action", entry.action + "!")
    return entry.seq + 1


def _float_in_detail(entry: AuditEntry) -> int:
    tampering.alter(entry, "detail", {**entry.detail, "score": 0.5})
    return entry.seq


TAMPERS_AND_MORE = {
    **TAMPERS,
    "tombstone in time": _tombstone(1826),
    "tombstone on the day": _tombstone(1825),
    "tombstone early": _tombstone(30),
    "tombstone in the future": _tombstone(365 * 200),
    "delete and relink": _delete_and_relink,
    "rehash": _rehash,
    "float": _float_in_detail,
    "none": lambda entry: entry.seq,
}


@pytest.mark.time_machine(FROZEN, tick=False)
@pytest.mark.parametrize("victim", [0, 2, 4], ids=["first", "middle", "newest"])
@pytest.mark.parametrize("tamper", sorted(TAMPERS_AND_MORE))
def test_it_names_the_same_break_as_python_alone(db: None, tamper: str, victim: int) -> None:
    start = dt.datetime(2019, 6, 1, 8, tzinfo=dt.UTC)
    chains: dict[int | None, list[AuditEntry]] = {None: [], 3: [], 4: []}
    for n in range(5):
        for chain, entries in chains.items():
            if n == 3:
                verify_audit()  # checkpoints for the incremental run
            entries.append(
                audit_record(
                    actor=None,
                    organisation_id=chain,
                    action='complaint.viewed\t"x"',
                    detail={"n": n, "ß": ["\\", None, True]},
                    now=start + dt.timedelta(hours=n),
                )
            )
    TAMPERS_AND_MORE[tamper](chains[3][victim])

    full, full_in_python = _both_ways()
    incremental, incremental_in_python = _both_ways(incremental=True)

    assert full == full_in_python
    assert incremental == incremental_in_python


@pytest.mark.django_db
@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    calls=st.lists(calls, min_size=1, max_size=20),
    checkpoint_after=st.integers(0, 20),
    tamper=st.sampled_from(sorted(TAMPERS_AND_MORE)),
    data=st.data(),
)
def test_it_comes_to_the_same_result_as_python_alone(
    calls: list[dict[str, Any]], checkpoint_after: int, tamper: str, data: st.DataObject
) -> None:
    with transaction.atomic():
        for i, call in enumerate(calls):
            if i == checkpoint_after:
                verify_audit()
            audit_record(**call)
        entries = list(AuditEntry.objects.order_by("id"))
        eligible = CANDIDATE.get(tamper, lambda _entry, _entries: True)
        candidates = [e for e in entries if eligible(e, entries)]
        assume(candidates)
        TAMPERS_AND_MORE[tamper](data.draw(st.sampled_from(candidates), label="victim"))

        full, full_in_python = _both_ways()
        incremental, incremental_in_python = _both_ways(incremental=True)

        assert full == full_in_python
        assert incremental == incremental_in_python
        transaction.set_rollback(True)


def test_it_verifies_a_float_detail_in_python(
    record: Record, prechecked: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 0.5 reads back from jsonb as it was written, so the chain is intact;
    # the SQL form flags every float and leaves the chain to Python.
    monkeypatch.setattr(actions, "_refuse_floats", lambda value: None)
    record(2, organisation_id=8)
    record(1, organisation_id=7)
    audit_record(actor=None, organisation_id=7, action="scored", detail={"score": 0.5})
    record(2, organisation_id=7)

    result = verify_audit()

    assert (result.checked, result.broken) == (6, None)
    if _on_postgresql():
        assert {(o.organisation_id, o.flagged) for o in prechecked} == {(7, 2), (8, None)}


def test_it_names_an_entry_altered_after_a_float_as_python_alone(
    record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions, "_refuse_floats", lambda value: None)
    audit_record(actor=None, organisation_id=7, action="scored", detail={"score": 0.5})
    entries = record(3, organisation_id=7)
    tampering.alter(entries[1], "object_id", "13")

    full, full_in_python = _both_ways()

    assert full == full_in_python
    assert str(full.broken) == "chain 7, entry 3: altered"


@pytest.mark.postgres
def test_it_leaves_a_tombstone_dated_before_the_year_1_to_python(record: Record) -> None:
    entries = record(3)
    victim = entries[1]
    if not _on_postgresql():
        # SQLite stores no year before 1; the retention check is Python's anyway.
        _tombstone(30)(victim)
        assert str(verify_audit().broken) == "chain 7, entry 2: emptied before its retention term"
        return
    # As text, as Python reads and hashes it, the entry is from the year 44
    # and was emptied a year later, long before its term; as a time in the
    # database it is from 44 BC (to_char writes no era), long enough ago.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET created_at = '0044-03-15 12:00:00+00 BC', "
            "tombstoned_at = '0045-03-15 12:00:00+00', action = 'tombstone', detail = '{}' "
            "WHERE id = %s",
            [victim.pk],
        )
    text = link_text(
        organisation_id=7,
        seq=2,
        created_at="0044-03-15T12:00:00.000000+00:00",
        payload_hash=victim.payload_hash,
        prev_hash=victim.prev_hash,
    )
    rehashed = hashlib.sha256(text.encode()).hexdigest()
    tampering.alter(victim, "hash", rehashed)
    tampering.relink_after(7, 2, prev_hash=rehashed)

    full, full_in_python = _both_ways()

    assert full == full_in_python
    assert str(full.broken) == "chain 7, entry 2: emptied before its retention term"


@pytest.mark.django_db(transaction=True)
def test_it_asks_the_database_only_where_it_pays(precheck_always: Callable[[int], bool]) -> None:
    # Two connections on PostgreSQL, opened for enough entries; on one the
    # database is no quicker than Python.
    assert precheck_always(10_000) is _on_postgresql()
    assert precheck_always(9_999) is False
    with transaction.atomic():
        assert precheck_always(10_000) is False


def test_it_balances_the_batches_by_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes = [5000, 40, 3000, 2999, 1, 0, 700, 700, 1200]
    stretches = [precheck.Stretch(i, 10, "h", 1, 10 + n, 1825) for i, n in enumerate(sizes)]

    def totals(batches: list[list[precheck.Stretch]]) -> list[int]:
        assert sorted(s.organisation_id for b in batches for s in b) == list(range(len(sizes)))
        return [sum(s.entries for s in b) for b in batches]

    # 13,640 entries: one batch per worker, largest first...
    assert totals(precheck._batches(stretches, workers=2)) == [6900, 6740]
    assert totals(precheck._batches(stretches, workers=1)) == [13640]
    # ... or as many as batches of _BATCH_ENTRIES need.
    monkeypatch.setattr(precheck, "_BATCH_ENTRIES", 5000)
    assert totals(precheck._batches(stretches, workers=2)) == [5000, 4400, 4240]
    assert precheck._batches([], workers=2) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_checks_batches_on_connections_of_their_own(
    record: Record, prechecked: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    for chain, count in [(None, 4), (3, 9), (4, 2), (5, 6), (6, 1)]:
        record(count, organisation_id=chain)
    monkeypatch.setattr(precheck, "_BATCH_ENTRIES", 5)
    workers: list[tuple[str, Any]] = []
    check = precheck._check

    def on_this_thread(batch: list[precheck.Stretch], now: dt.datetime) -> Any:
        workers.append((threading.current_thread().name, connections[DEFAULT_DB_ALIAS]))
        return check(batch, now)

    monkeypatch.setattr(precheck, "_check", on_this_thread)
    told: list[int] = []

    intact = verify_audit(progress=told.append)
    tampering.alter(AuditEntry.objects.get(organisation_id=5, seq=4), "action", "x")
    broken = verify_audit()

    assert (intact.checked, intact.broken) == (22, None)
    assert str(broken.broken) == "chain 5, entry 4: altered"
    assert sum(told) == 22
    if not _on_postgresql():
        assert workers == []  # SQLite: Python alone, on this connection
        return
    # 22 entries in batches of about 5: five batches, each told as it ends.
    assert len(told) == 5
    assert len(workers) == 10
    assert threading.current_thread().name not in {name for name, _ in workers}
    assert all(worker is not connections[DEFAULT_DB_ALIAS] for _, worker in workers)
    assert all(worker.connection is None for _, worker in workers)  # closed
    assert sum(o.checked for o in prechecked) == 22 + 22


@pytest.mark.postgres
def test_it_checks_inside_a_transaction_on_its_connection(
    record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Other connections would not see entries this transaction has not committed.
    record(30, organisation_id=3)
    monkeypatch.setattr(precheck, "_BATCH_ENTRIES", 5)
    threads: list[str] = []
    check = precheck._check

    def on_this_thread(batch: list[precheck.Stretch], now: dt.datetime) -> Any:
        threads.append(threading.current_thread().name)
        return check(batch, now)

    monkeypatch.setattr(precheck, "_check", on_this_thread)

    assert verify_audit().checked == 30
    assert threads == ([threading.current_thread().name] if _on_postgresql() else [])
