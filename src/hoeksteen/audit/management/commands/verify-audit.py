"""python -m hoeksteen verify-audit [--incremental]"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from hoeksteen.audit.models import AuditEntry
from hoeksteen.audit.verify import verify_audit


class Command(BaseCommand):
    help = "Verify the hash chains of the audit trail; exit 1 at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Check only what was added since the last verified checkpoint.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print no progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        total = None if options["incremental"] else AuditEntry.objects.count()
        with tqdm(total=total, unit=" entries", disable=options["quiet"], file=sys.stderr) as bar:
            result = verify_audit(incremental=options["incremental"], progress=bar.update)
        if result.broken is not None:
            self.stderr.write(f"BROKEN: {result.broken} (after {result.checked} intact entries)")
            sys.exit(1)
        self.stdout.write(f"OK: {result.checked} entries in {result.chains} chains verified.")
