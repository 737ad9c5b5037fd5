"""Verification of the audit chains (python -m hoeksteen verify-audit).

Every hash is recomputed from the entry's fields; only a tombstone's payload
hash is taken as stored (its content is gone). The entries are read as text
in one stream (`rows.entry_rows`) and checked chain by chain in one loop
(`_verify_links`); the heads, checkpoints, retention terms and the check for
entries behind a head are one query each, whatever the number of chains, so
an incremental run costs what the new entries cost.

On PostgreSQL, for a large enough run outside a transaction, the database
recomputes the hashes first, on two connections at once (precheck.py): a
chain it vouches for is not read into Python at all, and only a chain it
flags goes through `_verify_links`, which names the break. Both ways give
the same result; precheck.py says why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Generator

from django.db import connection
from django.db.models import Min

from hoeksteen.audit.chain import (
    GENESIS,
    canonical_json,
    link_text,
    payload_text,
    quoted,
)
from hoeksteen.audit.models import AuditChainHead, AuditCheckpoint, AuditEntry
from hoeksteen.audit.precheck import Stretch, precheck
from hoeksteen.audit.rows import Range, Row, entry_rows
from hoeksteen.core import clock

_OUT_OF_ORDER = "out of order (inserted later)"
# The platform chain (organisation 0) has no regulation of its own.
DEFAULT_RETENTION_DAYS = 1825

Progress = Callable[[int], object]

# From this many entries on, the database's pre-check on two connections is
# quicker than the Python loop, opening the second connection included.
_PRECHECK_FROM = 10_000


@dataclasses.dataclass(frozen=True)
class Break:
    organisation_id: int
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"chain {self.organisation_id}, entry {self.seq}: {self.reason}"


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    checked: int
    chains: int
    broken: Break | None


@dataclasses.dataclass(frozen=True)
class _Link:
    """The last entry found intact, from which checking goes on."""

    seq: int
    hash: str
    row_id: int = 0


_START = _Link(0, GENESIS)


@dataclasses.dataclass(frozen=True)
class _Chain:
    """One chain as verify-audit found it: its head as read at the start,
    where checking started and how it ended."""

    organisation_id: int
    head: tuple[int, str]
    checked: int
    last: _Link
    broken: Break | None


def _canonical_detail(text: str, cache: dict[str, str] = {}) -> str:  # noqa: B006 (the cache)
    """The detail in the form the payload hash covers. Details repeat (most
    are {} or a state change), so each distinct text is parsed once."""
    canonical = cache.get(text)
    if canonical is None:
        if len(cache) > 100_000:
            cache.clear()
        canonical = cache[text] = canonical_json(json.loads(text))
    return canonical


def _computed_hash(row: Row) -> str:
    """The link hash of a row as it is now (a tombstone by its stored payload hash)."""
    chain, _id, seq, actor, action, object_type, object_id, detail, created_at = row[:9]
    prev, _stored, stored_payload, tombstoned_at = row[9:]
    payload = (
        stored_payload
        if tombstoned_at
        else hashlib.sha256(
            payload_text(
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                detail=_canonical_detail(detail),
                created_at=created_at,
            ).encode()
        ).hexdigest()
    )
    text = link_text(
        organisation_id=int(chain),
        seq=int(seq),
        created_at=created_at,
        payload_hash=payload,
        prev_hash=prev,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _verify_links(
    organisation_id: int,
    rows: Generator[Row],
    row: Row | None,
    *,
    start: _Link,
    now: dt.datetime,
    retention: dt.timedelta,
    progress: Progress,
) -> tuple[int, Break | None, _Link, Row | None]:
    """Check the chain's rows, the first of which is `row`; return how many are
    intact, the first break, the last intact entry and the next chain's first row."""
    key = str(organisation_id)
    last, before_last_id, checked = start, 0, 0
    last_seq, last_hash, last_id = start.seq, start.hash, start.row_id
    sha256, canonical, prefix = hashlib.sha256, _canonical_detail, f"[{organisation_id},"
    broken = None
    while row is not None and row[0] == key:
        _chain, id_, seq_text, actor, action, object_type, object_id, detail, created_at = row[:9]
        prev, stored, stored_payload, tombstoned_at = row[9:]
        seq, row_id = int(seq_text), int(id_)
        if seq != last_seq + 1:
            broken = Break(organisation_id, last_seq + 1, "missing (deleted)")
        elif row_id < last_id:
            # Appends to a chain are serialised and ids are handed out in
            # insertion order, so ids rise along the chain. When this entry
            # still follows the one before its predecessor, the predecessor is
            # the one that was inserted later (a forgery or a re-inserted copy).
            if row_id > before_last_id:
                checked -= 1
                broken = Break(organisation_id, last_seq, _OUT_OF_ORDER)
            else:
                broken = Break(organisation_id, seq, _OUT_OF_ORDER)
        elif prev != last_hash:
            broken = Break(organisation_id, seq, "does not follow its predecessor")
        else:
            # chain.payload_text and chain.link_text, inlined: this runs for
            # every entry. `prev` equals a hash computed before, so it is hex.
            if tombstoned_at:
                payload = quoted(stored_payload)
            else:
                payload = sha256(
                    f"[{actor},{quoted(action)},{quoted(object_type)},{quoted(object_id)},"
                    f'{canonical(detail)},"{created_at}"]'.encode()
                ).hexdigest()
                payload = f'"{payload}"'
            link = f'{prefix}{seq_text},"{created_at}",{payload},"{prev}"]'
            if sha256(link.encode()).hexdigest() != stored:
                broken = Break(organisation_id, seq, "altered")
            elif tombstoned_at and _early(tombstoned_at, created_at, now, retention):
                broken = Break(organisation_id, seq, "emptied before its retention term")
        if broken is not None:
            last = _Link(last_seq, last_hash, last_id)
            return checked, broken, last, None
        before_last_id, last_seq, last_hash, last_id = last_id, seq, stored, row_id
        checked += 1
        if checked % 5000 == 0:
            progress(5000)
        row = next(rows, None)
    progress(checked % 5000)
    return checked, None, _Link(last_seq, last_hash, last_id), row


def _early(tombstoned_at: str, created_at: str, now: dt.datetime, retention: dt.timedelta) -> bool:
    """A tombstone on an entry younger than the organisation's term was when
    it was made is tampering. (Lengthening the term later makes earlier
    tombstones look early: docs/adr/0003-retention.md.)"""
    emptied = dt.datetime.fromisoformat(tombstoned_at)
    return emptied > now or dt.datetime.fromisoformat(created_at) > emptied - retention


def _anchors(checkpoints: dict[int, AuditCheckpoint]) -> dict[int, _Link]:
    """Where checking may start: each checkpointed entry that still hashes to
    what was verified (the others start at the beginning of their chain)."""
    ranges = [(chain, c.seq - 1, c.seq) for chain, c in sorted(checkpoints.items())]
    anchors = {}
    for row in entry_rows(ranges):
        checkpoint = checkpoints[int(row[0])]
        if row[10] == checkpoint.hash == _computed_hash(row):
            anchors[checkpoint.organisation_id] = _Link(
                checkpoint.seq, checkpoint.hash, int(row[1])
            )
    return anchors


def _retention_days(chain_ids: list[int]) -> dict[int, int]:
    """Entries may be emptied (tombstoned) only after this many days."""
    from hoeksteen.organisations.models import ComplaintRegulation

    terms = dict(
        ComplaintRegulation.objects.filter(organisation_id__in=chain_ids).values_list(
            "organisation_id", "audit_retention_days"
        )
    )
    return {chain: terms.get(chain, DEFAULT_RETENTION_DAYS) for chain in chain_ids}


def _heads() -> dict[int, tuple[int, str]]:
    """Every chain's newest sequence number and hash, as of now."""
    return {
        chain: (seq, hash_)
        for chain, seq, hash_ in AuditChainHead.objects.values_list(
            "organisation_id", "seq", "hash"
        )
    }


_CHAINS = """
WITH RECURSIVE chains(id) AS (
    SELECT min(organisation_id) FROM audit_auditentry
    UNION ALL
    SELECT (SELECT min(organisation_id) FROM audit_auditentry WHERE organisation_id > chains.id)
    FROM chains WHERE chains.id IS NOT NULL
)
SELECT id FROM chains WHERE id IS NOT NULL
"""


def _chains_with_entries() -> set[int]:
    """The chains that have entries, found by skipping through the index on
    (chain, seq) from one chain to the next rather than reading every entry."""
    with connection.cursor() as cursor:
        cursor.execute(_CHAINS)
        return {chain for (chain,) in cursor.fetchall()}


_FIRST_PAST = """
SELECT r.chain, (
    SELECT min(e.seq) FROM audit_auditentry e WHERE e.organisation_id = r.chain AND e.seq > r.seq
)
FROM unnest(%s::bigint[], %s::bigint[]) AS r(chain, seq)
"""


def _behind_the_heads(chains: list[_Chain]) -> dict[int, int]:
    """Per chain, the first entry past its head that no append accounts for."""
    if not chains:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _FIRST_PAST,
                [[c.organisation_id for c in chains], [c.head[0] for c in chains]],
            )
            past = {chain: first for chain, first in cursor.fetchall() if first is not None}
    else:
        past = {}
        for c in chains:
            first = AuditEntry.objects.filter(
                organisation_id=c.organisation_id, seq__gt=c.head[0]
            ).aggregate(first=Min("seq"))["first"]
            if first is not None:
                past[c.organisation_id] = first
    # An append commits its entry and the head together: an entry seen now
    # that a head read after it does not cover was written behind its back.
    heads = _heads() if past else {}
    return {chain: first for chain, first in past.items() if first > heads.get(chain, (0,))[0]}


# (chain, intact entries, the first break, the last intact entry)
_Links = tuple[int, int, Break | None, _Link]


def _links_in_python(
    chain_ids: list[int],
    heads: dict[int, tuple[int, str]],
    starts: dict[int, _Link],
    retention: dict[int, int],
    now: dt.datetime,
    progress: Progress,
) -> Generator[_Links]:
    """Each chain's links checked by `_verify_links`, chain by chain in one stream."""
    ranges: list[Range] = [
        (chain, starts.get(chain, _START).seq, heads.get(chain, (0, GENESIS))[0])
        for chain in chain_ids
    ]
    # closing: a break leaves the rest of the stream unread.
    with contextlib.closing(entry_rows(ranges)) as rows:
        row = next(rows, None)
        for chain in chain_ids:
            checked, broken, last, row = _verify_links(
                chain,
                rows,
                row,
                start=starts.get(chain, _START),
                now=now,
                retention=dt.timedelta(days=retention[chain]),
                progress=progress,
            )
            yield chain, checked, broken, last


def _links_in_database(
    chain_ids: list[int],
    heads: dict[int, tuple[int, str]],
    starts: dict[int, _Link],
    retention: dict[int, int],
    now: dt.datetime,
    progress: Progress,
) -> Generator[_Links]:
    """Each chain's links as the database's pre-check found them, and as
    `_verify_links` finds them where the pre-check flagged an entry."""
    stretches = []
    for chain in chain_ids:
        start = starts.get(chain, _START)
        upto = heads.get(chain, (0, GENESIS))[0]
        stretches.append(
            Stretch(chain, start.seq, start.hash, start.row_id, upto, retention[chain])
        )
    outcomes = precheck(stretches, now=now, progress=progress)
    for chain in chain_ids:
        outcome = outcomes[chain]
        if outcome.flagged is not None:
            # The rows are read again, so progress is not told twice.
            yield from _links_in_python([chain], heads, starts, retention, now, lambda n: None)
        else:
            last = _Link(*outcome.last) if outcome.last else starts.get(chain, _START)
            yield chain, outcome.checked, None, last


def _verify_chains(
    chain_ids: list[int],
    heads: dict[int, tuple[int, str]],
    starts: dict[int, _Link],
    progress: Progress,
    *,
    in_database: bool,
) -> list[_Chain]:
    """Check the chains in order up to the first broken one."""
    links = _links_in_database if in_database else _links_in_python
    chains = []
    with contextlib.closing(
        links(chain_ids, heads, starts, _retention_days(chain_ids), clock.now(), progress)
    ) as checked_chains:
        for chain, checked, broken, last in checked_chains:
            head_seq, head_hash = heads.get(chain, (0, GENESIS))
            if broken is None and last.seq < head_seq:
                broken = Break(chain, last.seq + 1, "missing at the end (deleted)")
            if broken is None and last.hash != head_hash:
                broken = Break(chain, last.seq, "altered (differs from the chain's head)")
            chains.append(_Chain(chain, (head_seq, head_hash), checked, last, broken))
            if broken is not None:
                break
    return chains


def verify_audit(*, incremental: bool = False, progress: Progress = lambda n: None) -> VerifyResult:
    """Recompute every chain and compare it with its head.

    With `incremental`, each chain is checked from its last checkpoint on,
    after confirming the checkpointed entry itself is unchanged; otherwise
    from its first entry. An intact chain moves its checkpoint forward.
    `progress` is told how many more entries were checked.
    """
    return _verify_audit(incremental=incremental, progress=progress, in_database=None)


def _precheck_pays(entries: int) -> bool:
    """Whether the database's pre-check is quicker here than the Python loop:
    only on PostgreSQL, with two connections (outside a transaction, whose
    uncommitted entries another connection would not see) and enough entries
    to pay for opening the second."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and entries >= _PRECHECK_FROM
    )


def _verify_audit(
    *, incremental: bool, progress: Progress, in_database: bool | None
) -> VerifyResult:
    """verify_audit, with the hashes recomputed by the database's pre-check
    (`in_database`), by Python alone, or as `_precheck_pays` decides (None).
    Tests compare the two ways."""
    # The heads are read first and only entries up to them are checked, so
    # appends made while verify-audit runs are left for the next run.
    heads = _heads()
    chain_ids = sorted(set(heads) | _chains_with_entries())
    starts: dict[int, _Link] = {}
    if incremental:
        starts = _anchors({c.organisation_id: c for c in AuditCheckpoint.objects.all()})
        starts = {chain: s for chain, s in starts.items() if s.seq <= heads.get(chain, (0,))[0]}
    if in_database is None:
        entries = sum(seq - starts.get(chain, _START).seq for chain, (seq, _hash) in heads.items())
        in_database = _precheck_pays(entries)
    chains = _verify_chains(chain_ids, heads, starts, progress, in_database=in_database)
    behind = _behind_the_heads([c for c in chains if c.broken is None])
    for i, chain in enumerate(chains):
        if chain.broken is None and chain.organisation_id in behind:
            reason = "not in the chain's head (inserted later)"
            chains[i] = dataclasses.replace(
                chain, broken=Break(chain.organisation_id, behind[chain.organisation_id], reason)
            )
            del chains[i + 1 :]
            break
    intact = [c for c in chains if c.broken is None and c.last.seq]
    AuditCheckpoint.objects.bulk_create(
        [
            AuditCheckpoint(
                organisation_id=c.organisation_id,
                seq=c.last.seq,
                hash=c.last.hash,
                verified_at=clock.now(),
            )
            for c in intact
        ],
        update_conflicts=True,
        unique_fields=["organisation_id"],
        update_fields=["seq", "hash", "verified_at"],
    )
    return VerifyResult(
        checked=sum(c.checked for c in chains),
        chains=len(chain_ids),
        broken=next((c.broken for c in chains if c.broken is not None), None),
    )
