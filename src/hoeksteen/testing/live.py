"""A real Hoeksteen next to the tests: its own database, gunicorn in its own
process group, and a small browser-like HTTP client.

Used by the crash-safety test (tests/test_crash_safety.py) and the load test
(bench/load.py). Only the standard library speaks HTTP here, so neither needs
an extra package.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

import hoeksteen

PYTHON = sys.executable
SRC = str(Path(hoeksteen.__file__).resolve().parent.parent)
# A fixed Fernet key: the instance, the checks and a restarted server must all
# read the same encrypted fields.
FIXED_KEY = "bGl2ZS1zZXJ2ZXItdGVzdC1rZXktMzItYnl0ZXMtISE="
DEMO_SLUG = "voorbeeld"
DEMO_PASSWORD = "hoeksteen-demo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- databases -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PostgresServer:
    """Where to create throw-away databases, and the prefix their names carry."""

    host: str
    port: int
    user: str
    password: str
    prefix: str

    @classmethod
    def from_url(cls, url: str, *, suffix: str) -> PostgresServer:
        parts = urllib.parse.urlsplit(url)
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=urllib.parse.unquote(parts.username or "postgres"),
            password=urllib.parse.unquote(parts.password or ""),
            prefix=f"{parts.path.lstrip('/') or 'hoeksteen'}_{suffix}",
        )

    def admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )

    def url(self, database: str) -> str:
        credentials = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{credentials}@{self.host}:{self.port}/{database}"

    @contextmanager
    def database(self, name: str | None = None) -> Iterator[str]:
        """A fresh empty database (dropped afterwards); yields its DATABASE_URL."""
        database = name or f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        with self.admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}"')
        try:
            yield self.url(database)
        finally:
            with self.admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def instance_env(var_dir: Path, *, database_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of one instance: its own var dir, key, database and mail folder."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "hoeksteen.settings",
        "HOEKSTEEN_VAR_DIR": str(var_dir),
        "HOEKSTEEN_ENCRYPTION_KEYS": FIXED_KEY,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(var_dir / "mail"),
        "HOEKSTEEN_TICK_INTERVAL": "0",
        "HOEKSTEEN_LOG_LEVEL": "WARNING",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "HOEKSTEEN_TEST_DATABASE"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def hoeksteen_cmd(
    env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [PYTHON, "-m", "hoeksteen", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def python_script(
    env: dict[str, str], script: str, *, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter
        [PYTHON, "-c", "import django\ndjango.setup()\n" + script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    if result.returncode != 0:
        raise RuntimeError(f"{result.args!r} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str]) -> None:
    """Migrate, create the cache table and load the demo organisation."""
    ok(hoeksteen_cmd(env, "migrate", "-v0"))
    ok(hoeksteen_cmd(env, "createcachetable"))
    ok(hoeksteen_cmd(env, "demo"))


# --- the server ------------------------------------------------------------


class Server:
    """`python -m hoeksteen serve` in its own process group, so one SIGKILL
    takes the arbiter and every worker at once, as a power cut would."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, log: Path | None = None) -> None:
        self.port = free_port()
        self.env = {
            **env,
            "HOEKSTEEN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
        }
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self, *, ready_within: float = 60) -> None:
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [PYTHON, "-m", "hoeksteen", "serve"],
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not become ready")

    def kill(self) -> None:
        """SIGKILL the whole process group: no handler, no cleanup, no commit."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._reap_group()
        self.kills += 1

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._reap_group()

    def _reap_group(self) -> None:
        # Workers orphaned by the kill die with it, but give the kernel a
        # moment so the port and the SQLite locks are free again.
        assert self.process is not None
        for _ in range(100):
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


# --- the client --------------------------------------------------------------


class Unreachable(Exception):
    """The server did not answer (down, or killed while answering)."""


@dataclasses.dataclass
class Answer:
    status: int
    location: str
    text: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """One visitor: a cookie jar, no automatic redirects, forms by hand."""

    def __init__(self, base: str, *, timeout: float = 30) -> None:
        self.base = base
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, *, data: bytes | None = None, content_type: str = "") -> Answer:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data)  # noqa: S310 - our own server
        if content_type:
            request.add_header("Content-Type", content_type)
        if data is not None:
            request.add_header("Referer", url)
        try:
            with self.opener.open(request, timeout=self.timeout) as answer:
                return Answer(answer.status, answer.headers.get("Location", ""), _read(answer))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers.get("Location", ""), _read(error))
        except (OSError, urllib.error.URLError, http.client.HTTPException) as error:
            raise Unreachable(str(error)) from error

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(
        self,
        path: str,
        fields: dict[str, str],
        *,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Answer:
        fields = {"csrfmiddlewaretoken": self.csrf_token(), **fields}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request(path, data=body, content_type=content_type)

    def csrf_token(self) -> str:
        for cookie in self.cookies:
            if cookie.name == "csrftoken":
                return str(cookie.value)
        return ""


def _read(answer: Any) -> str:
    try:
        return str(answer.read().decode("utf-8", "replace"))
    except (OSError, http.client.HTTPException) as error:
        raise Unreachable(str(error)) from error


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def field_value(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    if match is None:
        raise ValueError(f"no field {name} on the page")
    return html.unescape(match.group(1))


def vp_choices(page: str) -> list[str]:
    select = re.search(r'<select name="subject_vp".*?</select>', page, re.S)
    assert select is not None, "no VP choice on the intake form"
    return list(re.findall(r'<option value="(\d+)"', select.group(0)))


def case_links(page: str) -> list[str]:
    return sorted(set(re.findall(r"/o/[\w-]+/klachten/([0-9a-f-]{36})/", page)))


# --- what a visitor does -----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Receipt:
    code: str
    description: str
    document: bytes | None


def submit_complaint(
    base: str,
    *,
    description: str,
    document: bytes | None = None,
    contact_email: str = "",
    vp_index: int = 0,
) -> Receipt | None:
    """File an anonymous complaint through the form, as a new visitor.

    Returns the receipt the visitor saw, or None when the server refused the
    form (never expected). Raises Unreachable when the server went away
    before the receipt was on screen: the visitor then never saw a receipt.
    """
    visitor = Browser(base)
    form = visitor.get(f"/o/{DEMO_SLUG}/klacht/nieuw/")
    if form.status != 200:
        raise Unreachable(f"intake form answered {form.status}")
    vps = vp_choices(form.text)
    fields = {
        "subject_vp": vps[vp_index % len(vps)],
        "category": "not_heard",
        "description": description,
        "desired_outcome": "Een gesprek.",
        "contact_email": contact_email,
        "form_token": field_value(form.text, "form_token"),
    }
    files = {"documents": ("verslag.txt", document, "text/plain")} if document else None
    sent = visitor.post(f"/o/{DEMO_SLUG}/klacht/nieuw/", fields, files=files)
    if sent.status != 302:
        if sent.status >= 500:
            raise Unreachable(f"intake answered {sent.status}")
        return None
    shown = visitor.get(sent.location)
    code = re.search(r'<p class="receipt"[^>]*>([^<]+)</p>', shown.text)
    if shown.status != 200 or code is None:
        raise Unreachable(f"received page answered {shown.status} without a code")
    return Receipt(
        code=html.unescape(code.group(1)).strip(), description=description, document=document
    )


def open_with_receipt(base: str, code: str) -> tuple[Browser, str]:
    """A new visitor opens the complaint with its code; returns them and the case path."""
    visitor = Browser(base)
    page = visitor.get(f"/o/{DEMO_SLUG}/mijn-klacht/")
    if page.status != 200:
        raise Unreachable(f"receipt page answered {page.status}")
    opened = visitor.post(f"/o/{DEMO_SLUG}/mijn-klacht/", {"code": code})
    if opened.status != 302:
        raise LookupError(f"receipt lookup answered {opened.status}")
    return visitor, opened.location


def demo_totp(username: str) -> str:
    """The current code of a demo user's authenticator (see core.demo)."""
    from django_otp.oath import totp

    key = hashlib.sha256(f"hoeksteen-demo-{username}".encode()).hexdigest()[:40]
    return f"{totp(bytes.fromhex(key)):06d}"


def sign_in(base: str, username: str, *, totp_code: str | None = None) -> Browser:
    """Sign in with the demo password and, when asked, the current TOTP code."""
    visitor = Browser(base)
    visitor.get("/login/")
    answer = visitor.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    if answer.status != 302:
        raise RuntimeError(f"sign-in of {username} answered {answer.status}")
    if totp_code is not None:
        visitor.get("/2fa/verify/")
        answer = visitor.post("/2fa/verify/", {"token": totp_code})
        if answer.status != 302:
            raise RuntimeError(f"second factor of {username} answered {answer.status}")
    return visitor
