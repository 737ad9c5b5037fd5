"""python -m hoeksteen tick [--loop SECONDS]"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hoeksteen.core import clock
from hoeksteen.outbox.tick import run_tick


class Command(BaseCommand):
    help = "Run the time-based work once (term reminders, routing, outgoing mail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep ticking, this many seconds apart.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            done = run_tick(now=clock.now())
            summary = ", ".join(f"{name}: {count}" for name, count in done.items())
            self.stdout.write(f"tick: {summary}")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
