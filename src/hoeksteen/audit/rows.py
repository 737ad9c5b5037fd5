"""Reading audit entries for verify-audit, as the text the chain hashes.

verify-audit recomputes every hash, so what it needs from a row is not a
model instance but the pieces of `chain.payload_hash` and `chain.link_hash`
as text. On PostgreSQL they come in one COPY stream (one index range scan
per chain, no ORM objects, no datetime objects: the time is formatted by the
database exactly as `isoformat(timespec="microseconds")` formats it in UTC);
elsewhere through the ORM, converted to the same text.

A row is a tuple of strings:
(chain, id, seq, actor, action, object type, object id, detail, time,
prev_hash, hash, payload_hash, tombstoned at), where actor is "null" or the
number, detail is JSON (any key order; the verifier puts it in canonical
form), time and tombstoned at are ISO 8601 in UTC ("" when not tombstoned).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Generator, Sequence

from django.db import connection

from hoeksteen.audit.chain import iso_time
from hoeksteen.audit.models import AuditEntry

Row = tuple[str, str, str, str, str, str, str, str, str, str, str, str, str]
# (chain, after this seq, up to and including this seq)
Range = tuple[int, int, int]

# to_char's format for a time in UTC as `chain.iso_time` writes it; the
# SQL pre-check (precheck.py) formats the time with it too.
TIME_FORMAT = """'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'"""

# One LATERAL index range scan per chain, in the order of the ranges: a
# nested loop over an ordered function scan keeps that order, and no sort
# runs over the (possibly millions of) rows.
_COPY = f"""
COPY (
    SELECT e.organisation_id, e.id, e.seq, coalesce(e.actor_id::text, 'null'),
           e.action, e.object_type, e.object_id, e.detail,
           to_char(e.created_at AT TIME ZONE 'UTC', {TIME_FORMAT}),
           e.prev_hash, e.hash, e.payload_hash,
           coalesce(to_char(e.tombstoned_at AT TIME ZONE 'UTC', {TIME_FORMAT}), '')
    FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS r(chain, after, upto)
    CROSS JOIN LATERAL (
        SELECT * FROM audit_auditentry e
        WHERE e.organisation_id = r.chain AND e.seq > r.after AND e.seq <= r.upto
        ORDER BY e.seq
    ) AS e
) TO STDOUT
"""  # noqa: S608 (TIME_FORMAT is a constant; values go in as parameters)
_FIELDS = (
    "organisation_id",
    "id",
    "seq",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "detail",
    "created_at",
    "prev_hash",
    "hash",
    "payload_hash",
    "tombstoned_at",
)
# COPY's text format escapes these with a backslash (and writes no others).
_COPY_ESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v"}
_COPY_ESCAPE = re.compile(r"\\(.)")


def entry_rows(ranges: Sequence[Range]) -> Generator[Row]:
    """The entries of each range's chain with after < seq <= upto, chain by
    chain in the order given, each chain in the order of seq."""
    if not ranges:
        yield from ()
    elif connection.vendor == "postgresql":
        yield from _copied(ranges)
    else:
        yield from _queried(ranges)


def _copied(ranges: Sequence[Range]) -> Generator[Row]:
    chains, afters, uptos = (list(column) for column in zip(*ranges, strict=True))
    with connection.cursor() as cursor, cursor.copy(_COPY, [chains, afters, uptos]) as copy:
        for data in copy:
            line = bytes(data).decode()
            if "\\" in line:
                yield _unescaped(line)
            else:
                yield tuple(line[:-1].split("\t"))  # type: ignore[misc]


def _unescaped(line: str) -> Row:
    return tuple(  # type: ignore[return-value]
        _COPY_ESCAPE.sub(lambda m: _COPY_ESCAPES.get(m[1], m[1]), field)
        for field in line[:-1].split("\t")
    )


def _queried(ranges: Sequence[Range]) -> Generator[Row]:
    for chain, after, upto in ranges:
        rows = (
            AuditEntry.objects.filter(organisation_id=chain, seq__gt=after, seq__lte=upto)
            .order_by("seq")
            .values_list(*_FIELDS)
            .iterator(chunk_size=5000)
        )
        for row in rows:
            yield _as_text(row)


def _as_text(row: tuple[object, ...]) -> Row:
    chain, id_, seq, actor, action, object_type, object_id, detail = row[:8]
    created_at, prev, hash_, payload, tombstoned_at = row[8:]
    assert isinstance(created_at, dt.datetime)
    return (
        str(chain),
        str(id_),
        str(seq),
        "null" if actor is None else str(actor),
        str(action),
        str(object_type),
        str(object_id),
        json.dumps(detail, ensure_ascii=False),
        iso_time(created_at),
        str(prev),
        str(hash_),
        str(payload),
        iso_time(tombstoned_at) if isinstance(tombstoned_at, dt.datetime) else "",
    )
