"""Writing to the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction

from hoeksteen.audit.chain import GENESIS, PLATFORM_CHAIN, link_hash, payload_hash
from hoeksteen.audit.models import AuditChainHead, AuditEntry
from hoeksteen.core import clock


def _refuse_floats(value: object) -> None:
    # PostgreSQL's jsonb gives some floats back in another form (1e20 as
    # 100000000000000000000, -0.0 as 0.0), which hashes differently: verify-audit
    # would then report an intact entry as altered. A detail holds ids, states
    # and counts, so a float is a mistake anyway.
    if isinstance(value, float):
        raise TypeError("An audit detail holds no floats, only ids, states and counts.")
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


def audit_record(
    *,
    actor: Any,
    organisation_id: int | None,
    action: str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry to the organisation's chain.

    Call it inside the transaction of the change it records: if that change
    rolls back, so does the entry. `detail` must hold no personal data, only
    ids, states and counts (no floats). Appends to one chain are serialised by
    a row lock on its head, so concurrent writers never fork the chain.
    """
    _refuse_floats(detail)
    chain = organisation_id if organisation_id is not None else PLATFORM_CHAIN
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        AuditChainHead.objects.get_or_create(
            organisation_id=chain, defaults={"seq": 0, "hash": GENESIS}
        )
        head = AuditChainHead.objects.select_for_update().get(organisation_id=chain)
        entry = AuditEntry(
            organisation_id=chain,
            seq=head.seq + 1,
            actor_id=actor_id,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            detail=detail or {},
            created_at=now or clock.now(),
            prev_hash=head.hash,
        )
        entry.payload_hash = payload_hash(
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            detail=entry.detail,
            created_at=entry.created_at,
        )
        entry.hash = link_hash(
            organisation_id=entry.organisation_id,
            seq=entry.seq,
            created_at=entry.created_at,
            payload_hash=entry.payload_hash,
            prev_hash=entry.prev_hash,
        )
        entry.save()
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry
