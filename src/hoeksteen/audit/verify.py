"""Verification of the audit chains (python -m hoeksteen verify-audit)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.db import transaction

from hoeksteen.audit.chain import GENESIS, entry_hash
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
)


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


def _verify_chain(
    organisation_id: int, *, start_seq: int, start_hash: str, progress: Callable[[int], object]
) -> tuple[int, Break | None, tuple[int, str]]:
    expected_seq, prev_hash, last_id = start_seq + 1, start_hash, 0
    checked = 0
    rows = (
        AuditEntry.objects.filter(organisation_id=organisation_id, seq__gt=start_seq)
        .order_by("seq")
        .values_list(*_FIELDS)
        .iterator(chunk_size=5000)
    )
    for (
        row_id,
        seq,
        actor_id,
        action,
        object_type,
        object_id,
        detail,
        created_at,
        prev,
        stored,
    ) in rows:
        if seq != expected_seq:
            return checked, Break(organisation_id, expected_seq, "missing (deleted)"), (0, "")
        if row_id < last_id:
            return checked, Break(organisation_id, seq, "out of order (inserted later)"), (0, "")
        if prev != prev_hash:
            return checked, Break(organisation_id, seq, "does not follow its predecessor"), (0, "")
        computed = entry_hash(
            organisation_id=organisation_id,
            seq=seq,
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=detail,
            created_at=created_at,
            prev_hash=prev,
        )
        if computed != stored:
            return checked, Break(organisation_id, seq, "altered"), (0, "")
        expected_seq, prev_hash, last_id = seq + 1, stored, row_id
        checked += 1
        if checked % 5000 == 0:
            progress(5000)
    progress(checked % 5000)
    return checked, None, (expected_seq - 1, prev_hash)


def verify_audit(
    *, incremental: bool = False, progress: Callable[[int], object] = lambda n: None
) -> VerifyResult:
    """Recompute every chain and compare it with its head.

    With `incremental`, each chain is checked from its last checkpoint on,
    after confirming the checkpointed entry itself is unchanged. An intact
    chain moves its checkpoint forward.
    """
    heads = {h.organisation_id: h for h in AuditChainHead.objects.all()}
    chain_ids = set(heads) | set(
        AuditEntry.objects.values_list("organisation_id", flat=True).distinct()
    )
    checkpoints = {c.organisation_id: c for c in AuditCheckpoint.objects.all()}
    total = 0
    for organisation_id in sorted(chain_ids):
        start_seq, start_hash = 0, GENESIS
        checkpoint = checkpoints.get(organisation_id)
        if incremental and checkpoint is not None:
            anchored = AuditEntry.objects.filter(
                organisation_id=organisation_id, seq=checkpoint.seq, hash=checkpoint.hash
            ).exists()
            if anchored:
                start_seq, start_hash = checkpoint.seq, checkpoint.hash
        checked, broken, (last_seq, last_hash) = _verify_chain(
            organisation_id, start_seq=start_seq, start_hash=start_hash, progress=progress
        )
        total += checked
        if broken is not None:
            return VerifyResult(checked=total, chains=len(chain_ids), broken=broken)
        head = heads.get(organisation_id)
        if head is None or head.seq != last_seq or head.hash != last_hash:
            missing_from = last_seq + 1
            return VerifyResult(
                checked=total,
                chains=len(chain_ids),
                broken=Break(organisation_id, missing_from, "missing at the end (deleted)"),
            )
        if last_seq:
            with transaction.atomic():
                AuditCheckpoint.objects.update_or_create(
                    organisation_id=organisation_id,
                    defaults={"seq": last_seq, "hash": last_hash, "verified_at": clock.now()},
                )
    return VerifyResult(checked=total, chains=len(chain_ids), broken=None)
