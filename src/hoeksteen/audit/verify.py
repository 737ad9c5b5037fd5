"""Verification of the audit chains (python -m hoeksteen verify-audit)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from hoeksteen.audit.chain import GENESIS, link_hash, payload_hash
from hoeksteen.audit.models import AuditChainHead, AuditCheckpoint, AuditEntry
from hoeksteen.core import clock

_FIELDS = (
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
_OUT_OF_ORDER = "out of order (inserted later)"
# The platform chain (organisation 0) has no regulation of its own.
DEFAULT_RETENTION_DAYS = 1825

Progress = Callable[[int], object]


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


def _computed_hash(organisation_id: int, row: tuple[Any, ...]) -> str:
    _id, seq, actor_id, action, object_type, object_id, detail, created_at, prev = row[:9]
    stored_payload, tombstoned_at = row[10], row[11]
    payload = (
        stored_payload
        if tombstoned_at is not None
        else payload_hash(
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=detail,
            created_at=created_at,
        )
    )
    return link_hash(
        organisation_id=organisation_id,
        seq=seq,
        created_at=created_at,
        payload_hash=payload,
        prev_hash=prev,
    )


def _verify_links(
    organisation_id: int,
    *,
    start: _Link,
    end_seq: int,
    now: dt.datetime,
    retention: dt.timedelta,
    progress: Progress,
) -> tuple[int, Break | None, _Link]:
    """Check the entries after `start` up to `end_seq`; return how many are intact,
    the first break and the last intact entry."""
    last, before_last_id, checked = start, 0, 0
    rows = (
        AuditEntry.objects.filter(
            organisation_id=organisation_id, seq__gt=start.seq, seq__lte=end_seq
        )
        .order_by("seq")
        .values_list(*_FIELDS)
        .iterator(chunk_size=5000)
    )
    for row in rows:
        row_id, seq, prev, stored = row[0], row[1], row[8], row[9]
        if seq != last.seq + 1:
            return checked, Break(organisation_id, last.seq + 1, "missing (deleted)"), last
        if row_id < last.row_id:
            # Appends to a chain are serialised and ids are handed out in
            # insertion order, so ids rise along the chain. When this entry
            # still follows the one before its predecessor, the predecessor is
            # the one that was inserted later (a forgery or a re-inserted copy).
            if row_id > before_last_id:
                return checked - 1, Break(organisation_id, last.seq, _OUT_OF_ORDER), last
            return checked, Break(organisation_id, seq, _OUT_OF_ORDER), last
        if prev != last.hash:
            return checked, Break(organisation_id, seq, "does not follow its predecessor"), last
        if _computed_hash(organisation_id, row) != stored:
            return checked, Break(organisation_id, seq, "altered"), last
        if row[11] is not None and (row[11] > now or row[7] > row[11] - retention):
            return checked, Break(organisation_id, seq, "emptied before its retention term"), last
        before_last_id, last = last.row_id, _Link(seq, stored, row_id)
        checked += 1
        if checked % 5000 == 0:
            progress(5000)
    progress(checked % 5000)
    return checked, None, last


def _anchor(organisation_id: int, checkpoint: AuditCheckpoint | None) -> _Link:
    """Where checking may start: the checkpointed entry if it still hashes to
    what was verified, else the beginning of the chain."""
    if checkpoint is None:
        return _START
    row = (
        AuditEntry.objects.filter(organisation_id=organisation_id, seq=checkpoint.seq)
        .values_list(*_FIELDS)
        .first()
    )
    if row is None or not row[9] == checkpoint.hash == _computed_hash(organisation_id, row):
        return _START
    return _Link(checkpoint.seq, checkpoint.hash, row[0])


def _retention_days(organisation_id: int) -> int:
    """Entries may be emptied (tombstoned) only after this many days."""
    from hoeksteen.organisations.models import ComplaintRegulation

    days = (
        ComplaintRegulation.objects.filter(organisation_id=organisation_id)
        .values_list("audit_retention_days", flat=True)
        .first()
    )
    return days if days is not None else DEFAULT_RETENTION_DAYS


def _head(organisation_id: int) -> tuple[int, str]:
    """The chain's newest sequence number and hash, as of now."""
    head = AuditChainHead.objects.filter(organisation_id=organisation_id).first()
    return (head.seq, head.hash) if head is not None else (0, GENESIS)


def _behind_the_head(organisation_id: int, head_seq: int) -> int | None:
    """The first entry past the head that no append accounts for."""
    first = (
        AuditEntry.objects.filter(organisation_id=organisation_id, seq__gt=head_seq)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    # An append commits its entry and the head together: an entry seen now
    # that a head read after it does not cover was written behind its back.
    if first is None or first <= _head(organisation_id)[0]:
        return None
    return first


def _verify_chain(
    organisation_id: int, *, checkpoint: AuditCheckpoint | None, progress: Progress
) -> tuple[int, Break | None, _Link]:
    # The head is read first and only entries up to it are checked, so
    # appends made while verify-audit runs are left for the next run.
    head_seq, head_hash = _head(organisation_id)
    start = _anchor(organisation_id, checkpoint)
    if start.seq > head_seq:
        start = _START
    checked, broken, last = _verify_links(
        organisation_id,
        start=start,
        end_seq=head_seq,
        now=clock.now(),
        # A tombstone on an entry younger than the organisation's term was
        # when it was made is tampering. (Lengthening the term later makes
        # earlier tombstones look early: docs/adr/0003-retention.md.)
        retention=dt.timedelta(days=_retention_days(organisation_id)),
        progress=progress,
    )
    if broken is None and last.seq < head_seq:
        broken = Break(organisation_id, last.seq + 1, "missing at the end (deleted)")
    if broken is None and last.hash != head_hash:
        broken = Break(organisation_id, last.seq, "altered (differs from the chain's head)")
    if broken is None:
        extra = _behind_the_head(organisation_id, head_seq)
        if extra is not None:
            broken = Break(organisation_id, extra, "not in the chain's head (inserted later)")
    return checked, broken, last


def verify_audit(*, incremental: bool = False, progress: Progress = lambda n: None) -> VerifyResult:
    """Recompute every chain and compare it with its head.

    With `incremental`, each chain is checked from its last checkpoint on,
    after confirming the checkpointed entry itself is unchanged; otherwise
    from its first entry. An intact chain moves its checkpoint forward.
    """
    chain_ids = sorted(
        set(AuditChainHead.objects.values_list("organisation_id", flat=True))
        | set(AuditEntry.objects.values_list("organisation_id", flat=True).distinct())
    )
    checkpoints = (
        {c.organisation_id: c for c in AuditCheckpoint.objects.all()} if incremental else {}
    )
    total = 0
    for organisation_id in chain_ids:
        checked, broken, last = _verify_chain(
            organisation_id, checkpoint=checkpoints.get(organisation_id), progress=progress
        )
        total += checked
        if broken is not None:
            return VerifyResult(checked=total, chains=len(chain_ids), broken=broken)
        if last.seq:
            AuditCheckpoint.objects.update_or_create(
                organisation_id=organisation_id,
                defaults={"seq": last.seq, "hash": last.hash, "verified_at": clock.now()},
            )
    return VerifyResult(checked=total, chains=len(chain_ids), broken=None)
