"""Pure hashing of audit entries: the chain's arithmetic, without a database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64
PLATFORM_CHAIN = 0


def entry_hash(
    *,
    organisation_id: int,
    seq: int,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any],
    created_at: dt.datetime,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical encoding of one entry and its predecessor's hash."""
    payload = json.dumps(
        [
            organisation_id,
            seq,
            actor_id,
            action,
            object_type,
            object_id,
            detail,
            created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
