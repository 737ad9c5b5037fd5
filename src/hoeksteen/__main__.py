"""`python -m hoeksteen serve|tick|verify-audit|demo|demo-totp|…`

`serve` starts gunicorn with Hoeksteen's configuration; every other command
is a Django management command.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoeksteen.settings")
    args = sys.argv[1:]
    if args[:1] == ["serve"]:
        from gunicorn.app.wsgiapp import run

        sys.argv = ["gunicorn", "--config", "python:hoeksteen.gunicorn_conf", *args[1:]]
        sys.argv.append("hoeksteen.wsgi:application")
        run()
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hoeksteen", *args])


if __name__ == "__main__":
    main()
