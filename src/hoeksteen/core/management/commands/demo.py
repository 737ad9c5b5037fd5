"""python -m hoeksteen demo: load the demo organisation and print its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hoeksteen.core.address import local_url
from hoeksteen.core.demo import DEMO_PASSWORD, DEMO_SLUG, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation (idempotent) and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        url = local_url()
        self.stdout.write("")
        self.stdout.write("Demo organisation 'Gemeente Voorbeeld' is ready.")
        self.stdout.write(f"Sign in at {url}/ with password '{DEMO_PASSWORD}':")
        for username, role, needs_2fa in logins:
            mark = "  (2FA)" if needs_2fa else ""
            self.stdout.write(f"  {username:<12} {role}{mark}")
        self.stdout.write(
            "Users marked (2FA) are asked for a code: run\n"
            "  .venv/bin/python -m hoeksteen demo-totp USERNAME\n"
            "in another terminal and type the six digits it prints."
        )
        self.stdout.write(f"Organisation page: {url}/o/{DEMO_SLUG}/")
        self.stdout.write("")
