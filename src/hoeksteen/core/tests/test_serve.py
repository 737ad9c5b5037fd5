"""`python -m hoeksteen serve` as deployed: gunicorn with two workers, JSON logs
and metrics, on an instance of its own (SQLite in a temporary var dir)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hoeksteen.testing.serving import Server, python_env, serve

TOKEN = "metrics-token-of-the-serve-test"
REQUESTS = 24


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = python_env(
        tmp_path_factory.mktemp("serve"),
        HOEKSTEEN_LOG_FORMAT="json",
        HOEKSTEEN_METRICS_TOKEN=TOKEN,
    )
    for command in ("migrate", "createcachetable"):
        subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "hoeksteen", command, "-v0"], env=env, check=True, timeout=300
        )
    with serve(env, workers=2) as running:
        yield running


def healthz_count(server: Server) -> float:
    status, text = server.get("/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "hoeksteen_http_requests_total" and sample.labels == {
                "view": "healthz",
                "method": "GET",
                "status": "200",
            }:
                return sample.value
    return 0.0


def ready(server: Server) -> bool:
    status, text = server.get("/metrics", {"Authorization": f"Bearer {TOKEN}"})
    return status == 200 and "hoeksteen_product_metrics_up 1.0" in text


def test_it_adds_up_the_requests_every_worker_answered(server: Server) -> None:
    before = healthz_count(server)
    for _ in range(REQUESTS):
        status, _body = server.get("/healthz")
        assert status == 200
    # Several scrapes, so that both workers answer one: each must see the total.
    counts = {healthz_count(server) for _ in range(6)}

    assert counts == {before + REQUESTS}
    assert ready(server)


def test_it_logs_json_lines_without_addresses_or_query_strings(server: Server) -> None:
    server.get(
        "/healthz?email=anna.de.vries@example.org&code=1234567890123456",
        {"X-Forwarded-For": "198.51.100.23", "User-Agent": "Mozilla/5.0 anna"},
    )
    server.get("/o/acme/bestaat-niet/?q=anna.de.vries@example.org")
    server.get("/healthz")  # the access log is written after the response

    lines = [line for line in server.log_lines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is JSON

    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
    assert any(entry.get("path") == "/healthz" for entry in access)
    assert any(entry["logger"] == "django.request" for entry in entries)
    for line in lines:
        for personal in ("anna", "example.org", "1234567890123456", "198.51.100.23", "Mozilla"):
            assert personal not in line, line
        if "Listening at" not in line:
            assert "127.0.0.1" not in line, line


def test_it_keeps_the_metrics_behind_the_token(server: Server) -> None:
    assert server.get("/metrics")[0] == 401
    assert server.get("/metrics", {"Authorization": "Bearer wrong"})[0] == 401


def test_it_answers_as_hoeksteen_without_a_version(server: Server) -> None:
    import urllib.request

    with urllib.request.urlopen(server.url + "/healthz", timeout=30) as response:  # noqa: S310
        assert response.headers["Server"] == "hoeksteen"


def test_it_tells_a_container_whether_the_server_answers(server: Server) -> None:
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    nobody = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    env = python_env(Path(server.stdout).parent)

    answering = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "hoeksteen", "healthcheck", "--url", server.url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    silent = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "hoeksteen", "healthcheck", "--url", nobody],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert answering.returncode == 0, answering.stderr
    assert answering.stdout.startswith("OK: ")
    assert silent.returncode == 1
    assert "did not answer" in silent.stderr
