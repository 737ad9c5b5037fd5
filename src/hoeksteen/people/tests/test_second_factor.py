"""The second factor: who must use it, setting it up, entering it, recovery codes."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoeksteen.audit.models import AuditEntry
from hoeksteen.people import actions
from hoeksteen.people.models import User
from hoeksteen.testing.factories import PASSWORD, UserFactory, confirmed_totp, totp_now

ROLES_WITH_SECOND_FACTOR = ["hr_handler", "committee", "coordinator"]
NOON = dt.datetime(2025, 3, 3, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    """TOTP codes depend on the clock: freeze it so a code is the same on both sides."""
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def _password_only(client: Client, user: User) -> Client:
    """Signed in with the password, the second step not yet taken."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _wrong_code(device: TOTPDevice) -> str:
    """A six-digit code the device refuses now (not one of the tolerated steps)."""
    valid = set()
    for offset in range(-device.tolerance, device.tolerance + 1):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time += offset * device.step
        valid.add(f"{totp.token():06d}")
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _next_of(location: str) -> str:
    return parse_qs(urlsplit(location).query)["next"][0]


def _is_verified(client: Client) -> bool:
    """Whether the session passed the second step: /o/acme/ opens without a detour."""
    return client.get("/o/acme/").status_code == 200


# --- who must use a second factor ----------------------------------------------------


@pytest.mark.parametrize("persona", ROLES_WITH_SECOND_FACTOR)
@pytest.mark.parametrize("path", ["/o/acme/", "/admin/", "/"])
def test_it_sends_a_role_without_an_authenticator_to_set_one_up(
    request: pytest.FixtureRequest, client: Client, persona: str, path: str
) -> None:
    user = request.getfixturevalue(persona)
    response = _password_only(client, user).get(path)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/2fa/setup/"
    assert _next_of(response["Location"]) == path


@pytest.mark.parametrize("persona", ROLES_WITH_SECOND_FACTOR)
@pytest.mark.parametrize("path", ["/o/acme/", "/admin/"])
def test_it_asks_a_role_with_an_authenticator_for_a_code(
    request: pytest.FixtureRequest, client: Client, persona: str, path: str
) -> None:
    user = request.getfixturevalue(persona)
    confirmed_totp(user)
    response = _password_only(client, user).get(path)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/2fa/verify/"
    assert _next_of(response["Location"]) == path


def test_it_sends_a_role_there_after_a_real_password_sign_in(
    client: Client, hr_handler: User
) -> None:
    response = client.post(
        "/login/", {"username": "hr_handler", "password": PASSWORD, "next": "/o/acme/"}, follow=True
    )
    location, status = response.redirect_chain[-1]
    assert status == 302
    assert urlsplit(location).path == "/2fa/setup/"
    assert _next_of(location) == "/o/acme/"
    assert response.status_code == 200


def test_it_keeps_the_whole_address_with_its_query_in_next(
    client: Client, coordinator: User
) -> None:
    response = _password_only(client, coordinator).get("/o/acme/?tab=people&page=2")
    assert _next_of(response["Location"]) == "/o/acme/?tab=people&page=2"


@pytest.mark.parametrize("persona", ["complainant", "subject_vp"])
def test_it_lets_an_employee_or_vp_without_an_authenticator_in(
    request: pytest.FixtureRequest, client: Client, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    assert _password_only(client, user).get("/o/acme/").status_code == 200


def test_it_asks_anyone_who_has_an_authenticator_for_a_code(
    client: Client, complainant: User
) -> None:
    confirmed_totp(complainant)
    response = _password_only(client, complainant).get("/o/acme/")
    assert urlsplit(response["Location"]).path == "/2fa/verify/"


def test_it_sends_a_superuser_to_set_up_an_authenticator(client: Client, db: None) -> None:
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    response = _password_only(client, admin).get("/admin/")
    assert urlsplit(response["Location"]).path == "/2fa/setup/"


def test_it_leaves_the_language_switch_open_before_the_second_step(
    client: Client, coordinator: User
) -> None:
    response = _password_only(client, coordinator).post(
        "/i18n/setlang/", {"language": "en", "next": "/2fa/setup/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/2fa/setup/"


# --- setting up an authenticator ------------------------------------------------------


def test_it_shows_a_qr_code_and_the_key_to_set_up(client: Client, coordinator: User) -> None:
    response = _password_only(client, coordinator).get("/2fa/setup/")
    assert response.status_code == 200
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=coordinator)
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in body
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'<span class="secret">([A-Z2-7 ]+)</span>', body)
    assert shown is not None
    assert shown.group(1).replace(" ", "") == key
    assert '<html lang="nl">' in body


def test_it_keeps_the_same_key_when_the_setup_page_is_reloaded(
    client: Client, coordinator: User
) -> None:
    _password_only(client, coordinator).get("/2fa/setup/")
    client.get("/2fa/setup/")
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_it_refuses_a_wrong_setup_code_and_leaves_the_device_unconfirmed(
    english_client: Client, coordinator: User, frozen: time_machine.Coordinates
) -> None:
    _password_only(english_client, coordinator).get("/2fa/setup/")
    device = TOTPDevice.objects.get(user=coordinator)
    response = english_client.post("/2fa/setup/", {"token": _wrong_code(device)})
    assert response.status_code == 400
    assert "That code is not right. Check the time on your phone and try again." in (
        response.content.decode()
    )
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=coordinator).exists()
    assert not AuditEntry.objects.filter(action="auth.2fa_enrolled").exists()
    assert not _is_verified(english_client)


def test_it_confirms_the_device_with_the_right_code_and_shows_ten_recovery_codes(
    english_client: Client, coordinator: User, frozen: time_machine.Coordinates
) -> None:
    _password_only(english_client, coordinator).get("/2fa/setup/")
    device = TOTPDevice.objects.get(user=coordinator)
    response = english_client.post("/2fa/setup/", {"token": totp_now(device), "next": "/o/acme/"})
    assert response.status_code == 200
    assert "people/recovery_codes.html" in [t.name for t in response.templates]
    codes = response.context["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    body = response.content.decode()
    assert all(f"<li>{code}</li>" in body for code in codes)
    assert 'href="/o/acme/"' in body
    device.refresh_from_db()
    assert device.confirmed
    stored = set(
        StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)
    )
    assert stored == set(codes)
    assert AuditEntry.objects.filter(action="auth.2fa_enrolled", actor_id=coordinator.pk).exists()
    assert _is_verified(english_client)


def test_it_ignores_an_external_next_after_setup(
    client: Client, coordinator: User, frozen: time_machine.Coordinates
) -> None:
    _password_only(client, coordinator).get("/2fa/setup/")
    device = TOTPDevice.objects.get(user=coordinator)
    response = client.post(
        "/2fa/setup/", {"token": totp_now(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 200
    assert "evil.example" not in response.content.decode()


def test_it_does_not_let_someone_with_an_authenticator_set_up_another(
    client: Client, coordinator: User
) -> None:
    confirmed_totp(coordinator)
    response = _password_only(client, coordinator).get("/2fa/setup/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/2fa/verify/"
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


# --- entering the code -----------------------------------------------------------------


def test_it_refuses_a_wrong_code_and_records_the_failure(
    english_client: Client, hr_handler: User, frozen: time_machine.Coordinates
) -> None:
    device = confirmed_totp(hr_handler)
    _password_only(english_client, hr_handler)
    response = english_client.post("/2fa/verify/", {"token": _wrong_code(device)})
    assert response.status_code == 400
    assert "That code is not right." in response.content.decode()
    entry = AuditEntry.objects.get(action="auth.2fa_failed")
    assert entry.actor_id == hr_handler.pk
    assert not _is_verified(english_client)


def test_it_accepts_the_right_code_and_goes_to_next(
    client: Client, hr_handler: User, frozen: time_machine.Coordinates
) -> None:
    device = confirmed_totp(hr_handler)
    response = _password_only(client, hr_handler).post(
        "/2fa/verify/", {"token": totp_now(device), "next": "/o/acme/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    assert not AuditEntry.objects.filter(action="auth.2fa_failed").exists()
    assert _is_verified(client)


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/o/acme/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
    ],
)
def test_it_ignores_a_next_that_leaves_the_site(
    client: Client, hr_handler: User, frozen: time_machine.Coordinates, next_url: str
) -> None:
    device = confirmed_totp(hr_handler)
    response = _password_only(client, hr_handler).post(
        "/2fa/verify/", {"token": totp_now(device), "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_refuses_a_code_used_once_already(
    client: Client, hr_handler: User, frozen: time_machine.Coordinates
) -> None:
    device = confirmed_totp(hr_handler)
    code = totp_now(device)
    assert _password_only(client, hr_handler).post("/2fa/verify/", {"token": code}).status_code == (
        302
    )
    client.logout()
    frozen.shift(5)  # past the throttle, still in the same 30-second step
    response = _password_only(client, hr_handler).post("/2fa/verify/", {"token": code})
    assert response.status_code == 400


def test_it_accepts_a_recovery_code_once_but_not_twice(
    client: Client, hr_handler: User, frozen: time_machine.Coordinates
) -> None:
    confirmed_totp(hr_handler)
    code = actions.recovery_codes_regenerate(user=hr_handler)[0]
    response = _password_only(client, hr_handler).post(
        "/2fa/verify/", {"token": code, "next": "/o/acme/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    assert _is_verified(client)

    client.logout()
    frozen.shift(60)
    response = _password_only(client, hr_handler).post("/2fa/verify/", {"token": code})
    assert response.status_code == 400
    assert not _is_verified(client)


def test_it_makes_new_recovery_codes_and_the_old_ones_stop_working(
    login_as: Callable[[User], Client], hr_handler: User, frozen: time_machine.Coordinates
) -> None:
    client = login_as(hr_handler)
    old = actions.recovery_codes_regenerate(user=hr_handler)
    assert client.get("/2fa/recovery-codes/").status_code == 200
    response = client.post("/2fa/recovery-codes/")
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    assert AuditEntry.objects.filter(action="auth.recovery_codes_renewed").exists()

    client.logout()
    frozen.shift(60)
    response = _password_only(client, hr_handler).post("/2fa/verify/", {"token": old[0]})
    assert response.status_code == 400
    frozen.shift(60)
    response = _password_only(client, hr_handler).post("/2fa/verify/", {"token": new[0]})
    assert response.status_code == 302


def test_it_asks_for_the_second_step_before_renewing_recovery_codes(
    client: Client, hr_handler: User
) -> None:
    confirmed_totp(hr_handler)
    old = actions.recovery_codes_regenerate(user=hr_handler)
    response = _password_only(client, hr_handler).post("/2fa/recovery-codes/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/2fa/verify/"
    stored = set(
        StaticToken.objects.filter(device__user=hr_handler).values_list("token", flat=True)
    )
    assert stored == set(old)
