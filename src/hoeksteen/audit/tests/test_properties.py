"""Over random trails: one tampered row is found in its chain, at its entry."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import types
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hoeksteen.audit import chain
from hoeksteen.audit.actions import audit_record
from hoeksteen.audit.chain import PLATFORM_CHAIN
from hoeksteen.audit.models import AuditEntry
from hoeksteen.audit.tests import tampering
from hoeksteen.audit.verify import verify_audit

# Plain ids: the trail outlives the organisations it describes.
CHAINS = [None, 3, 4]
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30)
# No floats: audit_record refuses them (PostgreSQL would not give all back alike).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)
calls = st.fixed_dictionaries(
    {
        "organisation_id": st.sampled_from(CHAINS),
        "actor": st.none() | st.integers(1, 2**40).map(lambda pk: _Actor(pk=pk)),
        "action": text.filter(bool),
        "detail": st.dictionaries(text, json_values, max_size=4),
        # hypothesis takes naive bounds and adds the zones itself.
        "now": st.datetimes(
            min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001
            max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
            timezones=st.sampled_from([dt.UTC, AMSTERDAM]),
        ),
    }
)


class _Actor(types.SimpleNamespace):
    is_authenticated = True


def _alter(column: str, value: Callable[[AuditEntry], Any]) -> Callable[[AuditEntry], int]:
    def tamper(entry: AuditEntry) -> int:
        tampering.alter(entry, column, value(entry))
        return entry.seq

    return tamper


def _delete(entry: AuditEntry) -> int:
    tampering.delete(entry)
    return entry.seq


def _swap_with_a_neighbour(entry: AuditEntry) -> int:
    chain = AuditEntry.objects.filter(organisation_id=entry.organisation_id)
    neighbour = chain.filter(seq=entry.seq + 1).first() or chain.get(seq=entry.seq - 1)
    tampering.swap(entry, neighbour)
    return min(entry.seq, neighbour.seq)


def _reinsert(entry: AuditEntry) -> int:
    tampering.reinsert(entry)
    return entry.seq


TAMPERS: dict[str, Callable[[AuditEntry], int]] = {
    "action": _alter("action", lambda e: e.action + "!"),
    "actor": _alter("actor_id", lambda e: (e.actor_id or 0) + 1),
    "object": _alter("object_id", lambda e: e.object_id + "0"),
    "detail": _alter("detail", lambda e: {"tampered": e.detail}),
    "time": _alter("created_at", lambda e: e.created_at + dt.timedelta(microseconds=1)),
    "prev_hash": _alter("prev_hash", lambda e: e.hash),
    "hash": _alter("hash", lambda e: e.prev_hash),
    "delete": _delete,
    "swap": _swap_with_a_neighbour,
    "reinsert": _reinsert,
}


@contextlib.contextmanager
def _undone() -> Iterator[None]:
    """Each example starts from an empty trail and leaves nothing behind."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def _has_a_later_entry(entry: AuditEntry, entries: list[AuditEntry]) -> bool:
    return any(o.organisation_id == entry.organisation_id and o.seq > entry.seq for o in entries)


def _has_a_neighbour(entry: AuditEntry, entries: list[AuditEntry]) -> bool:
    return any(o.organisation_id == entry.organisation_id and o.pk != entry.pk for o in entries)


CANDIDATE: dict[str, Callable[[AuditEntry, list[AuditEntry]], bool]] = {
    "swap": _has_a_neighbour,
    # An exact copy of a chain's newest entry, with a newer id, is the same trail.
    "reinsert": _has_a_later_entry,
}


@pytest.mark.django_db
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(calls=st.lists(calls, min_size=1, max_size=25))
def test_it_counts_every_entry_of_an_untouched_trail(calls: list[dict[str, Any]]) -> None:
    with _undone():
        for call in calls:
            audit_record(**call)

        result = verify_audit()

        assert result.broken is None
        chains = {
            PLATFORM_CHAIN if c["organisation_id"] is None else c["organisation_id"] for c in calls
        }
        assert (result.checked, result.chains) == (len(calls), len(chains))


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    calls=st.lists(calls, min_size=1, max_size=25),
    tamper=st.sampled_from(sorted(TAMPERS)),
    data=st.data(),
)
def test_it_names_the_chain_and_entry_of_one_tampered_row(
    calls: list[dict[str, Any]], tamper: str, data: st.DataObject
) -> None:
    with _undone():
        for call in calls:
            audit_record(**call)
        entries = list(AuditEntry.objects.order_by("id"))
        eligible = CANDIDATE.get(tamper, lambda _entry, _entries: True)
        candidates = [e for e in entries if eligible(e, entries)]
        assume(candidates)
        victim = data.draw(st.sampled_from(candidates), label="victim")

        first_broken = TAMPERS[tamper](victim)
        broken = verify_audit().broken

        assert broken is not None
        assert (broken.organisation_id, broken.seq) == (victim.organisation_id, first_broken)


any_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@given(
    actor=st.none() | st.integers(-(2**63), 2**63 - 1),
    action=any_text,
    object_type=any_text,
    object_id=any_text,
    detail=st.dictionaries(any_text, json_values, max_size=4),
    created_at=st.datetimes(timezones=st.sampled_from([dt.UTC, AMSTERDAM])),
)
def test_it_writes_the_payload_text_verify_audit_hashes_as_the_chain_does(
    actor: int | None,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any],
    created_at: dt.datetime,
) -> None:
    text = chain.payload_text(
        actor="null" if actor is None else str(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=chain.canonical_json(detail),
        created_at=chain.iso_time(created_at),
    )

    assert hashlib.sha256(text.encode()).hexdigest() == chain.payload_hash(
        actor_id=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        created_at=created_at,
    )


@pytest.mark.django_db
def test_it_accepts_entries_with_every_kind_of_character() -> None:
    # Tabs, newlines, backslashes and quotes are escaped twice on the way
    # out of PostgreSQL (by jsonb and by COPY); none of it may look altered.
    awkward = 'a\tb\nc\\d"e\x01f\r\x7fé€😀'
    audit_record(actor=None, organisation_id=3, action=awkward, detail={awkward: [awkward, 1]})
    audit_record(actor=None, organisation_id=3, action="next", detail={"k": "\\N"})

    result = verify_audit()

    assert (result.checked, result.broken) == (2, None)
