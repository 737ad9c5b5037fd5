"""Guessing passwords and second-factor codes: limits per account, per address
and for the whole instance, and what a lockout leaves behind.

Limits are set small here; each test moves one of them and leaves the others
out of reach, so the refusal can only come from the limit under test.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoeksteen.audit.models import AuditEntry
from hoeksteen.people.models import User
from hoeksteen.testing.factories import PASSWORD, UserFactory, confirmed_totp, totp_now

NOON = dt.datetime(2025, 3, 3, 12, 0, tzinfo=dt.UTC)
OUT_OF_REACH = (10_000, 900)


@pytest.fixture(autouse=True)
def limits(settings: Any) -> dict[str, tuple[int, int]]:
    """Every guessing limit out of reach, axes' too; a test lowers the one it tests."""
    settings.AXES_FAILURE_LIMIT = 10_000
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, OUT_OF_REACH)
    rate_limits: dict[str, tuple[int, int]] = settings.RATE_LIMITS
    return rate_limits


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def _from(address: str) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def _sign_in(address: str, username: str, password: str = "wrong") -> int:  # noqa: S107
    response = _from(address).post("/login/", {"username": username, "password": password})
    return int(response.status_code)


def _password_only(user: User, address: str) -> Client:
    client = _from(address)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _code(client: Client, token: str) -> int:
    return int(client.post("/2fa/verify/", {"token": token}).status_code)


def _wrong(device: TOTPDevice) -> str:
    right = totp_now(device)
    return "000000" if right != "000000" else "111111"


# --- sign-in ----------------------------------------------------------------------


def test_it_limits_failed_sign_ins_per_account_from_any_address(
    limits: dict[str, tuple[int, int]], complainant: User, subject_vp: User
) -> None:
    limits["login.account"] = (3, 900)
    assert [_sign_in(f"10.0.0.{n}", "complainant") for n in range(3)] == [200, 200, 200]

    assert _sign_in("10.0.0.9", "complainant", PASSWORD) == 429
    assert _sign_in("10.0.0.9", "subject_vp", PASSWORD) == 302


def test_it_counts_an_account_however_its_name_is_typed(
    limits: dict[str, tuple[int, int]], complainant: User
) -> None:
    limits["login.account"] = (2, 900)
    _sign_in("10.0.0.1", "complainant")
    _sign_in("10.0.0.2", " COMPLAINANT")
    assert _sign_in("10.0.0.3", "Complainant", PASSWORD) == 429


def test_it_limits_failed_sign_ins_per_address_for_any_account(
    limits: dict[str, tuple[int, int]], complainant: User, subject_vp: User
) -> None:
    limits["login.address"] = (3, 900)
    for name in ("anna", "bram", "carla"):
        assert _sign_in("10.0.0.1", name) == 200

    assert _sign_in("10.0.0.1", "subject_vp", PASSWORD) == 429
    assert _sign_in("10.0.0.2", "subject_vp", PASSWORD) == 302


def test_it_limits_failed_sign_ins_on_the_whole_instance(
    limits: dict[str, tuple[int, int]], complainant: User
) -> None:
    limits["login.global"] = (3, 900)
    for n, name in enumerate(("anna", "bram", "carla")):
        assert _sign_in(f"10.0.1.{n}", name) == 200

    assert _sign_in("10.0.2.1", "complainant", PASSWORD) == 429


def test_it_does_not_count_a_successful_sign_in_as_a_failure(
    limits: dict[str, tuple[int, int]], complainant: User
) -> None:
    limits["login.account"] = (2, 900)
    assert _sign_in("10.0.0.1", "complainant") == 200
    assert _sign_in("10.0.0.1", "complainant", PASSWORD) == 302
    assert _sign_in("10.0.0.1", "complainant") == 200
    assert _sign_in("10.0.0.1", "complainant") == 429


def test_it_lifts_the_lockout_when_the_window_has_passed(
    limits: dict[str, tuple[int, int]], complainant: User, frozen: time_machine.Coordinates
) -> None:
    limits["login.account"] = (1, 900)
    _sign_in("10.0.0.1", "complainant")
    assert _sign_in("10.0.0.1", "complainant", PASSWORD) == 429

    frozen.shift(dt.timedelta(seconds=901))
    assert _sign_in("10.0.0.1", "complainant", PASSWORD) == 302


def test_it_explains_a_sign_in_lockout_calmly_in_dutch_and_english(
    limits: dict[str, tuple[int, int]], complainant: User
) -> None:
    limits["login.account"] = (0, 900)
    english = _from("10.0.0.1").post("/login/", {"username": "complainant", "password": "x"})
    dutch = Client(REMOTE_ADDR="10.0.0.1").post(
        "/login/", {"username": "complainant", "password": "x"}
    )

    assert english.status_code == dutch.status_code == 429
    assert "signing in is paused for a while" in english.content.decode()
    assert "Te veel pogingen" in dutch.content.decode()
    assert 'name="password"' not in english.content.decode()


# --- the second factor ------------------------------------------------------------


def test_it_limits_wrong_codes_per_account_across_authenticator_and_recovery_codes(
    limits: dict[str, tuple[int, int]], hr_handler: User, frozen: time_machine.Coordinates
) -> None:
    limits["totp.account"] = (3, 900)
    device = confirmed_totp(hr_handler)
    assert _code(_password_only(hr_handler, "10.0.0.1"), _wrong(device)) == 400
    assert _code(_password_only(hr_handler, "10.0.0.2"), "abcd2345") == 400
    assert _code(_password_only(hr_handler, "10.0.0.3"), _wrong(device)) == 400

    frozen.shift(dt.timedelta(minutes=5))  # past django-otp's own back-off
    client = _password_only(hr_handler, "10.0.0.4")
    assert _code(client, totp_now(device)) == 429
    assert client.get("/o/acme/").status_code == 302


def test_it_limits_wrong_codes_per_address_for_any_account(
    limits: dict[str, tuple[int, int]],
    hr_handler: User,
    coordinator: User,
    committee: User,
    frozen: time_machine.Coordinates,
) -> None:
    limits["totp.address"] = (3, 900)
    hr_device, coordinator_device = confirmed_totp(hr_handler), confirmed_totp(coordinator)
    assert _code(_password_only(hr_handler, "10.0.0.1"), _wrong(hr_device)) == 400
    assert _code(_password_only(hr_handler, "10.0.0.1"), _wrong(hr_device)) == 400
    assert _code(_password_only(coordinator, "10.0.0.1"), _wrong(coordinator_device)) == 400

    committee_device = confirmed_totp(committee)
    assert _code(_password_only(committee, "10.0.0.1"), totp_now(committee_device)) == 429
    assert _code(_password_only(committee, "10.0.0.2"), totp_now(committee_device)) == 302


def test_it_limits_wrong_codes_on_the_whole_instance_and_a_success_does_not_reset_it(
    limits: dict[str, tuple[int, int]],
    hr_handler: User,
    coordinator: User,
    committee: User,
    frozen: time_machine.Coordinates,
) -> None:
    limits["totp.global"] = (3, 900)
    hr_device = confirmed_totp(hr_handler)
    coordinator_device = confirmed_totp(coordinator)
    committee_device = confirmed_totp(committee)
    assert _code(_password_only(hr_handler, "10.0.0.1"), _wrong(hr_device)) == 400
    assert _code(_password_only(coordinator, "10.0.0.2"), _wrong(coordinator_device)) == 400
    assert _code(_password_only(committee, "10.0.0.3"), totp_now(committee_device)) == 302
    assert _code(_password_only(committee, "10.0.0.4"), "abcd2345") == 400

    assert _code(_password_only(committee, "10.0.0.5"), totp_now(committee_device)) == 429


def test_it_explains_a_code_lockout_calmly_with_429(
    limits: dict[str, tuple[int, int]], hr_handler: User
) -> None:
    limits["totp.account"] = (0, 900)
    device = confirmed_totp(hr_handler)
    client = _password_only(hr_handler, "10.0.0.1")
    response = client.post("/2fa/verify/", {"token": totp_now(device)})
    assert response.status_code == 429
    assert "checking codes is paused for a while" in response.content.decode()

    client.cookies["django_language"] = "nl"
    response = client.post("/2fa/verify/", {"token": totp_now(device)})
    assert "Er zijn te veel codes geprobeerd" in response.content.decode()


# --- what a lockout leaves behind -------------------------------------------------


def test_it_logs_and_audits_a_lockout_once_without_the_name_or_address(
    limits: dict[str, tuple[int, int]], complainant: User, caplog: pytest.LogCaptureFixture
) -> None:
    limits["login.account"] = (1, 900)
    _sign_in("192.0.2.77", "complainant")
    with caplog.at_level(logging.WARNING, logger="hoeksteen.core.ratelimit"):
        for _ in range(3):
            assert _sign_in("192.0.2.77", "complainant") == 429

    lines = [r.getMessage() for r in caplog.records if r.name == "hoeksteen.core.ratelimit"]
    assert len(lines) == 1
    assert lines[0].startswith("lockout limit=login.account key=")
    assert "complainant" not in lines[0]
    assert "192.0.2.77" not in lines[0]

    entry = AuditEntry.objects.get(action="security.lockout")
    assert entry.organisation_id == 0
    assert entry.detail["limit"] == "login.account"
    assert entry.detail["key"] in lines[0]
    assert "complainant" not in str(entry.detail)
    assert "192.0.2.77" not in str(entry.detail)


def test_it_audits_each_limit_that_locks(
    limits: dict[str, tuple[int, int]], db: None, frozen: time_machine.Coordinates
) -> None:
    limits["login.address"] = (1, 900)
    UserFactory(username="dirk")
    _sign_in("10.0.0.1", "anna")
    _sign_in("10.0.0.1", "bram")
    _sign_in("10.0.0.2", "carla")
    _sign_in("10.0.0.2", "dirk", PASSWORD)

    keys = AuditEntry.objects.filter(action="security.lockout").values_list("detail", flat=True)
    assert [k["limit"] for k in keys] == ["login.address", "login.address"]
    assert len({k["key"] for k in keys}) == 2


# --- behind a proxy ---------------------------------------------------------------


def _via_proxy(forwarded_for: str, username: str) -> int:
    client = Client(REMOTE_ADDR="10.255.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    return int(client.post("/login/", {"username": username, "password": "wrong"}).status_code)


def test_it_counts_the_address_the_trusted_proxy_saw_not_the_proxy(
    limits: dict[str, tuple[int, int]], settings: Any, db: None
) -> None:
    settings.HOEKSTEEN_TRUSTED_PROXIES = 1
    limits["login.address"] = (2, 900)
    assert _via_proxy("198.51.100.1", "anna") == 200
    assert _via_proxy("198.51.100.1", "bram") == 200
    assert _via_proxy("198.51.100.2", "carla") == 200
    # A forged entry in front of the proxy's own does not make a new address.
    assert _via_proxy("203.0.113.9, 198.51.100.1", "dirk") == 429


def test_it_falls_back_to_the_proxy_address_for_a_missing_or_broken_header(
    limits: dict[str, tuple[int, int]], settings: Any, db: None
) -> None:
    settings.HOEKSTEEN_TRUSTED_PROXIES = 1
    limits["login.address"] = (2, 900)
    assert _via_proxy("", "anna") == 200
    assert _via_proxy("not-an-address", "bram") == 200
    assert _via_proxy("", "carla") == 429


def test_it_lists_the_lockouts_for_the_platform_administrator(
    limits: dict[str, tuple[int, int]], complainant: User, frozen: time_machine.Coordinates
) -> None:
    limits["login.account"] = (1, 900)
    limits["login.address"] = (2, 900)
    _sign_in("192.0.2.1", "complainant")
    _sign_in("192.0.2.1", "complainant")
    _sign_in("192.0.2.1", "bram")
    _sign_in("192.0.2.1", "carla")
    frozen.shift(dt.timedelta(hours=2))
    _sign_in("192.0.2.2", "dirk")
    _sign_in("192.0.2.2", "dirk")

    out = StringIO()
    call_command("lockouts", "--hours", "1", stdout=out)
    assert out.getvalue().splitlines()[-1] == "1 lockouts in the last 1 hours (login.account: 1)."

    out = StringIO()
    call_command("lockouts", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == ("3 lockouts in the last 24 hours (login.account: 2, login.address: 1).")
    assert [line.split()[2] for line in lines[:-1]] == [
        "login.account",
        "login.address",
        "login.account",
    ]
    assert "complainant" not in out.getvalue()
    assert "192.0.2" not in out.getvalue()


# --- how long to wait -----------------------------------------------------------


def test_it_says_how_long_a_sign_in_lockout_lasts_in_dutch_and_english(
    limits: dict[str, tuple[int, int]], complainant: User, frozen: time_machine.Coordinates
) -> None:
    limits["login.account"] = (1, 7 * 60)  # not the default quarter of an hour
    _sign_in("10.0.0.1", "complainant")

    english = _from("10.0.0.1").post("/login/", {"username": "complainant", "password": "x"})
    dutch = Client(REMOTE_ADDR="10.0.0.1").post(
        "/login/", {"username": "complainant", "password": "x"}
    )

    assert english.status_code == dutch.status_code == 429
    assert "Wait 7 minutes and try again" in english.content.decode()
    assert "Wacht 7 minuten en probeer het dan opnieuw" in dutch.content.decode()
    assert "quarter" not in english.content.decode()
    assert english["Retry-After"] == "420"

    # What is left of the window, not the window: one minute, in the singular.
    frozen.shift(dt.timedelta(minutes=6, seconds=30))
    english = _from("10.0.0.1").post("/login/", {"username": "complainant", "password": "x"})
    dutch = Client(REMOTE_ADDR="10.0.0.1").post(
        "/login/", {"username": "complainant", "password": "x"}
    )
    assert "Wait 1 minute and try again" in english.content.decode()
    assert "Wacht 1 minuut en probeer het dan opnieuw" in dutch.content.decode()
    assert english["Retry-After"] == "30"


def test_it_says_how_long_the_lockout_for_one_name_and_address_lasts(
    settings: Any, complainant: User
) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = 0.5  # hours: not the default quarter of an hour
    _sign_in("10.0.0.1", "complainant")
    _sign_in("10.0.0.1", "complainant")

    english = _from("10.0.0.1").post("/login/", {"username": "complainant", "password": "x"})
    dutch = Client(REMOTE_ADDR="10.0.0.1").post(
        "/login/", {"username": "complainant", "password": "x"}
    )

    assert english.status_code == dutch.status_code == 429
    assert "Wait 30 minutes and try again" in english.content.decode()
    assert "Wacht 30 minuten en probeer het dan opnieuw" in dutch.content.decode()


def test_it_says_how_long_a_code_lockout_lasts_in_dutch_and_english(
    limits: dict[str, tuple[int, int]], hr_handler: User, frozen: time_machine.Coordinates
) -> None:
    limits["totp.account"] = (0, 3 * 60)
    device = confirmed_totp(hr_handler)
    client = _password_only(hr_handler, "10.0.0.1")

    response = client.post("/2fa/verify/", {"token": totp_now(device)})
    assert response.status_code == 429
    assert "Wait 3 minutes and try again" in response.content.decode()
    assert response["Retry-After"] == "180"

    frozen.shift(dt.timedelta(minutes=2, seconds=1))
    client.cookies["django_language"] = "nl"
    response = client.post("/2fa/verify/", {"token": totp_now(device)})
    assert "Wacht 1 minuut en probeer het dan opnieuw" in response.content.decode()


# --- setting up an authenticator --------------------------------------------------


def _setting_up(user: User, address: str) -> tuple[Client, TOTPDevice]:
    client = _password_only(user, address)
    assert client.get("/2fa/setup/").status_code == 200
    return client, TOTPDevice.objects.get(user=user, confirmed=False)


def _setup_code(client: Client, token: str) -> int:
    return int(client.post("/2fa/setup/", {"token": token}).status_code)


def test_it_limits_wrong_setup_codes_per_account_and_audits_the_lockout(
    limits: dict[str, tuple[int, int]], coordinator: User, frozen: time_machine.Coordinates
) -> None:
    limits["totp.account"] = (3, 900)
    client, device = _setting_up(coordinator, "10.0.0.1")
    assert [_setup_code(client, _wrong(device)) for _ in range(3)] == [400, 400, 400]

    frozen.shift(dt.timedelta(minutes=5))  # past django-otp's own back-off
    other_address = _password_only(coordinator, "10.0.0.2")
    refused = other_address.post(
        "/2fa/setup/", {"token": totp_now(device)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 429
    assert "Wait 10 minutes and try again" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    entry = AuditEntry.objects.get(action="security.lockout")
    assert entry.detail["limit"] == "totp.account"
    assert "coordinator" not in str(entry.detail)

    frozen.shift(dt.timedelta(minutes=10, seconds=1))
    assert _setup_code(other_address, totp_now(device)) == 200
    device.refresh_from_db()
    assert device.confirmed


def test_it_counts_setup_codes_and_sign_in_codes_together(
    limits: dict[str, tuple[int, int]],
    coordinator: User,
    hr_handler: User,
    frozen: time_machine.Coordinates,
) -> None:
    limits["totp.address"] = (2, 900)
    client, device = _setting_up(coordinator, "10.0.0.1")
    assert _setup_code(client, _wrong(device)) == 400
    hr_device = confirmed_totp(hr_handler)
    assert _code(_password_only(hr_handler, "10.0.0.1"), _wrong(hr_device)) == 400

    frozen.shift(dt.timedelta(minutes=5))
    assert _setup_code(client, totp_now(device)) == 429
    assert _setup_code(_password_only(coordinator, "10.0.0.2"), totp_now(device)) == 200


def test_it_limits_setup_codes_on_the_whole_instance(
    limits: dict[str, tuple[int, int]],
    coordinator: User,
    committee: User,
    frozen: time_machine.Coordinates,
) -> None:
    limits["totp.global"] = (2, 900)
    client, device = _setting_up(coordinator, "10.0.0.1")
    assert _setup_code(client, _wrong(device)) == 400
    assert _setup_code(_password_only(coordinator, "10.0.0.2"), _wrong(device)) == 400

    committee_client, committee_device = _setting_up(committee, "10.0.0.3")
    assert _setup_code(committee_client, totp_now(committee_device)) == 429


def test_it_does_not_count_the_right_setup_code_as_a_guess(
    limits: dict[str, tuple[int, int]], coordinator: User, frozen: time_machine.Coordinates
) -> None:
    limits["totp.account"] = (1, 900)
    client, device = _setting_up(coordinator, "10.0.0.1")

    assert _setup_code(client, totp_now(device)) == 200
    # The one try the limit allows is still there for the next code.
    assert _code(client, "abcd2345") == 400
