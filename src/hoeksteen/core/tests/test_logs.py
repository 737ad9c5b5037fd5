"""JSON log lines, and the filter that keeps personal data out of every line."""

from __future__ import annotations

import json
import logging

import pytest

from hoeksteen.core.env import EnvError
from hoeksteen.core.logs import JsonFormatter, PersonalDataFilter, log_format


def record(name: str, msg: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args or None, None)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def emit(made: logging.LogRecord) -> dict[str, object]:
    assert PersonalDataFilter().filter(made)
    line = JsonFormatter().format(made)
    assert "\n" not in line
    parsed: dict[str, object] = json.loads(line)
    return parsed


def test_it_writes_one_json_object_with_time_level_logger_and_message() -> None:
    entry = emit(record("hoeksteen.tick", "tick: %s jobs", 7, job_count=7))

    assert entry["level"] == "WARNING"
    assert entry["logger"] == "hoeksteen.tick"
    assert entry["message"] == "tick: 7 jobs"
    assert str(entry["time"]).endswith("+00:00")
    assert entry["job_count"] == 7


def test_it_writes_the_exception_as_one_field() -> None:
    try:
        raise ValueError("bad value from 198.51.100.4")
    except ValueError:
        made = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, True)
        import sys

        made.exc_info = sys.exc_info()

    entry = emit(made)

    assert "ValueError" in str(entry["exception"])
    assert "198.51.100.4" not in str(entry["exception"])


def test_it_keeps_addresses_emails_query_strings_and_the_request_out() -> None:
    class Request:
        def __repr__(self) -> str:
            return "<WSGIRequest: GET '/o/acme/?email=anna@example.org' from 192.0.2.10>"

    entry = emit(
        record(
            "django.request",
            "Not Found: %s from %s for %s",
            "/o/acme/mijn-klacht/?code=1234567890123456",
            "2001:db8::7",
            "anna.de.vries@example.org",
            request=Request(),
            status_code=404,
        )
    )
    line = json.dumps(entry)

    assert entry["message"] == "Not Found: /o/acme/mijn-klacht/ from [redacted] for [redacted]"
    assert entry["status_code"] == 404
    assert "request" not in entry
    for personal in ("1234567890123456", "2001:db8", "anna", "example.org", "192.0.2.10"):
        assert personal not in line


def test_it_leaves_times_and_the_servers_own_address_alone() -> None:
    assert emit(record("x", "took 12:30:45"))["message"] == "took 12:30:45"
    listening = emit(record("gunicorn.error", "Listening at: %s (%s)", "http://127.0.0.1:8000", 1))
    assert listening["message"] == "Listening at: http://127.0.0.1:8000 (1)"


def test_it_gives_gunicorns_access_log_fields_without_the_client() -> None:
    atoms = {
        "h": "203.0.113.9",
        "m": "GET",
        "U": "/healthz",
        "q": "email=anna@example.org",
        "s": "200",
        "B": 15,
        "M": 3,
        "a": "Mozilla/5.0",
        "u": "anna",
    }
    made = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '"%(m)s %(U)s" %(s)s', (atoms,), None
    )

    entry = emit(made)

    assert entry["message"] == '"GET /healthz" 200'
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz", "200")
    assert entry["duration_ms"] == 3
    for personal in ("203.0.113.9", "anna", "Mozilla"):
        assert personal not in json.dumps(entry)


@pytest.mark.parametrize(
    ("production", "chosen", "expected"),
    [("1", None, "json"), ("0", None, "plain"), ("1", "plain", "plain"), ("0", "JSON", "json")],
)
def test_it_chooses_json_in_production_and_plain_otherwise(
    monkeypatch: pytest.MonkeyPatch, production: str, chosen: str | None, expected: str
) -> None:
    monkeypatch.setenv("HOEKSTEEN_PRODUCTION", production)
    if chosen is None:
        monkeypatch.delenv("HOEKSTEEN_LOG_FORMAT", raising=False)
    else:
        monkeypatch.setenv("HOEKSTEEN_LOG_FORMAT", chosen)
    assert log_format() == expected


def test_it_refuses_an_unknown_log_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOEKSTEEN_LOG_FORMAT", "xml")
    with pytest.raises(EnvError, match="HOEKSTEEN_LOG_FORMAT"):
        log_format()
