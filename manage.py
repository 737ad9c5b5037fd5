#!/usr/bin/env python
"""Django's command-line utility; `python -m hoeksteen` is the same with a few extras."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoeksteen.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
