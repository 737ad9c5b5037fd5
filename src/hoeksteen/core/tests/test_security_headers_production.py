"""Security headers and cookies as a production host serves them: the real
gunicorn (`python -m hoeksteen serve`, two workers) with HOEKSTEEN_PRODUCTION=1,
behind a TLS-terminating proxy that sends X-Forwarded-Proto."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from cryptography.fernet import Fernet

import hoeksteen

SRC = Path(hoeksteen.__file__).resolve().parent.parent
PASSWORD = "a long production password"
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: str

    def header(self, name: str) -> str:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        assert len(values) == 1, f"{name}: {values}"
        return values[0]

    def cookie(self, name: str) -> str:
        lines = [v for k, v in self.headers if k.lower() == "set-cookie" and v.startswith(name)]
        assert len(lines) == 1, f"{name}: {lines}"
        return lines[0]


@dataclass(frozen=True)
class Server:
    port: int

    def request(self, method: str, path: str, *, https: bool = True, **headers: str) -> Answer:
        body = headers.pop("body", None)
        if https:
            headers["X-Forwarded-Proto"] = "https"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.getheaders(), response.read().decode())
        finally:
            connection.close()


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "hoeksteen", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("production")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "PYTHONPATH": str(SRC),
        "HOEKSTEEN_PRODUCTION": "1",
        "HOEKSTEEN_BEHIND_PROXY": "1",
        "HOEKSTEEN_VAR_DIR": str(home / "var"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "HOEKSTEEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "HOEKSTEEN_BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "2",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    (home / "var").mkdir()
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "createcachetable")
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    _manage(env, "createsuperuser", "--noinput", "--username", "root", "--email", "r@x.invalid")
    log = home / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "hoeksteen", "serve"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline and process.poll() is None:
            found = _LISTENING.search(log.read_text())
            port = int(found.group(1)) if found else None
            time.sleep(0.2)
        assert port is not None, log.read_text()
        server = Server(port)
        while server.request("GET", "/healthz").status != 200:  # workers booting
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_it_names_the_server_hoeksteen_without_a_version(server: Server) -> None:
    for answer in (server.request("GET", "/login/"), server.request("GET", "/no-such-page/")):
        assert answer.header("Server") == "hoeksteen"
        assert "gunicorn" not in str(answer.headers).lower()


def test_it_sends_hsts_with_subdomains_and_preload(server: Server) -> None:
    answer = server.request("GET", "/login/")
    assert answer.status == 200
    assert answer.header("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_it_redirects_plain_http_to_https_but_not_the_health_probe(server: Server) -> None:
    answer = server.request("GET", "/login/", https=False)
    assert answer.status == 301
    assert answer.header("Location").startswith("https://127.0.0.1")
    assert server.request("GET", "/healthz", https=False).status == 200


def test_it_sends_the_browser_protections_in_production(server: Server) -> None:
    answer = server.request("GET", "/login/")
    policy = answer.header("Content-Security-Policy")
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.header("X-Frame-Options") == "DENY"
    assert answer.header("Referrer-Policy") == "same-origin"
    assert answer.header("X-Content-Type-Options") == "nosniff"


def test_it_sets_only_secure_http_only_cookies(server: Server) -> None:
    page = server.request("GET", "/login/")
    csrf_cookie = page.cookie("csrftoken")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in csrf_cookie

    token = SimpleCookie(csrf_cookie)["csrftoken"].value
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert form_token is not None
    signed_in = server.request(
        "POST",
        "/login/",
        body=urlencode(
            {
                "csrfmiddlewaretoken": form_token.group(1),
                "username": "root",
                "password": PASSWORD,
            }
        ),
        Cookie=f"csrftoken={token}",
        Origin=f"https://127.0.0.1:{server.port}",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert signed_in.status == 302, signed_in.body[:500]
    session_cookie = signed_in.cookie("sessionid")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in session_cookie
