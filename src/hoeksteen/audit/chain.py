"""Pure hashing of audit entries: the chain's arithmetic, without a database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64
PLATFORM_CHAIN = 0


def _digest(parts: list[Any]) -> str:
    encoded = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


# json.dumps(..., ensure_ascii=False) writes strings with this function.
quoted = json.encoder.encode_basestring


def canonical_json(value: Any) -> str:
    """A detail as `_digest` writes it inside its list."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_text(
    *, actor: str, action: str, object_type: str, object_id: str, detail: str, created_at: str
) -> str:
    """What `payload_hash` hashes, built from the entry's fields as text:
    actor "null" or its number, detail as `canonical_json`, the time as
    `iso_time`. The same string as `_digest`'s, without building a list and
    walking it (verify-audit does this for every entry)."""
    strings = f"{quoted(action)},{quoted(object_type)},{quoted(object_id)}"
    return f'[{actor},{strings},{detail},"{created_at}"]'


def link_text(
    *, organisation_id: int, seq: int, created_at: str, payload_hash: str, prev_hash: str
) -> str:
    """What `link_hash` hashes, from the time as `iso_time`."""
    return f'[{organisation_id},{seq},"{created_at}",{quoted(payload_hash)},{quoted(prev_hash)}]'


def iso_time(moment: dt.datetime) -> str:
    """An entry's time as the chain hashes it."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def payload_hash(
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any],
    created_at: dt.datetime,
) -> str:
    """SHA-256 over what an entry says. Kept with the entry, so that when its
    retention term ends the content can be removed (a tombstone) while the
    chain still verifies."""
    return _digest(
        [
            actor_id,
            action,
            object_type,
            object_id,
            detail,
            created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        ]
    )


def link_hash(
    *, organisation_id: int, seq: int, created_at: dt.datetime, payload_hash: str, prev_hash: str
) -> str:
    """The chain's link: the entry's place and time, its payload hash and its
    predecessor. The time is in the link too, so a tombstone (which keeps it)
    cannot be backdated to look old enough."""
    return _digest(
        [
            organisation_id,
            seq,
            created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            payload_hash,
            prev_hash,
        ]
    )


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
    """The link hash of an entry with this content."""
    payload = payload_hash(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        created_at=created_at,
    )
    return link_hash(
        organisation_id=organisation_id,
        seq=seq,
        created_at=created_at,
        payload_hash=payload,
        prev_hash=prev_hash,
    )
