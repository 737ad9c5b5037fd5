"""Where this machine's server can be reached, from HOEKSTEEN_BIND."""

from __future__ import annotations

import os


def local_url() -> str:
    """The base address of the gunicorn at HOEKSTEEN_BIND, as a client on this
    machine asks it (a server bound to every interface is asked at 127.0.0.1)."""
    bind = os.environ.get("HOEKSTEEN_BIND", "127.0.0.1:8000")
    host, _, port = bind.rpartition(":")
    if host in ("", "0.0.0.0", "[::]"):  # noqa: S104 - we connect, we do not bind
        host = "127.0.0.1"
    return f"http://{host}:{port}"
