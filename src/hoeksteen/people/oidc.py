"""Single sign-on with OpenID Connect, on top of mozilla-django-oidc.

Who may sign in this way is decided here: a person the provider vouches for
whose account already exists in Hoeksteen and is active. The provider's word
never creates an account or a role. Whether a trusted sign-in also counts as
the second factor is decided here too (HOEKSTEEN_OIDC_TRUST_MFA); the views
in oidc_views.py only turn the outcome into a page.
"""

from __future__ import annotations

import hashlib
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from hoeksteen.people import actions
from hoeksteen.people.models import User

# mozilla-django-oidc's endpoint settings and the discovery document's names for them.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_DISCOVERY_CACHE_SECONDS = 3600


class SignInRefused(Exception):
    """The provider vouched for someone Hoeksteen will not let in.

    `reason` is one of "no_account", "inactive", "email_unverified" or
    "ambiguous"; it goes to the audit trail, never to the page.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document, kept in the cache for an hour.

    Fetched on first use rather than at start-up, so Hoeksteen starts (and
    password sign-in works) while the provider is unreachable.
    """
    url = f"{settings.OIDC_ISSUER}/.well-known/openid-configuration"
    key = "oidc-discovery:" + hashlib.sha256(url.encode()).hexdigest()
    metadata: dict[str, Any] | None = cache.get(key)
    if metadata is None:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
        if not isinstance(metadata, dict) or metadata.get("issuer") != settings.OIDC_ISSUER:
            raise ImproperlyConfigured("The discovery document names another issuer.")
        cache.set(key, metadata, _DISCOVERY_CACHE_SECONDS)
    return metadata


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's setting `attr`; an empty endpoint comes from discovery."""
    if attr in _DISCOVERED and not getattr(settings, attr, ""):
        value = provider_metadata().get(_DISCOVERED[attr])
        if not value:
            raise ImproperlyConfigured(f"The provider publishes no {_DISCOVERED[attr]}.")
        return value
    return import_from_settings(attr, *default)


def shows_mfa(id_token_claims: dict[str, Any]) -> bool:
    """Whether the ID token says the provider checked more than one factor."""
    amr = id_token_claims.get("amr")
    methods = {amr} if isinstance(amr, str) else set(amr) if isinstance(amr, list) else set()
    if methods & set(settings.OIDC_MFA_AMR_VALUES):
        return True
    acr = id_token_claims.get("acr")
    return isinstance(acr, str) and acr in settings.OIDC_MFA_ACR_VALUES


class OIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Finds the existing, active Hoeksteen user the provider vouches for."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads every endpoint here, but Django builds a backend for
        # each request of a signed-in user and for each password sign-in: the
        # endpoints (perhaps from discovery) are read only when a code comes in.
        self.UserModel = User

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None
        super().__init__()
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_user(self, user_id: int) -> User | None:
        # Django's rule, not the parent's: a deactivated person's session ends.
        user: User | None = ModelBackend.get_user(self, user_id)
        return user

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        self._check_audience_and_issuer(payload)
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo belongs to another subject.")
        claims = {**payload, **userinfo}
        user = self._matching_user(claims)
        if settings.OIDC_TRUST_MFA and shows_mfa(payload):
            # django-otp's own hook: django.contrib.auth.login() stores a
            # user's `otp_device` in the session as the verified second factor.
            user.otp_device = actions.identity_provider_device(user=user)  # type: ignore[attr-defined]
        return user

    def _check_audience_and_issuer(self, payload: dict[str, Any]) -> None:
        # mozilla-django-oidc checks signature, expiry and nonce, not these.
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is meant for another client.")
        if payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer.")

    def _matching_user(self, claims: dict[str, Any]) -> User:
        claim = settings.OIDC_MATCH_CLAIM
        value = claims.get(claim)
        if not isinstance(value, str) or not value.strip():
            raise SignInRefused("no_account")
        if claim == "email" and claims.get("email_verified") is not True:
            raise SignInRefused("email_unverified")
        lookup = {f"{settings.OIDC_MATCH_FIELD}__iexact": value.strip()}
        users = list(User.objects.filter(**lookup)[:2])
        if not users:
            raise SignInRefused("no_account")
        if len(users) > 1:
            raise SignInRefused("ambiguous")
        if not users[0].is_active:
            raise SignInRefused("inactive")
        return users[0]
