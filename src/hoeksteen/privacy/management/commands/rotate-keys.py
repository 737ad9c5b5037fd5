"""python -m hoeksteen rotate-keys [--new-key] [--drop-old-keys]"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hoeksteen.privacy import rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value and document under the current key. "
        "Safe to interrupt: run it again to resume."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="Embedded mode: first add a new current key to var/encryption-keys.",
        )
        parser.add_argument(
            "--drop-old-keys",
            action="store_true",
            help="Embedded mode: afterwards keep only the current key.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print no progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        embedded = not os.environ.get("HOEKSTEEN_ENCRYPTION_KEYS")
        if (options["new_key"] or options["drop_old_keys"]) and not embedded:
            raise CommandError(
                "Keys come from HOEKSTEEN_ENCRYPTION_KEYS: change that variable instead "
                "(new key first), run rotate-keys, then remove the old key."
            )
        if options["new_key"]:
            rotation.add_embedded_key()
            self.stdout.write("A new current key was added.")
        with tqdm(
            total=rotation.count_work(), unit=" rows", disable=options["quiet"], file=sys.stderr
        ) as bar:
            result = rotation.rotate_all(progress=bar.update)
        self.stdout.write(
            f"OK: {result.checked} rows checked, {result.rotated} values and "
            f"{result.files_rotated} documents re-encrypted under the current key."
        )
        if options["drop_old_keys"]:
            rotation.drop_old_embedded_keys()
            self.stdout.write("Old keys removed; only the current key remains.")
