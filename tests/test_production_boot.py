"""Hoeksteen as deployed: the production settings under gunicorn, against
PostgreSQL and Redis, a person signing in through the OpenID provider.

This test always needs PostgreSQL and Redis, on the SQLite run of the suite
too: it makes its own database (hk_oidc_boot_*) and drops it afterwards. If
either service cannot be reached it fails, naming it; it never skips.
HOEKSTEEN_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres,
a database to connect to for CREATE DATABASE) and HOEKSTEEN_TEST_REDIS_URL
(default redis://127.0.0.1:6379/3) say where they are.
"""

from __future__ import annotations

import http.cookiejar
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests
from cryptography.fernet import Fernet

import hoeksteen
from tests.openid_provider import CLIENT_SECRET, Provider, free_port, sign_in_at_provider, wait_for

pytestmark = pytest.mark.production

SRC = str(Path(hoeksteen.__file__).resolve().parent.parent)
POSTGRES_URL = os.environ.get(
    "HOEKSTEEN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("HOEKSTEEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")

SEED = """
import django
django.setup()
from hoeksteen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
acme = OrganisationFactory(name="Acme Zorg", slug="acme")
alice = UserFactory(username="alice", email="alice@example.invalid")
MembershipFactory(organisation=acme, user=alice)
"""


class LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies to http://127.0.0.1, as browsers do for loopback.

    Production cookies are Secure; the standard library's policy keeps them
    for https only, so without this the session would be lost between the
    start of the sign-in and the provider's answer.
    """

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        if urlsplit(request.get_full_url()).hostname == "127.0.0.1":
            return True
        ok: bool = super().return_ok_secure(cookie, request)
        return ok


class Browser(requests.Session):
    """A requests session that sends cookies by its own jar's policy.

    requests copies the session's cookies into a fresh jar with the default
    policy for every request, which would drop the custom policy.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cookies.set_policy(LoopbackIsSecure())

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        prepared = super().prepare_request(request)
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(self.cookies)
        return prepared


def _admin() -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is needed and unreachable at {POSTGRES_URL}: {error}")


def _redis_reachable() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=5).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is needed and unreachable at {REDIS_URL}: {error}")


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database: its URL."""
    name = f"hk_oidc_boot_{uuid.uuid4().hex[:10]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def hoeksteen_server(tmp_path: Path, database: str, provider: Provider) -> Iterator[str]:
    """Hoeksteen under gunicorn with HOEKSTEEN_PRODUCTION=1: its address."""
    _redis_reachable()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    provider.register(users={}, clients={"hoeksteen-boot": f"{url}/oidc/callback/"})
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "HOEKSTEEN_", "DJANGO_", "REDIS_URL"))
    }
    env |= {
        "PYTHONPATH": SRC,
        "DJANGO_SETTINGS_MODULE": "hoeksteen.settings",
        "HOEKSTEEN_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": Fernet.generate_key().decode() * 2,
        "HOEKSTEEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        # Plain HTTP on loopback: no TLS in front, so no redirect to https.
        "SECURE_SSL_REDIRECT": "0",
        "HOEKSTEEN_VAR_DIR": str(tmp_path / "var"),
        "HOEKSTEEN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "HOEKSTEEN_OIDC_ISSUER": provider.issuer,
        "HOEKSTEEN_OIDC_CLIENT_ID": "hoeksteen-boot",
        "HOEKSTEEN_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "HOEKSTEEN_OIDC_PROVIDER_NAME": "Acme ID",
        # Below gunicorn's 30 s worker timeout, above a busy test machine's pauses.
        "HOEKSTEEN_OIDC_TIMEOUT": "25",
    }
    _run(env, "-m", "hoeksteen", "migrate", "-v0")
    _run(env, "-m", "hoeksteen", "collectstatic", "--noinput", "-v0")
    _run(env, "-c", SEED)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "hoeksteen", "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(f"{url}/healthz", server, log)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_it_boots_in_production_signs_in_through_the_provider_and_is_ready(
    hoeksteen_server: str, provider: Provider
) -> None:
    browser = Browser()

    ready = browser.get(f"{hoeksteen_server}/readyz", timeout=60)
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ok"}

    closed = browser.get(f"{hoeksteen_server}/o/acme/", allow_redirects=False, timeout=60)
    assert closed.status_code == 302
    assert urlsplit(closed.headers["Location"]).path == "/login/"
    login_page = browser.get(f"{hoeksteen_server}/login/", timeout=60)
    assert "Acme ID" in login_page.text

    start = browser.get(
        f"{hoeksteen_server}/oidc/authenticate/",
        params={"next": "/o/acme/"},
        allow_redirects=False,
        timeout=60,
    )
    assert start.status_code == 302, start.text
    assert start.headers["Location"].startswith(f"{provider.issuer}/authorize")
    assert "Secure" in start.headers["Set-Cookie"]  # the production session cookie
    callback = sign_in_at_provider(start.headers["Location"], "prod-alice")
    assert callback.startswith(f"{hoeksteen_server}/oidc/callback/")
    back = browser.get(callback, allow_redirects=False, timeout=60)
    assert back.status_code == 302, back.text
    assert back.headers["Location"] == "/o/acme/"

    home = browser.get(f"{hoeksteen_server}/o/acme/", allow_redirects=False, timeout=60)
    assert home.status_code == 200
    assert "Acme Zorg" in home.text
    assert browser.get(f"{hoeksteen_server}/readyz", timeout=60).json() == {"status": "ok"}
