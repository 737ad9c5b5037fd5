"""A real `python -m hoeksteen serve` (gunicorn) for tests, on a port the OS picks.

The test binds a listening socket to 127.0.0.1:0 and hands it to gunicorn as
`fd://N`, so there is no window in which another process can take the port.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def opener(self) -> urllib.request.OpenerDirector:
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path, headers=headers or {})  # noqa: S310
        try:
            with self.opener().open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(  # noqa: S310
            self.url + path, data=body, headers={"Referer": self.url + path}
        )
        try:
            with self.opener().open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_lines(self) -> list[str]:
        return self.stdout.read_text().splitlines() + self.stderr.read_text().splitlines()


@contextmanager
def serve(env: dict[str, str], *, workers: int = 1, timeout: float = 60) -> Iterator[Server]:
    """Start gunicorn with `env`, wait until /healthz answers, stop it after."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    logs = Path(tempfile.mkdtemp(prefix="hoeksteen-serve-"))
    stdout, stderr = logs / "stdout.log", logs / "stderr.log"
    env = {**env, "WEB_CONCURRENCY": str(workers)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "hoeksteen", "serve", "--bind", f"fd://{listener.fileno()}"],
            env=env,
            stdout=out,
            stderr=err,
            pass_fds=(listener.fileno(),),
        )
    listener.close()
    server = Server(f"http://127.0.0.1:{port}", process, stdout, stderr)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError("gunicorn stopped:\n" + stderr.read_text())
            try:
                if server.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer:\n" + stderr.read_text())
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def python_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a separate Hoeksteen process with its own var dir."""
    import hoeksteen

    src = str(Path(hoeksteen.__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
        "HOEKSTEEN_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "hoeksteen.settings",
        **extra,
    }
    # SQLite in var_dir unless the caller passes its own DATABASE_URL.
    if "DATABASE_URL" not in extra:
        env.pop("DATABASE_URL", None)
    return env
