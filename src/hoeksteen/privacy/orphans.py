"""Document files that no row names any more.

A document is written (encrypted) before the transaction that records it
commits. When the process dies in between, or a purge's transaction commits
but its process dies before it removes the files, a file stays behind that
no page can reach: still encrypted, but personal data kept without purpose.
The tick removes such files once they are old enough that no transaction
can still be about to record them.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hoeksteen.audit.actions import audit_record
from hoeksteen.complaints.models import Attachment

# Far longer than any request or transaction lasts.
ORPHAN_AGE = dt.timedelta(hours=1)
FOLDER = "attachments"
BATCH = 500

log = logging.getLogger(__name__)


def orphan_documents_remove(*, now: dt.datetime) -> int:
    """Remove the document files older than ORPHAN_AGE that no Attachment names."""
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    if not folder.is_dir():
        return 0
    cutoff = (now - ORPHAN_AGE).timestamp()
    old = sorted(
        f"{FOLDER}/{path.name}"
        for path in folder.iterdir()
        if path.is_file() and path.stat().st_mtime < cutoff
    )
    orphans = []
    for start in range(0, len(old), BATCH):
        names = old[start : start + BATCH]
        named = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
        orphans += [name for name in names if name not in named]
    for name in orphans:
        (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
    if orphans:
        log.warning("removed %d document files that no row names", len(orphans))
        with transaction.atomic():
            audit_record(
                actor=None,
                organisation_id=None,
                action="privacy.orphan_documents_removed",
                detail={"count": len(orphans)},
                now=now,
            )
    return len(orphans)
