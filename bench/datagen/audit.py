"""Valid, hash-chained audit rows in bulk, for the benchmarks.

    generate_audit(connection, organisation_ids=[...], rows=10_000_000, seed=1)

`connection` is a psycopg 3 connection (autocommit or not: the rows are
committed here) or Django's `django.db.connection` on a PostgreSQL database;
both give a cursor with `copy()`. The rows go into `audit_auditentry` with
COPY, one chain per organisation id, and each chain's head
(`audit_auditchainhead`) is set to its last entry, so `verify-audit` passes.
A chain that already has a head is continued after it (that is how the
incremental benchmark adds its newest 1 %); no checkpoint is written: the
first `verify-audit` sets them.

The hashes are those of `hoeksteen.audit.chain` (payload hash, then link hash
over place, time, payload hash and predecessor). To be fast the JSON the
chain hashes is written out directly for the few shapes generated here; the
first entry of every chain is checked against `chain.entry_hash` and a
mismatch stops the run. Chains are hashed in worker processes (one per core)
and written by this process in order, so row ids rise along every chain as
they do in production. Rows of one chain lie together in the table (in
production they interleave with other chains' rows).

Everything depends only on `seed`, the organisation ids and `rows`: the share
of each organisation (skewed: a few large ones, many small), the actors,
actions, objects and details, and the times (spread over `period`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from hoeksteen.audit.chain import GENESIS, entry_hash

Progress = Callable[[int], object]

PERIOD = (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 6, 30, tzinfo=dt.UTC))

# (action, object type, detail as canonical JSON — sorted keys, no spaces —
# and the same as the jsonb text PostgreSQL is given)
_KINDS: list[tuple[str, str, str]] = [
    ("complaint.viewed", "complaints.complaint", "{}"),
    ("complaint.viewed", "complaints.complaint", "{}"),
    ("complaint.viewed", "complaints.complaint", "{}"),
    ("complaint.acknowledged", "complaints.complaint", '{"from":"received","to":"acknowledged"}'),
    ("complaint.closed", "complaints.complaint", '{"from":"decided","to":"closed"}'),
    ("melding.recorded", "practice.melding", "{}"),
    ("quality.conversation.viewed", "quality.conversation", "{}"),
    ("quality.checklist.saved", "quality.checklist", '{"items":12}'),
    ("retention.meldingen_purged", "", '{"count":1000}'),
    ("config.changed", "organisations.complaintregulation", '{"fields":["audit_retention_days"]}'),
]
_NULL = "\\N"  # COPY text for NULL
_COLUMNS = (
    "organisation_id, seq, actor_id, action, object_type, object_id, detail, "
    "created_at, prev_hash, payload_hash, hash"
)


def generate_audit(
    connection: Any,
    *,
    organisation_ids: list[int],
    rows: int,
    seed: int,
    progress: Progress | None = None,
    period: tuple[dt.datetime, dt.datetime] = PERIOD,
    processes: int | None = None,
) -> None:
    """Append `rows` valid audit entries over the chains of `organisation_ids`
    and move their heads; commit."""
    tell = progress or (lambda n: None)
    heads = _heads(connection, organisation_ids)
    sizes = _sizes(organisation_ids, rows, seed)
    jobs = [
        (org, heads.get(org, (0, GENESIS)), size, seed, period)
        for org, size in zip(organisation_ids, sizes, strict=True)
        if size
    ]
    new_heads: list[tuple[int, int, str]] = []
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY audit_auditentry ({_COLUMNS}) FROM STDIN") as copy:
            for org, n, (block, last_seq, last_hash) in _hashed(jobs, processes):
                copy.write(block)
                new_heads.append((org, last_seq, last_hash))
                tell(n)
        cursor.executemany(
            "INSERT INTO audit_auditchainhead (organisation_id, seq, hash) VALUES (%s, %s, %s) "
            "ON CONFLICT (organisation_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash",
            new_heads,
        )
    connection.commit()


def _heads(connection: Any, organisation_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT organisation_id, seq, hash FROM audit_auditchainhead "
            "WHERE organisation_id = ANY(%s)",
            [list(organisation_ids)],
        )
        return {org: (seq, hash_) for org, seq, hash_ in cursor.fetchall()}


def _sizes(organisation_ids: Sequence[int], rows: int, seed: int) -> list[int]:
    """Skewed shares (log-normal weights) that add up to exactly `rows`."""
    rng = random.Random(f"audit-sizes:{seed}")  # noqa: S311 (reproducible data, no secret)
    weights = [rng.lognormvariate(0, 1.2) for _ in organisation_ids]
    total = sum(weights)
    sizes = [int(rows * w / total) for w in weights]
    for i in range(rows - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


def _hashed(
    jobs: list[tuple[int, tuple[int, str], int, int, tuple[dt.datetime, dt.datetime]]],
    processes: int | None,
) -> Iterator[tuple[int, int, tuple[bytes, int, str]]]:
    workers = processes or os.cpu_count() or 1
    if workers == 1 or len(jobs) == 1:
        for job in jobs:
            yield job[0], job[2], _chain(job)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for job, result in zip(jobs, pool.imap(_chain, jobs, chunksize=1), strict=True):
            yield job[0], job[2], result


def _chain(
    job: tuple[int, tuple[int, str], int, int, tuple[dt.datetime, dt.datetime]],
) -> tuple[bytes, int, str]:
    """COPY text for `n` entries of one chain after (seq, hash); its new head."""
    org, (seq, prev), n, seed, (start, end) = job
    rng = random.Random(f"audit:{seed}:{org}:{seq}")  # noqa: S311 (reproducible data, no secret)
    sha256 = hashlib.sha256
    step = (end - start) / n
    lines: list[str] = []
    for i in range(n):
        seq += 1
        action, object_type, detail = _KINDS[rng.randrange(len(_KINDS))]
        actor = "null" if rng.random() < 0.1 else str(rng.randrange(1, 200_000))
        object_id = str(rng.randrange(1, 1_000_000)) if object_type else ""
        at = start + step * i + dt.timedelta(microseconds=rng.randrange(1_000_000))
        iso = at.isoformat(timespec="microseconds")
        # json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        # of chain.payload_hash and chain.link_hash, for strings with nothing to escape.
        payload = sha256(
            f'[{actor},"{action}","{object_type}","{object_id}",{detail},"{iso}"]'.encode()
        ).hexdigest()
        link = sha256(f'[{org},{seq},"{iso}","{payload}","{prev}"]'.encode()).hexdigest()
        if i < 50:  # every kind, with and without an actor
            _check(org, seq, actor, action, object_type, object_id, detail, at, prev, link)
        lines.append(
            f"{org}\t{seq}\t{_NULL if actor == 'null' else actor}\t{action}\t{object_type}\t"
            f"{object_id}\t{detail}\t{iso}\t{prev}\t{payload}\t{link}\n"
        )
        prev = link
    return "".join(lines).encode(), seq, prev


def _check(
    org: int,
    seq: int,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: str,
    at: dt.datetime,
    prev: str,
    link: str,
) -> None:
    import json

    expected = entry_hash(
        organisation_id=org,
        seq=seq,
        actor_id=None if actor == "null" else int(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=json.loads(detail),
        created_at=at,
        prev_hash=prev,
    )
    if expected != link:
        raise RuntimeError("generate_audit hashes differently from hoeksteen.audit.chain")
