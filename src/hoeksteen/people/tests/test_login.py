"""Signing in with a password, failed attempts and the lockout."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from hoeksteen.audit.models import AuditEntry
from hoeksteen.people.models import User
from hoeksteen.testing.factories import PASSWORD


def test_it_shows_the_sign_in_page_in_dutch_by_default(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_it_signs_in_with_the_right_password(client: Client, complainant: User) -> None:
    response = client.post("/login/", {"username": "complainant", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(complainant.pk)
    assert client.get("/").headers["Location"] == "/o/acme/"


def test_it_refuses_a_wrong_password_with_an_error_and_no_session(
    english_client: Client, complainant: User
) -> None:
    response = english_client.post("/login/", {"username": "complainant", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert '<html lang="en">' in response.content.decode()
    assert "_auth_user_id" not in english_client.session


def test_it_locks_the_account_after_five_failures_even_for_the_right_password(
    english_client: Client, complainant: User
) -> None:
    for _ in range(4):
        response = english_client.post("/login/", {"username": "complainant", "password": "wrong"})
        assert response.status_code == 200
    response = english_client.post("/login/", {"username": "complainant", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "people/locked_out.html" in [t.name for t in response.templates]
    assert 'name="password"' not in response.content.decode()

    response = english_client.post("/login/", {"username": "complainant", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in english_client.session
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_it_shows_the_lockout_page_in_dutch_by_default(client: Client, complainant: User) -> None:
    for _ in range(5):
        response = client.post("/login/", {"username": "complainant", "password": "wrong"})
    assert response.status_code == 429
    assert '<html lang="nl">' in response.content.decode()


def test_it_does_not_lock_another_account_from_the_same_address(
    client: Client, complainant: User, subject_vp: User
) -> None:
    for _ in range(5):
        client.post("/login/", {"username": "complainant", "password": "wrong"})
    response = client.post("/login/", {"username": "subject_vp", "password": PASSWORD})
    assert response.status_code == 302


def test_it_records_a_sign_in_in_the_audit_trail(client: Client, complainant: User) -> None:
    client.post("/login/", {"username": "complainant", "password": PASSWORD})
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor_id == complainant.pk
    assert (entry.object_type, entry.object_id) == ("people.user", str(complainant.pk))


def test_it_records_no_sign_in_for_a_wrong_password(client: Client, complainant: User) -> None:
    client.post("/login/", {"username": "complainant", "password": "wrong"})
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_it_sends_a_signed_in_user_on_from_the_sign_in_page(
    login_as: Callable[[User], Client], complainant: User
) -> None:
    client = login_as(complainant)
    assert client.get("/login/").headers["Location"] == "/"
    assert client.get("/login/?next=/o/acme/").headers["Location"] == "/o/acme/"


@pytest.mark.parametrize("next_url", ["/login/", "/login/?next=/login/", "https://evil.example/"])
def test_it_sends_a_signed_in_user_home_for_a_next_that_loops_or_leaves(
    login_as: Callable[[User], Client], complainant: User, next_url: str
) -> None:
    response = login_as(complainant).get("/login/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_signs_in_and_goes_to_a_same_site_next(client: Client, complainant: User) -> None:
    response = client.post(
        "/login/",
        {"username": "complainant", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
    client.logout()
    response = client.post(
        "/login/", {"username": "complainant", "password": PASSWORD, "next": "/o/acme/"}
    )
    assert response["Location"] == "/o/acme/"
