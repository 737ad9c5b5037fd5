"""Separate OS processes that guess at one Hoeksteen, for the cross-process tests.

Each process sets up Django on its own (spawned, not forked) against one
shared database and, for the Redis runs, one shared Redis: exactly what
several gunicorn workers share. Only the store is shared; every counter a
limit holds must therefore come from that store, not from process memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

PASSWORD = "correct horse battery staple"
# Login scenarios use alice, bob and carol; the second-factor scenarios each
# their own: g0-g2 (global), dave (account), s0-s2 (address).
USERS = ("alice", "bob", "carol", "dave", "g0", "g1", "g2", "s0", "s1", "s2")
ORGANISATIONS = ("acme", "beta", "gamma", "delta")
OUT_OF_REACH = (1_000_000, 300)
# Fast hashes: the processes compete on the counters, not on Argon2.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Scenario:
    """Guess at one limit: `kind` is login, totp or receipt."""

    limit: str
    kind: str


# Order matters: the global limit of a kind is tested first, while no other
# scenario has counted on it yet; later scenarios use addresses, accounts and
# organisations of their own. The counters are never reset in between.
SCENARIOS = (
    Scenario("login.global", "login"),
    Scenario("login.account", "login"),
    Scenario("login.address", "login"),
    Scenario("totp.global", "totp"),
    Scenario("totp.account", "totp"),
    Scenario("totp.address", "totp"),
    Scenario("receipt.global", "receipt"),
    Scenario("receipt.organisation", "receipt"),
    Scenario("receipt.client", "receipt"),
)


def _setup(env: dict[str, str | None]) -> None:
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.AXES_FAILURE_LIMIT = OUT_OF_REACH[0]


def prepare(env: dict[str, str | None]) -> None:
    """Create the schema, three users with an authenticator, four organisations."""
    _setup(env)
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hoeksteen.organisations.actions import organisation_create
    from hoeksteen.people.models import User

    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    for username in USERS:
        user = User.objects.create_user(username=username, password=PASSWORD)
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    for slug in ORGANISATIONS:
        organisation_create(name=slug.title(), slug=slug, acting_user=None)


def _client(address: str) -> Any:
    from django.test import Client

    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def _token(username: str, *, right: bool) -> str:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username)
    valid = set()
    for offset in range(-device.tolerance, device.tolerance + 1):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time += offset * device.step
        valid.add(f"{totp.token():06d}")
    if right:
        return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def attempt(scenario: Scenario, process: int, n: int, *, right: bool = False) -> int:
    """One guess of `scenario` by `process`, its `n`th; the HTTP status.

    Who guesses from where follows the limit: one account from many
    addresses, many accounts from one address, or everything spread out.
    A `right` guess carries the right password or code.
    """
    number = SCENARIOS.index(scenario) + 1
    spread = f"10.{number}.{process}.{n}"
    one_address = f"10.{number}.255.1"
    if scenario.kind == "login":
        address, username = {
            "login.global": (spread, "alice" if right else f"nobody{process}x{n}"),
            "login.account": (spread, "bob"),
            "login.address": (one_address, "carol" if right else f"nobody{process}x{n}"),
        }[scenario.limit]
        response = _client(address).post(
            "/login/", {"username": username, "password": PASSWORD if right else "wrong"}
        )
        return int(response.status_code)
    if scenario.kind == "totp":
        address, username = {
            "totp.global": (spread, f"g{n % 3}"),
            "totp.account": (spread, "dave"),
            "totp.address": (one_address, f"s{(process + n) % 3}"),
        }[scenario.limit]
        from hoeksteen.people.models import User

        client = _client(address)
        client.force_login(
            User.objects.get(username=username),
            backend="django.contrib.auth.backends.ModelBackend",
        )
        response = client.post("/2fa/verify/", {"token": _token(username, right=right)})
        return int(response.status_code)
    address, slug = {
        "receipt.global": (spread, ("beta", "gamma")[n % 2]),
        "receipt.organisation": (spread, "acme"),
        "receipt.client": (one_address, "delta"),
    }[scenario.limit]
    response = _client(address).post(f"/o/{slug}/mijn-klacht/", {"code": f"{process}{n:015d}"})
    return int(response.status_code)


def guess(
    process: int,
    env: dict[str, str | None],
    tries_each: int,
    limit: int,
    barrier: Any,
    results: Any,
) -> None:
    """Run every scenario in step with the other processes.

    All processes start a scenario's guesses at once (the barrier), make
    `tries_each` guesses, wait for each other, then make one more guess with
    the right password or code: every process must see the shared count.
    """
    _setup(env)
    from django.conf import settings

    try:
        for scenario in SCENARIOS:
            settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, OUT_OF_REACH)
            settings.RATE_LIMITS[scenario.limit] = (limit, OUT_OF_REACH[1])
            barrier.wait(timeout=120)
            statuses = [attempt(scenario, process, n) for n in range(tries_each)]
            barrier.wait(timeout=120)
            after = attempt(scenario, process, tries_each, right=True)
            results.put((scenario.limit, process, statuses, after))
            barrier.wait(timeout=120)
    except BaseException as error:  # reported to the test, which fails on it
        results.put(("error", process, repr(error), 0))
        barrier.abort()
        raise


def race(
    process: int,
    env: dict[str, str | None],
    tries_each: int,
    limit: int,
    barrier: Any,
    results: Any,
) -> None:
    """Count `tries_each` attempts on one key as fast as possible, all processes
    at once; report how many this process saw refused."""
    _setup(env)
    from hoeksteen.core import ratelimit

    check = (ratelimit.Limit(name="race", tries=limit, window_seconds=300), ratelimit.EVERYONE)
    try:
        barrier.wait(timeout=120)
        refused = sum(ratelimit.reserve([check]) is not None for _ in range(tries_each))
        results.put(("race", process, refused, 0))
    except BaseException as error:  # reported to the test, which fails on it
        results.put(("error", process, repr(error), 0))
        barrier.abort()
        raise
