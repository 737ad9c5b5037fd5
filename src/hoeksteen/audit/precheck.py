"""verify-audit's pre-check on PostgreSQL: every hash recomputed in the database.

Python cannot even read 10,000,000 entries as fast as hashlib hashes them
(COPY's text alone costs more per entry than both hashes), so on PostgreSQL
the database recomputes every entry itself: one query per batch of chains
builds, per entry, the payload text and link text that `chain.payload_text`
and `chain.link_text` build, hashes them with `sha256`, and compares. Only
one row per chain comes back: how many entries it checked, the first entry
it could not vouch for (`flagged`), and its last entry. A chain with a flag
is then checked again, whole, by verify-audit's Python loop
(`verify._verify_links`), which names the break exactly as it always has; a
chain without one is taken as the pre-check found it.

Why "not flagged" may stand in for "intact"
-------------------------------------------
The query reads the same rows in the same order as `rows.entry_rows` (one
range scan per chain, after..upto, ordered by seq) and flags an entry when
any check of `_verify_links` could fail on it, comparing it with the entry
before it (a window `lag`, or the start's seq, hash and row id for the
first):

* its seq is not the previous seq + 1 ("missing");
* its row id is not greater than the previous one (Python breaks only on
  smaller: "out of order");
* its prev_hash is not the previous entry's hash;
* the link hash of the text below is not its stored hash ("altered");
* it is a tombstone made at or after `now`, or no more than the retention
  term after the entry's time, or on an entry dated before the year 1
  (`_early` parses the times from text, which has no room for BC years;
  with those excluded both compare the same instants, and the boundaries
  are flagged, not decided).

Each text is built exactly as Python builds it from the COPY text of the
same row: the time by the same `to_char` (rows.TIME_FORMAT); actor as
"null" or the number; action, object type, object id and a tombstone's
payload hash quoted by `to_json`, whose escaping (escape_json: `"` and `\\`,
\\b \\f \\n \\r \\t, other characters below U+0020 as \\u00xx, nothing else)
is `json.encoder.encode_basestring`'s; the detail by `audit_canonical_json`
below, which returns NULL for anything it cannot write exactly as
`chain.canonical_json(json.loads(jsonb text))` does. A NULL anywhere makes
the comparison NULL, and NULL counts as flagged (`coalesce(..., false)`).

So for an entry the pre-check does not flag, each of Python's checks passes
on the same values; for a chain without a flag Python would find no break,
count the same entries and end on the same last entry. The checks against
the head, the entries behind the heads and the checkpoints stay in
verify.py and run on the outcome either way. A false alarm (a float in a
detail, say) only costs that chain the time of the Python loop. The
property tests hold the SQL form of a detail to `chain.canonical_json`, and
the whole path to the pure Python one.

The canonical form of a detail in SQL
-------------------------------------
`json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`:
keys sorted by code point, which for UTF-8 is byte order, COLLATE "C" (a
database created with en-US, as PostgreSQL's images are, sorts "Z" after
"from");
strings and keys as jsonb writes them (escape_json, as above); true, false
and null as they are; a number only when jsonb writes it as an integer
(digits, an optional minus: Python reads it back as an int and writes the
same digits) and shorter than Python's limit for converting an int to text
(4300 digits), otherwise NULL: jsonb writes 1.50 where Python writes 1.5.
Nesting deeper than 64 levels is NULL too (Python's json recursion has a
limit; the pre-check need not find it). A member that is NULL makes its
whole object or array NULL: `string_agg` would silently leave it out.

Where it lives, and what it calls
---------------------------------
The two functions are created by each check, in the session's own
temporary schema, and rolled back with the check's transaction. A function
in a real schema (made by a migration) could be replaced, CREATE OR
REPLACE, by anyone who can write the audit table, and would then vouch for
whatever it was made to; a temporary one comes from this code, as the
Python check does, and no other session can change it. Every function the
SQL calls is schema-qualified (pg_catalog., pg_temp.), so a function a user
created elsewhere cannot stand in for it, and every operator is used on the
exact types of a built-in one, which PostgreSQL prefers to any other
(unless the search path itself puts another schema before pg_catalog, which
would redirect the table names as well).

Speed: an entry costs about 5 µs of database time (two `sha256` calls of
about 0.9 µs each, the texts, the window); the canonical detail is cached
per distinct (action, object type, detail) by the planner's Memoize node
(the function is declared expensive so that it is chosen), and JIT
compilation, which costs more than it saves here, is switched off for the
query. Batches of chains, balanced by their entries, run on two
connections at once, each in its own thread, unless the caller is inside a
transaction (other connections would not see its uncommitted entries).

On one connection the pre-check is no faster than the Python loop (both
about 5 µs an entry: Python's hashing is cheaper, reading the rows into
Python is not), so verify.py asks for it only where it can use two.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

from django.db import connection, transaction

from hoeksteen.audit.rows import TIME_FORMAT

Progress = Callable[[int], object]

# Two database connections at once (the machines it runs on have two cores,
# and the web workers need some of them too).
_WORKERS = 2
# Batches of about this many entries: progress after each, and enough of
# them for the two workers to finish at about the same time.
_BATCH_ENTRIES = 250_000

# PL/pgSQL, not SQL: a nested call of an SQL function is parsed and planned
# anew every time (about 250 µs for each nested object or array), where
# PL/pgSQL plans its queries once per session. A member that is NULL (flagged)
# makes its object or array NULL (HAVING): string_agg would silently leave it
# out. The members are a subquery of their own (OFFSET 0) so that each is
# written once: pulled up into the aggregate, a member would be written for
# count and again for string_agg, twice per level of nesting. Scalars are
# written by the SQL function below, which is inlined where it is called.
_CANONICAL_JSON = """
CREATE OR REPLACE FUNCTION pg_temp.audit_canonical_json(node jsonb, depth integer)
RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
BEGIN
    IF depth >= 64 THEN
        RETURN NULL;
    END IF;
    CASE pg_catalog.jsonb_typeof(node)
    WHEN 'object' THEN
        RETURN (
            SELECT '{' || coalesce(
                       pg_catalog.string_agg(m.text, ',' ORDER BY m.key COLLATE pg_catalog."C"), ''
                   ) || '}'
            FROM (
                SELECT e.key, pg_catalog.to_json(e.key)::text || ':' || CASE
                           WHEN pg_catalog.jsonb_typeof(e.value) IN ('object', 'array')
                           THEN pg_temp.audit_canonical_json(e.value, depth + 1)
                           ELSE pg_temp.audit_canonical_scalar(e.value)
                       END AS text
                FROM pg_catalog.jsonb_each(node) AS e
                OFFSET 0
            ) AS m
            HAVING pg_catalog.count(*) = pg_catalog.count(m.text)
        );
    WHEN 'array' THEN
        RETURN (
            SELECT '[' || coalesce(pg_catalog.string_agg(m.text, ',' ORDER BY m.n), '') || ']'
            FROM (
                SELECT a.n, CASE
                           WHEN pg_catalog.jsonb_typeof(a.value) IN ('object', 'array')
                           THEN pg_temp.audit_canonical_json(a.value, depth + 1)
                           ELSE pg_temp.audit_canonical_scalar(a.value)
                       END AS text
                FROM pg_catalog.jsonb_array_elements(node) WITH ORDINALITY AS a(value, n)
                OFFSET 0
            ) AS m
            HAVING pg_catalog.count(*) = pg_catalog.count(m.text)
        );
    ELSE
        RETURN pg_temp.audit_canonical_scalar(node);
    END CASE;
END
$$
"""
_CANONICAL_SCALAR = """
CREATE OR REPLACE FUNCTION pg_temp.audit_canonical_scalar(node jsonb)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN pg_catalog.jsonb_typeof(node) <> 'number' THEN node::text
    WHEN node::text ~ '^-?[0-9]+$' AND pg_catalog.length(node::text) < 4300 THEN node::text
END
$$
"""

# JIT compiling the check (and the function's queries in it) costs far more
# than it saves.
_PREPARE = f"SET LOCAL jit = off; {_CANONICAL_SCALAR}; {_CANONICAL_JSON}"

_CHECK = f"""
SELECT r.chain, c.checked, c.flagged, c.last_seq, c.last_hash, c.last_id
FROM ROWS FROM (
    pg_catalog.unnest(%(chains)s::bigint[]),
    pg_catalog.unnest(%(after_seqs)s::bigint[]),
    pg_catalog.unnest(%(after_hashes)s::text[]),
    pg_catalog.unnest(%(after_ids)s::bigint[]),
    pg_catalog.unnest(%(uptos)s::bigint[]),
    pg_catalog.unnest(%(retention_days)s::integer[])
) AS r (chain, after_seq, after_hash, after_id, upto, retention_days)
CROSS JOIN LATERAL (
    SELECT pg_catalog.count(*) AS checked,
           pg_catalog.min(l.seq) FILTER (WHERE NOT l.intact) AS flagged,
           pg_catalog.max(l.seq) AS last_seq,
           pg_catalog.max(l.hash) FILTER (WHERE l.is_last) AS last_hash,
           pg_catalog.max(l.id) AS last_id
    FROM (
        SELECT e.seq, e.id, e.hash,
               pg_catalog.lead(e.seq) OVER w IS NULL AS is_last,
               coalesce(
                   e.seq = pg_catalog.lag(e.seq, 1, r.after_seq) OVER w + 1
                   AND e.id > pg_catalog.lag(e.id, 1, r.after_id) OVER w
                   AND e.prev_hash = pg_catalog.lag(e.hash, 1, r.after_hash) OVER w
                   -- chain.link_text, around chain.payload_text's hash
                   AND e.hash = pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
                       '[' || r.chain::text || ',' || e.seq::text || ',"' || e.at || '",'
                       || CASE WHEN e.tombstoned_at IS NULL THEN
                              '"' || pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
                                  '[' || coalesce(e.actor_id::text, 'null')
                                  || ',' || e.action_and_type
                                  || ',' || pg_catalog.to_json(e.object_id)::text
                                  || ',' || e.detail
                                  || ',"' || e.at || '"]',
                                  'UTF8'
                              )), 'hex') || '"'
                          ELSE pg_catalog.to_json(e.payload_hash)::text
                          END
                       || ',"' || e.prev_hash || '"]',
                       'UTF8'
                   )), 'hex')
                   AND (
                       e.tombstoned_at IS NULL
                       OR e.tombstoned_at < %(now)s
                       AND e.created_at >= '0001-01-01 00:00:00+00'
                       AND e.tombstoned_at - e.created_at
                           > pg_catalog.make_interval(days => r.retention_days)
                   ),
                   false
               ) AS intact
        FROM (
            SELECT e.id, e.seq, e.hash::text, e.prev_hash::text, e.payload_hash::text,
                   e.actor_id, e.object_id::text, e.created_at, e.tombstoned_at,
                   m.action_and_type, m.detail,
                   pg_catalog.to_char(e.created_at AT TIME ZONE 'UTC', {TIME_FORMAT}) AS at
            FROM audit_auditentry AS e
            -- A subquery of its own (OFFSET 0), so that a Memoize node can
            -- keep its result for each distinct action, object type and detail.
            CROSS JOIN LATERAL (
                SELECT pg_catalog.to_json(e.action::text)::text
                       || ',' || pg_catalog.to_json(e.object_type::text)::text AS action_and_type,
                       pg_temp.audit_canonical_json(e.detail, 0) AS detail
                OFFSET 0
            ) AS m
            WHERE e.organisation_id = r.chain AND e.seq > r.after_seq AND e.seq <= r.upto
            -- The index on (organisation_id, seq) delivers this order: no sort.
            ORDER BY e.seq
            OFFSET 0
        ) AS e
        WINDOW w AS (ORDER BY e.seq)
    ) AS l
) AS c
"""  # noqa: S608 (TIME_FORMAT is a constant; values go in as parameters)


@dataclasses.dataclass(frozen=True)
class Stretch:
    """The entries of one chain to check: those after the entry (seq, hash,
    row id) already found intact, up to and including `upto`."""

    organisation_id: int
    after_seq: int
    after_hash: str
    after_id: int
    upto: int
    retention_days: int

    @property
    def entries(self) -> int:
        return max(self.upto - self.after_seq, 0)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What the pre-check found in one stretch: how many entries it read, the
    first it could not vouch for (None: it vouches for all), and the last
    one's seq, hash and row id (None when it read none)."""

    organisation_id: int
    checked: int
    flagged: int | None
    last: tuple[int, str, int] | None


def precheck(
    stretches: Sequence[Stretch], *, now: dt.datetime, progress: Progress
) -> dict[int, Outcome]:
    """Check every stretch in the database; the outcome per chain. Batches
    run on two connections of their own, or, inside a transaction, one after
    another on the caller's; `progress` is told each batch's entries."""
    outcomes: list[Outcome] = []
    if connection.in_atomic_block:
        for batch in _batches(stretches, workers=1):
            found = _check(batch, now)
            outcomes.extend(found)
            progress(sum(o.checked for o in found))
    else:
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            futures: list[Future[list[Outcome]]] = [
                pool.submit(_check_apart, batch, now)
                for batch in _batches(stretches, workers=_WORKERS)
            ]
            try:
                for future in as_completed(futures):
                    found = future.result()
                    outcomes.extend(found)
                    progress(sum(o.checked for o in found))
            finally:
                # After a failure, the batches not yet started are not started.
                for future in futures:
                    future.cancel()
    return {o.organisation_id: o for o in outcomes}


def _batches(stretches: Sequence[Stretch], *, workers: int) -> list[list[Stretch]]:
    """The stretches in batches of about equal entries (at least one per
    worker), the largest batch first: each stretch goes to the batch with the
    fewest entries so far, largest stretch first, so workers taking the next
    batch in turn finish at about the same time. (A chain is never split:
    one chain with more than half of all entries keeps one worker busy alone.)"""
    entries = sum(s.entries for s in stretches)
    count = min(max(-(-entries // _BATCH_ENTRIES), workers), len(stretches))
    bins: list[tuple[int, int]] = [(0, i) for i in range(count)]
    batches: list[list[Stretch]] = [[] for _ in range(count)]
    for stretch in sorted(stretches, key=lambda s: s.entries, reverse=True):
        size, i = heapq.heappop(bins)
        batches[i].append(stretch)
        heapq.heappush(bins, (size + stretch.entries, i))
    batches.sort(key=lambda batch: sum(s.entries for s in batch), reverse=True)
    return [sorted(batch, key=lambda s: s.organisation_id) for batch in batches]


def _check_apart(batch: list[Stretch], now: dt.datetime) -> list[Outcome]:
    """`_check` on a worker thread's own connection, closed afterwards:
    nothing else would close it."""
    try:
        return _check(batch, now)
    finally:
        connection.close()


def _check(batch: list[Stretch], now: dt.datetime) -> list[Outcome]:
    # The functions and the setting are rolled back with the transaction (or
    # savepoint): the check leaves nothing behind in the session.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_PREPARE)
        cursor.execute(
            _CHECK,
            {
                "chains": [s.organisation_id for s in batch],
                "after_seqs": [s.after_seq for s in batch],
                "after_hashes": [s.after_hash for s in batch],
                "after_ids": [s.after_id for s in batch],
                "uptos": [s.upto for s in batch],
                "retention_days": [s.retention_days for s in batch],
                "now": now,
            },
        )
        rows = cursor.fetchall()
        transaction.set_rollback(True)
    return [
        Outcome(chain, checked, flagged, None if last_seq is None else (last_seq, hash_, row_id))
        for chain, checked, flagged, last_seq, hash_, row_id in rows
    ]
