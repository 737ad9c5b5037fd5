"""Bad input gets a clear 4xx page, in the user's language, and changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from hoeksteen.audit.models import AuditEntry
from hoeksteen.people.actions import recovery_codes_regenerate
from hoeksteen.people.models import User
from hoeksteen.testing.factories import PASSWORD, confirmed_totp


def _nothing_changed() -> None:
    assert not Session.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="auth.").exists()
    assert not AccessAttempt.objects.exists()


def _templates(response: object) -> list[str]:
    return [t.name for t in response.templates]  # type: ignore[attr-defined]


# --- malformed addresses ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/o/%00/",
        "/o/acme%00/",
        "/o/" + "a" * 5000 + "/",
        "/o/" + "é" * 300 + "/",
        "/o/acme/../",
        "/o/acme/%2e%2e/",
        "/o/acme%2F..%2F/",
        "/o/ACME'--/",
        "/o/%ff%fe/",
        "/o/acme/%00",
    ],
)
def test_it_answers_a_malformed_address_with_not_found(
    login_as: Callable[[User], Client], complainant: User, path: str
) -> None:
    response = login_as(complainant).get(path)
    assert response.status_code == 404
    assert "404.html" in _templates(response)
    assert '<html lang="nl">' in response.content.decode()


def test_it_shows_the_not_found_page_in_english_when_chosen(
    login_as: Callable[[User], Client], complainant: User
) -> None:
    client = login_as(complainant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/o/%00/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Page not found" in body


@pytest.mark.parametrize("username", ["\x00", "complainant\x00", "x" * 10_000])
def test_it_refuses_a_malformed_username_with_the_form(
    client: Client, complainant: User, username: str
) -> None:
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("token", ["\x00", "12\x0034", "x" * 10_000, "", "١٢٣٤٥٦"])
def test_it_refuses_a_malformed_code_with_a_400(
    client: Client, hr_handler: User, token: str
) -> None:
    confirmed_totp(hr_handler)
    recovery_codes_regenerate(user=hr_handler)
    client.force_login(hr_handler, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/2fa/verify/", {"token": token})
    assert response.status_code == 400
    assert client.get("/o/acme/").status_code == 302


# --- an oversized form -------------------------------------------------------------------


def _oversized_sign_in() -> dict[str, str]:
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    return {"username": "complainant", "password": PASSWORD, "padding": padding}


def test_it_refuses_an_oversized_form_with_the_400_page(client: Client, complainant: User) -> None:
    response = client.post("/login/", _oversized_sign_in())
    assert response.status_code == 400
    assert "400.html" in _templates(response)
    assert '<html lang="nl">' in response.content.decode()
    _nothing_changed()


def test_it_refuses_an_oversized_form_with_a_csrf_token_too(complainant: User, db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post("/login/", {**_oversized_sign_in(), "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "400.html" in _templates(response)
    _nothing_changed()


def test_it_shows_the_400_page_in_english_when_chosen(
    english_client: Client, complainant: User
) -> None:
    response = english_client.post("/login/", _oversized_sign_in())
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "The request could not be handled" in body


# --- a form without its CSRF token ----------------------------------------------------------


def test_it_refuses_a_form_without_csrf_token_with_the_csrf_page(
    complainant: User, db: None
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "complainant", "password": PASSWORD})
    assert response.status_code == 403
    assert "403_csrf.html" in _templates(response)
    body = response.content.decode()
    assert '<html lang="nl">' in body
    assert 'name="password"' not in body
    _nothing_changed()


def test_it_shows_the_csrf_page_in_english_when_chosen(complainant: User, db: None) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/login/", {"username": "complainant", "password": PASSWORD})
    assert response.status_code == 403
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "The form has expired" in body


def _token_of_sign_in_form(page: str) -> str:
    """The CSRF token inside the form that holds the password field."""
    form = page[: page.index('name="password"')]
    found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert found
    return found[-1]


def test_it_accepts_the_same_form_with_its_csrf_token(complainant: User, db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    token = _token_of_sign_in_form(client.get("/login/").content.decode())
    response = client.post(
        "/login/",
        {"username": "complainant", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


# --- the 403 and 500 pages --------------------------------------------------------------------


@pytest.mark.urls("hoeksteen.people.tests.urls_with_failures")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_shows_the_403_page_in_the_chosen_language(
    client: Client, db: None, language: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    assert "403.html" in _templates(response)
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    if language == "en":
        assert "Not allowed" in body


@pytest.mark.urls("hoeksteen.people.tests.urls_with_failures")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_shows_the_500_page_in_the_chosen_language(db: None, language: str) -> None:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/test-broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert "planted failure" not in body
    if language == "en":
        assert "Something went wrong" in body
