"""python -m hoeksteen backup [--output PATH]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hoeksteen.core import backup


class Command(BaseCommand):
    help = (
        "Write one archive (tar.gz) with the database, the private documents and a "
        "manifest. Safe while the server runs. The encryption keys are not included."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Where to write the archive (default: hoeksteen-backup-<time>.tar.gz here).",
        )
        parser.add_argument("--quiet", action="store_true", help="Print no progress.")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or backup.default_output()

        def say(message: str) -> None:
            if not options["quiet"]:
                sys.stderr.write(message + "\n")

        try:
            manifest = backup.backup(output, say=say)
        except backup.BackupError as error:
            self.stderr.write(f"FAILED: {error}")
            sys.exit(1)
        key = manifest["keys"]["current"] or "none"
        self.stdout.write(
            f"OK: {output} ({manifest['engine']}, {manifest['audit']['entries']} audit "
            f"entries, {manifest['documents']} documents; key {key})."
        )
