"""Single sign-on through a real OpenID provider, the whole authorization-code flow.

Hoeksteen runs in the test client; the provider (django-oidc-provider, see
tests/openid_provider.py) runs as its own server. The person signs in on the
provider's login page over HTTP, and Hoeksteen fetches the token, the signing
keys and the userinfo from the provider over HTTP, as in production.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.test import Client

from hoeksteen.audit.models import AuditEntry
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import IdentityProviderDevice, User
from hoeksteen.people.oidc import OIDCBackend, shows_mfa
from hoeksteen.people.oidc_views import SECOND_FACTOR_VIA_SESSION_KEY
from hoeksteen.testing.factories import PASSWORD, confirmed_totp, totp_now
from tests.openid_provider import CLIENT_SECRET, Provider, sign_in_at_provider

BACKEND = "hoeksteen.people.oidc.OIDCBackend"
SettingsWrapper = Any  # pytest-django's `settings` fixture


@pytest.fixture
def oidc(settings: SettingsWrapper, provider: Provider) -> SettingsWrapper:
    """Single sign-on configured as HOEKSTEEN_OIDC_* would, against the test provider."""
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = "hoeksteen-test"
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Acme ID"
    settings.OIDC_TRUST_MFA = False
    settings.OIDC_TIMEOUT = 30  # the provider is a test server on a busy machine
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    return settings


def _start(client: Client, next_url: str = "/o/acme/") -> str:
    """Press "Sign in with …": the address of the provider's authorization page."""
    response = client.get("/oidc/authenticate/", {"next": next_url})
    assert response.status_code == 302
    location: str = response["Location"]
    return location


def _back_at_hoeksteen(client: Client, callback: str) -> HttpResponse:
    parts = urlsplit(callback)
    assert parts.netloc == "testserver", callback
    response: HttpResponse = client.get(f"{parts.path}?{parts.query}")
    return response


def sign_in(client: Client, provider_user: str) -> HttpResponse:
    """The whole flow: Hoeksteen -> provider login -> Hoeksteen's callback."""
    return _back_at_hoeksteen(client, sign_in_at_provider(_start(client), provider_user))


def _signed_in_as(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


# --- who gets in --------------------------------------------------------------------


def test_it_signs_in_a_known_person_by_their_verified_email(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    response = sign_in(client, "complainant")

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    assert client.get("/o/acme/").status_code == 200
    assert _signed_in_as(client) == complainant.pk
    entry = AuditEntry.objects.filter(action="auth.login").get()
    assert entry.actor_id == complainant.pk
    assert entry.detail == {"method": "oidc", "second_factor_by_provider": False}


def test_it_refuses_an_unknown_person_and_makes_no_account(
    oidc: SettingsWrapper, client: Client, acme: Organisation, complainant: User
) -> None:
    users_before = User.objects.count()

    response = sign_in(client, "stranger")

    assert response.status_code == 403
    assert "geen actief Hoeksteen-account" in response.content.decode()
    assert User.objects.count() == users_before
    assert _signed_in_as(client) is None
    refusal = AuditEntry.objects.get(action="auth.login_refused")
    assert refusal.detail == {"method": "oidc", "reason": "no_account"}
    assert refusal.actor_id is None


def test_it_refuses_a_person_whose_account_is_switched_off(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    complainant.is_active = False
    complainant.save()

    response = sign_in(client, "complainant")

    assert response.status_code == 403
    assert _signed_in_as(client) is None
    assert AuditEntry.objects.get(action="auth.login_refused").detail["reason"] == "inactive"


def test_it_refuses_an_email_address_the_provider_has_not_verified(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    response = sign_in(client, "complainant-unverified")

    assert response.status_code == 403
    assert _signed_in_as(client) is None
    refusal = AuditEntry.objects.get(action="auth.login_refused")
    assert refusal.detail["reason"] == "email_unverified"


def test_it_ends_the_session_of_a_person_switched_off_after_signing_in(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    sign_in(client, "complainant")
    assert client.get("/o/acme/").status_code == 200

    User.objects.filter(pk=complainant.pk).update(is_active=False)

    response = client.get("/o/acme/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_matches_on_another_claim_when_configured(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    oidc.OIDC_MATCH_CLAIM = "preferred_username"
    oidc.OIDC_MATCH_FIELD = "username"
    complainant.email = "someone.else@example.invalid"
    complainant.save()

    response = sign_in(client, "complainant")

    assert response.status_code == 302
    assert _signed_in_as(client) == complainant.pk


def test_it_refuses_an_id_token_meant_for_another_client(oidc: SettingsWrapper) -> None:
    claims = {"aud": "another-client", "iss": oidc.OIDC_ISSUER, "sub": "1"}

    with pytest.raises(SuspiciousOperation):
        OIDCBackend().get_or_create_user("access", "id", claims)


def test_it_refuses_an_id_token_from_another_issuer(oidc: SettingsWrapper) -> None:
    claims = {"aud": ["hoeksteen-test"], "iss": "https://elsewhere.invalid", "sub": "1"}

    with pytest.raises(SuspiciousOperation):
        OIDCBackend().get_or_create_user("access", "id", claims)


# --- the second factor --------------------------------------------------------------


@pytest.mark.parametrize(
    ("trust_mfa", "provider_user", "asked_for_code"),
    [
        (False, "handler", True),
        (False, "handler-mfa", True),  # the claim counts for nothing unless trusted
        (True, "handler", True),  # trusted, but the provider checked one factor only
        (True, "handler-mfa", False),
    ],
)
def test_it_asks_a_handler_for_the_code_unless_the_provider_checked_mfa_and_is_trusted(
    oidc: SettingsWrapper,
    client: Client,
    hr_handler: User,
    trust_mfa: bool,
    provider_user: str,
    asked_for_code: bool,
) -> None:
    device = confirmed_totp(hr_handler)
    oidc.OIDC_TRUST_MFA = trust_mfa

    response = sign_in(client, provider_user)
    assert response.status_code == 302
    page = client.get(response["Location"])

    assert _signed_in_as(client) == hr_handler.pk
    if asked_for_code:
        assert page.status_code == 302
        assert page["Location"].startswith("/2fa/verify/")
        assert SECOND_FACTOR_VIA_SESSION_KEY not in client.session
        client.post(page["Location"], {"token": totp_now(device)})
        assert client.get("/o/acme/").status_code == 200
        assert client.session[SECOND_FACTOR_VIA_SESSION_KEY] == "authenticator"
    else:
        assert page.status_code == 200
        assert client.session[SECOND_FACTOR_VIA_SESSION_KEY] == "identity_provider"
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.detail["second_factor_by_provider"] is not asked_for_code


def test_it_lets_a_handler_waiting_for_the_code_sign_in_through_the_provider_instead(
    oidc: SettingsWrapper, client: Client, hr_handler: User
) -> None:
    confirmed_totp(hr_handler)
    oidc.OIDC_TRUST_MFA = True
    client.post("/login/", {"username": "hr_handler", "password": PASSWORD})
    assert client.get("/o/acme/")["Location"].startswith("/2fa/verify/")

    response = sign_in(client, "handler-mfa")

    assert response.status_code == 302
    assert client.get("/o/acme/").status_code == 200


def test_it_does_not_count_the_providers_check_as_a_factor_the_person_holds(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    oidc.OIDC_TRUST_MFA = True
    sign_in(client, "complainant-mfa")
    assert IdentityProviderDevice.objects.filter(user=complainant).exists()
    client.post("/logout/")

    # With their password alone, an employee without an authenticator goes straight in.
    client.post("/login/", {"username": "complainant", "password": PASSWORD})

    assert client.get("/o/acme/").status_code == 200


# --- a flow that was tampered with ---


def test_it_does_not_send_the_person_on_to_another_site(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    authorize = _start(client, next_url="https://elsewhere.example/")

    response = _back_at_hoeksteen(client, sign_in_at_provider(authorize, "complainant"))

    assert response.status_code == 302
    assert response["Location"] == "/"


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_it_fails_calmly_on_a_forged_state(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    callback = sign_in_at_provider(_start(client), "complainant")

    response = _back_at_hoeksteen(client, _with_param(callback, "state", "forged"))

    assert response.status_code == 400
    assert "Acme ID" in response.content.decode()
    assert _signed_in_as(client) is None


def test_it_fails_calmly_on_a_nonce_that_is_not_the_one_it_sent(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    authorize = _with_param(_start(client), "nonce", "not-the-nonce-hoeksteen-sent")

    response = _back_at_hoeksteen(client, sign_in_at_provider(authorize, "complainant"))

    assert response.status_code == 400
    assert _signed_in_as(client) is None


def test_it_does_not_accept_the_same_answer_twice(
    oidc: SettingsWrapper, client: Client, complainant: User
) -> None:
    callback = sign_in_at_provider(_start(client), "complainant")
    assert _back_at_hoeksteen(client, callback).status_code == 302
    client.post("/logout/")

    response = _back_at_hoeksteen(client, callback)

    assert response.status_code == 400
    assert _signed_in_as(client) is None


def test_it_fails_calmly_when_the_provider_reports_an_error(
    oidc: SettingsWrapper, client: Client
) -> None:
    response = client.get("/oidc/callback/", {"error": "access_denied", "state": "x"})

    assert response.status_code == 400


def test_it_fails_calmly_when_discovery_names_another_issuer(
    oidc: SettingsWrapper, client: Client, provider: Provider, db: None
) -> None:
    # The same provider under another name: its discovery document says 127.0.0.1.
    oidc.OIDC_ISSUER = provider.issuer.replace("127.0.0.1", "localhost")

    response = client.get("/oidc/authenticate/")

    assert response.status_code == 400


def test_it_uses_an_endpoint_set_explicitly_instead_of_discovery(
    oidc: SettingsWrapper, client: Client, complainant: User, provider: Provider
) -> None:
    oidc.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/no-token-here/"

    response = sign_in(client, "complainant")

    assert response.status_code == 400
    assert _signed_in_as(client) is None


@pytest.mark.parametrize(
    ("claims", "shown"),
    [
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": "mfa"}, True),
        ({"amr": ["pwd"]}, False),
        ({"acr": "gold"}, True),
        ({"acr": "bronze"}, False),
        ({"amr": {"mfa": True}}, False),
        ({}, False),
    ],
)
def test_it_reads_mfa_from_amr_and_acr(
    settings: SettingsWrapper, claims: dict[str, Any], shown: bool
) -> None:
    settings.OIDC_MFA_AMR_VALUES = ["mfa"]
    settings.OIDC_MFA_ACR_VALUES = ["gold"]

    assert shows_mfa(claims) is shown


# --- on and off --------------------------------------------------------------------


def test_it_offers_the_provider_on_the_login_page_without_javascript(
    oidc: SettingsWrapper, client: Client
) -> None:
    page = client.get("/login/?next=/o/acme/%3Ftab%3D2").content.decode()

    # A plain link: a form would be stopped by CSP form-action on its way out.
    assert 'class="button" href="/oidc/authenticate/?next=/o/acme/%3Ftab%3D2"' in page
    assert "Inloggen met Acme ID" in page


def test_it_has_no_single_sign_on_unless_configured(client: Client) -> None:
    assert not settings.OIDC_ENABLED
    assert "/oidc/authenticate/" not in client.get("/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
