"""python -m hoeksteen demo-totp USERNAME: the current 2FA code of a demo user."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoeksteen.core.demo import PEOPLE, demo_totp_code


class Command(BaseCommand):
    help = "Print the current two-step code of a demo user (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo codes do not exist in production.")
        known = {p.username for p in PEOPLE} | {"beheer"}
        if options["username"] not in known:
            raise CommandError(f"Not a demo user. Choose one of: {', '.join(sorted(known))}.")
        self.stdout.write(demo_totp_code(options["username"]))
