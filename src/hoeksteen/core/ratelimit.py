"""Counting attempts in the shared cache, to slow down guessing.

The cache is shared by every process (the database cache in the embedded
mode, Redis in production), so limits hold across gunicorn workers. Client
addresses are only used as a keyed hash that changes daily, and live in the
cache no longer than the window they count for: they are never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    day = dt.datetime.now(dt.UTC).date().isoformat()
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{day}:{address}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def too_many(key: str, *, limit: int) -> bool:
    """True once `key` has been hit `limit` times within the window."""
    count = cache.get(key, 0)
    return bool(count >= limit)


def hit(key: str, *, window_seconds: int) -> int:
    """Count one attempt; return the count within the window."""
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return 1
