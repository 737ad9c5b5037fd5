"""A real OpenID provider for the tests, and a person who signs in at it.

The provider is django-oidc-provider in the small project under
tests/oidc_provider_site/, served by Django's runserver in a subprocess on a
free port with its own SQLite database and a fresh RSA signing key. The person
is a requests session: it follows the provider's redirects and signs in on the
provider's own login form, as a browser would.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

SITE_DIR = Path(__file__).resolve().parent
PASSWORD = "provider-password"
CLIENT_SECRET = "hoeksteen-client-secret"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    """A port the OS has just handed out, for a server started right after."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, *, seconds: int = 180) -> None:
    """Wait until `url` answers 200; fail with the server's log if it dies or never does.

    A server may accept connections before it can answer (a gunicorn worker
    still importing Django), slowly on a busy machine: keep asking.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server stopped:\n{log.read_text()}")
        try:
            if requests.get(url, timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds}s:\n{log.read_text()}")


class Provider:
    """The running provider: its issuer, its users and its clients."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/openid"
        self.log = root / "provider.log"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(SITE_DIR),
            "DJANGO_SETTINGS_MODULE": "oidc_provider_site.settings",
            "OP_SITE_URL": self.url,
            "OP_DATABASE": str(root / "provider.sqlite3"),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def _manage(self, *args: str, stdin: str | None = None) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "django", *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self) -> None:
        self._manage("migrate", "-v0")
        self._manage("creatersakey")
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "django",
                    "runserver",
                    "--noreload",
                    f"127.0.0.1:{self.port}",
                ],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for(f"{self.issuer}/.well-known/openid-configuration", self.process, self.log)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def register(
        self, *, users: dict[str, tuple[str, tuple[str, ...]]], clients: dict[str, str]
    ) -> None:
        """Users by name: (e-mail, groups), signing in with PASSWORD; group "mfa"
        gives `amr: ["pwd", "mfa"]`, group "unverified" `email_verified: false`.
        Clients by redirect URI: client id and secret are CLIENT_ID and CLIENT_SECRET."""
        spec = {
            "users": [
                {"username": name, "password": PASSWORD, "email": email, "groups": groups}
                for name, (email, groups) in users.items()
            ],
            "clients": [
                {"client_id": client_id, "client_secret": CLIENT_SECRET, "redirect_uris": [uri]}
                for client_id, uri in clients.items()
            ],
        }
        self._manage("op_setup", stdin=json.dumps(spec))


def sign_in_at_provider(authorize_url: str, username: str) -> str:
    """Follow `authorize_url` as `username` until the provider sends the browser
    back to the client; return that address (the client's callback with code
    and state)."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=60)
    assert response.status_code == 302, response.text
    login_url = urljoin(authorize_url, response.headers["Location"])
    form = browser.get(login_url, timeout=60)
    token = _CSRF.search(form.text)
    assert token, form.text
    next_url = login_url.split("next=", 1)[1]
    response = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": PASSWORD,
            "next": requests.utils.unquote(next_url),
        },
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, f"the provider refused {username}: {response.text}"
    response = browser.get(
        urljoin(login_url, response.headers["Location"]), allow_redirects=False, timeout=60
    )
    assert response.status_code == 302, response.text
    callback: str = response.headers["Location"]
    return callback


def answer(response: Any) -> str:
    """A response's text, for assertion messages."""
    return getattr(response, "text", None) or response.content.decode(errors="replace")
