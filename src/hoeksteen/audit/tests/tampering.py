"""What an intruder with database access could do to the audit trail.

The model refuses save() on an existing entry and delete(), so these go
around it with raw SQL, the way a tamperer would.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from hoeksteen.audit.chain import entry_hash
from hoeksteen.audit.models import AuditChainHead, AuditEntry

_COLUMNS = [
    connection.ops.quote_name(field.column)
    for field in AuditEntry._meta.concrete_fields
    if not field.primary_key
]
_SEQ = connection.ops.quote_name("seq")


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            statement.format(
                table=connection.ops.quote_name(AuditEntry._meta.db_table),
                columns=", ".join(_COLUMNS),
                # the same columns, with the sequence number negated
                negated=", ".join(f"-{c}" if c == _SEQ else c for c in _COLUMNS),
            ),
            params,
        )


def alter(entry: AuditEntry, field: str, value: Any) -> None:
    """UPDATE one column of one entry."""
    column = connection.ops.quote_name(AuditEntry._meta.get_field(field).column)
    if field == "detail":
        value = json.dumps(value)
    elif field == "created_at":
        value = connection.ops.adapt_datetimefield_value(value)
    # The column name comes from the model, never from input.
    _sql(f"UPDATE {{table}} SET {column} = %s WHERE id = %s", [value, entry.pk])  # noqa: S608


def rehash(entry: AuditEntry, field: str, value: Any) -> None:
    """Alter one column and store the entry's hash to match, as a careful
    tamperer would; only the link to the next entry (or the head) still tells."""
    alter(entry, field, value)
    altered = AuditEntry.objects.get(pk=entry.pk)
    alter(entry, "hash", _hash_of(altered))


def delete(entry: AuditEntry) -> None:
    _sql("DELETE FROM {table} WHERE id = %s", [entry.pk])


def swap(first: AuditEntry, second: AuditEntry) -> None:
    """Exchange the places of two entries of one chain."""
    _sql("UPDATE {table} SET seq = %s WHERE id = %s", [-1, first.pk])
    _sql("UPDATE {table} SET seq = %s WHERE id = %s", [first.seq, second.pk])
    _sql("UPDATE {table} SET seq = %s WHERE id = %s", [second.seq, first.pk])


def reinsert(entry: AuditEntry) -> None:
    """Delete an entry and insert an exact copy, which gets a newer id."""
    _sql("UPDATE {table} SET seq = -seq WHERE id = %s", [entry.pk])
    _sql(
        "INSERT INTO {table} ({columns}) SELECT {negated} FROM {table} WHERE id = %s",
        [entry.pk],
    )
    _sql("DELETE FROM {table} WHERE id = %s", [entry.pk])


def _forged(predecessor: AuditEntry, action: str) -> AuditEntry:
    entry = AuditEntry(
        organisation_id=predecessor.organisation_id,
        seq=predecessor.seq + 1,
        actor_id=None,
        action=action,
        detail={},
        created_at=predecessor.created_at,
        prev_hash=predecessor.hash,
    )
    entry.hash = _hash_of(entry)
    return entry


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(
        organisation_id=entry.organisation_id,
        seq=entry.seq,
        actor_id=entry.actor_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        detail=entry.detail,
        created_at=entry.created_at,
        prev_hash=entry.prev_hash,
    )


def append_behind_the_head(organisation_id: int, *, action: str) -> AuditEntry:
    """Add a well-formed entry at the end without going through the head."""
    last = AuditEntry.objects.filter(organisation_id=organisation_id).latest("seq")
    forged = _forged(last, action)
    forged.save()
    return forged


def delete_and_relink(entry: AuditEntry) -> None:
    """Delete an entry and rewrite the links after it, and the head, so every
    hash fits again; only the gap in the sequence numbers still tells."""
    delete(entry)
    relink_after(entry.organisation_id, entry.seq, prev_hash=entry.prev_hash)


def relink_after(organisation_id: int, seq: int, *, prev_hash: str) -> None:
    """Link the entries after `seq` to `prev_hash` and rehash them, and the head."""
    later = AuditEntry.objects.filter(organisation_id=organisation_id, seq__gt=seq).order_by("seq")
    for following in later:
        following.prev_hash = prev_hash
        prev_hash = _hash_of(following)
        _sql(
            "UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s",
            [following.prev_hash, prev_hash, following.pk],
        )
    AuditChainHead.objects.filter(organisation_id=organisation_id).update(hash=prev_hash)


def insert_into_the_past(after: AuditEntry, *, action: str) -> AuditEntry:
    """Slip an entry in after `after` and rewrite the rest of the chain and its
    head so every hash and sequence number fits again. Only the row ids, which
    the database hands out in insertion order, still tell."""
    later = list(
        AuditEntry.objects.filter(organisation_id=after.organisation_id, seq__gt=after.seq)
        .order_by("seq")
        .values_list("pk", flat=True)
    )
    # Negated first, so the shift never collides with the unique (chain, seq).
    _sql(
        "UPDATE {table} SET seq = -seq - 1 WHERE organisation_id = %s AND seq > %s",
        [after.organisation_id, after.seq],
    )
    forged = _forged(after, action)
    forged.save()
    prev_hash = forged.hash
    for pk in later:
        _sql("UPDATE {table} SET seq = -seq WHERE id = %s", [pk])
        entry = AuditEntry.objects.get(pk=pk)
        entry.prev_hash = prev_hash
        prev_hash = _hash_of(entry)
        _sql(
            "UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, prev_hash, pk],
        )
    AuditChainHead.objects.filter(organisation_id=after.organisation_id).update(
        seq=after.seq + 1 + len(later), hash=prev_hash
    )
    return forged
