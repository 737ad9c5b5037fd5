"""python -m hoeksteen restore PATH [--force]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hoeksteen.core import backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup` into the configured database and documents "
        "folder, then verify the audit trail; undo the restore if it does not verify. "
        "Stop the web processes and the tick first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The archive written by `backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data (it is discarded on success).",
        )
        parser.add_argument("--quiet", action="store_true", help="Print no progress.")

    def handle(self, *args: Any, **options: Any) -> None:
        def say(message: str) -> None:
            if not options["quiet"]:
                sys.stderr.write(message + "\n")

        try:
            result = backup.restore(options["path"], force=options["force"], say=say)
        except backup.RestoreRefused as error:
            self.stderr.write(f"REFUSED: {error}")
            sys.exit(1)
        for warning in result.warnings:
            self.stderr.write(f"WARNING: {warning}")
        self.stdout.write(
            f"OK: restored the backup of {result.manifest['created_at']}; "
            f"{result.checked} audit entries verified."
        )
