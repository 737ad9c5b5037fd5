"""python -m hoeksteen healthcheck [--url URL]: is this machine's server answering?

For container HEALTHCHECKs and process supervisors: asks /healthz of the
gunicorn at HOEKSTEEN_BIND (0.0.0.0 is asked at 127.0.0.1), with a host name
from DJANGO_ALLOWED_HOSTS, so that production's host check lets it through.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoeksteen.core.address import local_url


def host_header() -> str:
    for host in settings.ALLOWED_HOSTS:
        name = host.lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


class Command(BaseCommand):
    help = "Exit 0 when the web server on this machine answers /healthz, else 1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=None, help="Base address (default: HOEKSTEEN_BIND).")

    def handle(self, *args: Any, **options: Any) -> None:
        url = (options["url"] or local_url()).rstrip("/") + "/healthz"
        request = urllib.request.Request(url, headers={"Host": host_header()})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                status = response.status
        except (urllib.error.URLError, OSError) as error:
            raise CommandError(f"{url} did not answer: {error}") from None
        if status != 200:
            raise CommandError(f"{url} answered {status}.")
        self.stdout.write(f"OK: {url}")
