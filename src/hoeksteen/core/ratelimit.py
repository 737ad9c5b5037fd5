"""Counting attempts in a store every process shares, to stop guessing.

Sign-in passwords, second-factor codes and receipt codes are limited per
account, per address and for the whole instance (settings.RATE_LIMITS). Every
process counts in one place: Redis when REDIS_URL is set, otherwise a table in
the database. Both count in one atomic step, so a limit of N lets exactly N
attempts through however many gunicorn workers share the guessing.

An attempt is counted *before* it is checked (`reserve`), and given back when
it succeeds (`release`): concurrent attempts cannot all slip in under the
limit, and a correct password or code does not count as a failure. An attempt
refused by a limit is given back too, so an attacker who keeps knocking does
not keep the lock closed past its window.

Client addresses and user names are only used as a keyed hash (addresses'
changes daily) and live in the store no longer than the window they count
for: they are never stored in clear, and never logged.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest

from hoeksteen.core.models import AttemptCounter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `tries` attempts per key within `window_seconds`."""

    name: str
    tries: int
    window_seconds: int


Check = tuple[Limit, str]


@dataclass(frozen=True)
class Lockout:
    """A limit that refused an attempt, and how long until its window has passed."""

    limit: Limit
    retry_after_seconds: int

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, rounded up: never "0 minutes"."""
        return max(1, math.ceil(self.retry_after_seconds / 60))


def limit(name: str) -> Limit:
    """The limit called `name` in settings.RATE_LIMITS, read at call time."""
    tries, window_seconds = settings.RATE_LIMITS[name]
    return Limit(name=name, tries=int(tries), window_seconds=int(window_seconds))


def _keyed(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def client_address(request: HttpRequest) -> str:
    """The address the request came from, as far as this instance can trust it.

    Without trusted proxies (HOEKSTEEN_TRUSTED_PROXIES=0) that is REMOTE_ADDR.
    Behind N proxies it is the Nth entry from the end of X-Forwarded-For: the
    one the outermost trusted proxy appended. Entries before it are the
    client's own claims and are ignored, so sending a forged header gains
    nothing. django-axes uses this function too (AXES_CLIENT_IP_CALLABLE).
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies: int = settings.HOEKSTEEN_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    forwarded = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


def client_key(request: HttpRequest) -> str:
    address = client_address(request)
    day = dt.datetime.now(dt.UTC).date().isoformat()
    return _keyed(f"{day}:{address}")


def account_key(identifier: str) -> str:
    """A key for one account: a user name as typed (any case) or `user:<pk>`."""
    return _keyed(f"account:{identifier.strip().casefold()}")


# The whole instance shares one counter per limit.
EVERYONE = "all"


def _store_key(check: Check) -> str:
    limit_, key = check
    return f"rl:{limit_.name}:{key}"


def _hit_database(key: str, window_seconds: int) -> tuple[int, int]:
    now = int(time.time())
    table = connection.ops.quote_name(AttemptCounter._meta.db_table)
    # One statement: the row is created, counted on, or restarted when its
    # window has passed, without a read that another process could race.
    # The table name comes from the model; every value is a parameter.
    sql = (
        f"INSERT INTO {table} (counter_key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT (counter_key) DO UPDATE SET "
        f"count = CASE WHEN {table}.expires_at > %s THEN {table}.count + 1 ELSE 1 END, "
        f"expires_at = CASE WHEN {table}.expires_at > %s "
        f"THEN {table}.expires_at ELSE excluded.expires_at END "
        f"RETURNING count, expires_at"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [key, now + window_seconds, now, now])
        row = cursor.fetchone()
    return int(row[0]), int(row[1]) - now


def _on_redis() -> bool:
    # `cache` is a proxy; the backend behind it is caches["default"].
    return isinstance(caches["default"], RedisCache)


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def _redis_key(key: str) -> tuple[redis.Redis, str]:
    # Django's cache prefix and version, so HOEKSTEEN_CACHE_KEY_PREFIX holds.
    return _redis(settings.CACHES["default"]["LOCATION"]), cache.make_and_validate_key(key)


def _hit_redis(key: str, window_seconds: int) -> tuple[int, int]:
    # One transaction: create the key with its expiry if it is missing, then
    # INCR (which keeps the expiry, so the window runs from the first attempt).
    # Django's cache.incr checks EXISTS before INCR; a key expiring in between
    # would come back without an expiry, locked for good.
    client, name = _redis_key(key)
    with client.pipeline(transaction=True) as pipe:
        pipe.set(name, 0, ex=window_seconds, nx=True)
        pipe.incr(name)
        pipe.ttl(name)
        _created, count, ttl = pipe.execute()
    return int(count), int(ttl) if int(ttl) > 0 else window_seconds


# DECR only a key that still exists: DECR would create a missing one without expiry.
_GIVE_BACK = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end"


def _hit(key: str, window_seconds: int) -> tuple[int, int]:
    """Count one attempt on `key`: the count in its window, and the seconds left of it."""
    if _on_redis():
        return _hit_redis(key, window_seconds)
    return _hit_database(key, window_seconds)


def _give_back(key: str) -> None:
    if _on_redis():
        client, name = _redis_key(key)
        client.eval(_GIVE_BACK, 1, name)
        return
    AttemptCounter.objects.filter(counter_key=key, count__gt=0).update(count=F("count") - 1)


def reserve(checks: Sequence[Check]) -> Lockout | None:
    """Count one attempt against every check; return the first limit it exceeds,
    with the time left until that limit's window has passed.

    Returns None when the attempt may go ahead. When a limit is exceeded the
    attempt is given back to every counter it was counted on, and the lockout
    is noted (once per key and window).
    """
    counted: list[Check] = []
    for check in checks:
        limit_, _key = check
        count, seconds_left = _hit(_store_key(check), limit_.window_seconds)
        counted.append(check)
        if count > limit_.tries:
            release(counted)
            _note_lockout(check)
            return Lockout(limit=limit_, retry_after_seconds=max(1, seconds_left))
    return None


def release(checks: Sequence[Check]) -> None:
    """Give back one reserved attempt on every check (it succeeded)."""
    for check in checks:
        _give_back(_store_key(check))


def _note_lockout(check: Check) -> None:
    """Log a lockout and record it in the platform audit chain, once per window.

    Neither holds a user name or an address: only the limit's name and a short
    hash of its key, enough to tell one locked key from another on the same
    day. The hash changes daily, so the trail keeps no lasting pseudonym of an
    account.
    """
    from hoeksteen.audit.actions import audit_record

    limit_, key = check
    if _hit(f"rl-noted:{limit_.name}:{key}", limit_.window_seconds)[0] != 1:
        return
    day = dt.datetime.now(dt.UTC).date().isoformat()
    short = hashlib.sha256(f"{day}:{key}".encode()).hexdigest()[:12]
    logger.warning(
        "lockout limit=%s key=%s tries=%d window=%ds",
        limit_.name,
        short,
        limit_.tries,
        limit_.window_seconds,
    )
    audit_record(
        actor=None,
        organisation_id=None,
        action="security.lockout",
        detail={"limit": limit_.name, "key": short, "window_seconds": limit_.window_seconds},
    )


def forget_expired(*, now: float | None = None) -> int:
    """Delete the database counters whose window has passed; return how many."""
    moment = int(now if now is not None else time.time())
    deleted: int = AttemptCounter.objects.filter(expires_at__lte=moment).delete()[0]
    return deleted
