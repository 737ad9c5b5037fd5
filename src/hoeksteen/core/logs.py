"""Log records as one JSON object a line, with personal data kept out.

Used by Django's LOGGING (settings.py) and by gunicorn's own loggers
(gunicorn_conf.py), so it imports nothing from Django. HOEKSTEEN_LOG_FORMAT
chooses between this and plain text; the filter applies to both.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from hoeksteen.core.env import EnvError, env_bool, env_str

# Query strings may carry anything a form or a link put there.
_QUERY = re.compile(r"\?[^\s\"']*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b")
# Only full-length IPv6 forms or ones with "::": times like 12:30:45 stay.
_IPV6 = re.compile(
    r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![\w:])|"
    r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?(?![\w:])"
)
REDACTED = "[redacted]"
FORMATS = ("json", "plain")

# Attributes a record may carry that hold a person's data (Django's request
# logger attaches the request, with its address, cookies and user).
_PERSONAL_ATTRIBUTES = ("request", "username", "user", "ip_address", "remote_addr")

# gunicorn's access log passes its atoms as the record's args. These are the
# ones that describe the request without the client: no h (address), u (user),
# q (query), r (request line with query), f (referer) or a (user agent).
_ACCESS_FIELDS = {"m": "method", "U": "path", "s": "status", "B": "bytes", "M": "duration_ms"}

# Fields of a LogRecord itself; anything else was passed as `extra`.
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


def log_format() -> str:
    """HOEKSTEEN_LOG_FORMAT: `json` (the default in production) or `plain`
    (the default in the embedded mode). Read here for settings.py and
    gunicorn_conf.py alike, so Django's and gunicorn's lines agree."""
    production = env_bool("HOEKSTEEN_PRODUCTION", False)
    chosen = env_str("HOEKSTEEN_LOG_FORMAT", "json" if production else "plain").strip().lower()
    if chosen not in FORMATS:
        raise EnvError(f"HOEKSTEEN_LOG_FORMAT={chosen!r} is not one of {', '.join(FORMATS)}.")
    return chosen


def scrub(text: str, *, addresses: bool = True) -> str:
    """The text without query strings, e-mail addresses and IP addresses."""
    text = _QUERY.sub("", text)
    text = _EMAIL.sub(REDACTED, text)
    if not addresses:
        return text
    text = _IPV4.sub(REDACTED, text)
    return _IPV6.sub(REDACTED, text)


def _own_address(record: logging.LogRecord) -> bool:
    # gunicorn's "Listening at: http://127.0.0.1:8000" is the server's own
    # address, which the administrator needs to see.
    return record.name == "gunicorn.error" and str(record.msg).startswith("Listening at:")


class PersonalDataFilter(logging.Filter):
    """Rewrites every record so no address, e-mail or query string is logged.

    It replaces the message with its scrubbed, formatted text and drops the
    attributes that carry a request or a user. Usernames cannot be recognised
    in free text: no Hoeksteen code logs one, and django-axes, which does, is
    held at WARNING and scrubbed like the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            for atom, field in _ACCESS_FIELDS.items():
                if atom in atoms:
                    value = atoms[atom]
                    setattr(record, field, scrub(str(value)) if atom == "U" else value)
        record.msg = scrub(record.getMessage(), addresses=not _own_address(record))
        record.args = None
        for name in _PERSONAL_ATTRIBUTES:
            if hasattr(record, name):
                delattr(record, name)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, then any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in entry and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
