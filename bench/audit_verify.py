"""Benchmark: verify-audit against hashing the same bytes with hashlib alone.

    .venv/bin/python bench/audit_verify.py --database-url postgres://…/db --scale 1

Data: 100,000 x scale audit entries (10,000,000 at --scale 100) over
20 x scale chains. A database that already holds that many (the one
bench/generate made) is used as it is; otherwise the missing entries are
added with bench/datagen/audit.py (deterministic, seed 1).

Figures, from one run:

* full — `verify_audit()` over every chain, as `verify-audit` runs it;
* floor — hashlib.sha256 over exactly the bytes verify-audit hashes for each
  entry (payload text, then link text), built beforehand and held in memory,
  in a tight single-core loop (`.digest()`, no hex): full / floor ≤ 2;
* incremental — `verify_audit(incremental=True)` from checkpoints set so that
  the newest 1 % of each chain lies past them (as if the last verification
  ran when the trail was 99 % of its size): incremental / full ≤ 3 %.

The checkpoints are put back before every incremental repetition. Nothing
else is changed in the database.
"""

from __future__ import annotations

import gc
import hashlib
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _jobs import Results, median, options, say, setup, timed

FULL_BAR = 2.0
INCREMENTAL_BAR = 0.03


def main() -> None:
    parser = options(__doc__.split("\n\n")[0])
    args = parser.parse_args()
    setup(args.database_url)
    results = Results("audit_verify", args.scale)
    rows = 100_000 * args.scale
    ensure_trail(rows, chains=20 * args.scale)

    from hoeksteen.audit.models import AuditEntry

    total = AuditEntry.objects.count()
    say(f"audit trail: {total:,} entries; {args.repeat} repetitions, medians")
    full = median([time_full() for _ in range(args.repeat)])
    results.add("verify_full", full, "s", detail=f"{total:,} entries, one process")
    results.add("verify_per_entry", full / total * 1e6, "µs")
    floor = hash_floor()
    results.add(
        "hashlib_floor",
        floor,
        "s",
        detail="sha256 over the same bytes, in memory, one core",
    )
    results.add("verify_full_vs_floor", full / floor, "x", ratio=full / floor, bar=FULL_BAR)
    incremental, newest = time_incremental(args.repeat)
    results.add(
        "verify_incremental",
        incremental,
        "s",
        detail=f"newest {newest:,} entries (1 %) from the checkpoints",
    )
    results.add(
        "verify_incremental_vs_full",
        incremental / full * 100,
        "%",
        ratio=incremental / full,
        bar=INCREMENTAL_BAR,
    )
    if not results.write(args.results):
        say("A bar does not hold.")


def ensure_trail(rows: int, *, chains: int) -> None:
    """At least `rows` entries; the missing ones generated over chains 1..`chains`."""
    from datagen.audit import generate_audit
    from django.db import connection
    from tqdm import tqdm

    from hoeksteen.audit.models import AuditEntry

    missing = rows - AuditEntry.objects.count()
    if missing <= 0:
        return
    say(f"generating {missing:,} audit entries over {chains} chains")
    with tqdm(total=missing, unit=" entries", file=sys.stderr) as bar:
        generate_audit(
            connection,
            organisation_ids=list(range(1, chains + 1)),
            rows=missing,
            seed=1,
            progress=bar.update,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditentry")


def time_full() -> float:
    from hoeksteen.audit.verify import verify_audit

    outcome: list[object] = []
    seconds = timed(lambda: outcome.append(verify_audit()))
    result = outcome[0]
    if result.broken is not None:  # type: ignore[attr-defined]
        sys.exit(f"verify-audit found the trail broken: {result.broken}")  # type: ignore[attr-defined]
    say(f"    full verify {seconds:.3f} s")
    return seconds


def hash_floor(chunk: int = 500_000) -> float:
    """Seconds hashlib alone takes over the bytes verify-audit hashes, built
    in chunks (so 10M entries need not fit in memory) and timed per chunk."""
    from hoeksteen.audit.chain import link_text, payload_text
    from hoeksteen.audit.models import AuditChainHead
    from hoeksteen.audit.rows import entry_rows
    from hoeksteen.audit.verify import _canonical_detail

    ranges = [
        (chain, 0, seq)
        for chain, seq in AuditChainHead.objects.order_by("organisation_id").values_list(
            "organisation_id", "seq"
        )
    ]
    sha256 = hashlib.sha256
    seconds, texts = 0.0, []

    def hash_all() -> float:
        gc.collect()
        start = time.perf_counter()
        for payload, link in texts:
            sha256(payload).digest()
            sha256(link).digest()
        return time.perf_counter() - start

    for row in entry_rows(ranges):
        chain, _id, seq, actor, action, object_type, object_id, detail, created_at = row[:9]
        prev, stored_payload, tombstoned_at = row[9], row[11], row[12]
        payload = payload_text(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=_canonical_detail(detail),
            created_at=created_at,
        ).encode()
        payload_hash = stored_payload if tombstoned_at else sha256(payload).hexdigest()
        link = link_text(
            organisation_id=int(chain),
            seq=int(seq),
            created_at=created_at,
            payload_hash=payload_hash,
            prev_hash=prev,
        ).encode()
        texts.append((b"" if tombstoned_at else payload, link))
        if len(texts) == chunk:
            seconds += hash_all()
            texts = []
    return seconds + hash_all()


def time_incremental(repeat: int) -> tuple[float, int]:
    """Median seconds of an incremental run over the newest 1 % of each chain."""
    from hoeksteen.audit.models import AuditChainHead, AuditCheckpoint, AuditEntry
    from hoeksteen.audit.verify import verify_audit

    heads = dict(AuditChainHead.objects.values_list("organisation_id", "seq"))
    marks = {chain: seq - math.ceil(seq / 100) for chain, seq in heads.items()}
    newest = sum(heads[chain] - mark for chain, mark in marks.items())
    checkpoints = []
    for chain, mark in marks.items():
        if mark:
            entry = AuditEntry.objects.filter(organisation_id=chain, seq=mark).values("hash").get()
            checkpoints.append((chain, mark, entry["hash"]))
    samples = []
    for _ in range(repeat):
        AuditCheckpoint.objects.all().delete()
        AuditCheckpoint.objects.bulk_create(
            AuditCheckpoint(organisation_id=c, seq=s, hash=h, verified_at=_now())
            for c, s, h in checkpoints
        )
        start = time.perf_counter()
        result = verify_audit(incremental=True)
        seconds = time.perf_counter() - start
        if result.broken is not None or result.checked != newest:
            sys.exit(f"incremental verify: {result}")
        say(f"    incremental verify {seconds:.3f} s ({newest:,} entries)")
        samples.append(seconds)
    return median(samples), newest


def _now() -> object:
    from hoeksteen.core import clock

    return clock.now()


if __name__ == "__main__":
    main()
