"""python -m hoeksteen lockouts [--hours N]"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hoeksteen.audit.chain import PLATFORM_CHAIN
from hoeksteen.audit.models import AuditEntry
from hoeksteen.core import clock


class Command(BaseCommand):
    help = (
        "List the guessing lockouts of the last hours, from the platform audit chain: "
        "when, which limit, and a hash of the locked key (no names or addresses)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="How far back (default 24).")

    def handle(self, *args: Any, **options: Any) -> None:
        since = clock.now() - dt.timedelta(hours=options["hours"])
        entries = AuditEntry.objects.filter(
            organisation_id=PLATFORM_CHAIN, action="security.lockout", created_at__gte=since
        ).order_by("created_at")
        per_limit: Counter[str] = Counter()
        for entry in entries:
            limit = str(entry.detail.get("limit", "?"))
            per_limit[limit] += 1
            self.stdout.write(
                f"{entry.created_at:%Y-%m-%d %H:%M:%S%z} {limit} key={entry.detail.get('key', '?')}"
            )
        summary = ", ".join(f"{limit}: {count}" for limit, count in sorted(per_limit.items()))
        self.stdout.write(
            f"{sum(per_limit.values())} lockouts in the last {options['hours']} hours"
            + (f" ({summary})." if summary else ".")
        )
