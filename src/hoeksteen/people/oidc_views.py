"""Signing in through the organisation's identity provider (OpenID Connect).

/oidc/authenticate/ sends the browser to the provider; /oidc/callback/ takes
the provider's answer. Both do not exist while single sign-on is off.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from hoeksteen.people import actions
from hoeksteen.people.models import IdentityProviderDevice, User
from hoeksteen.people.oidc import SignInRefused, oidc_setting

log = logging.getLogger(__name__)

# Which way the session passed the second step: "authenticator" (a TOTP or
# recovery code, views.py) or "identity_provider" (the provider's MFA, trusted).
SECOND_FACTOR_VIA_SESSION_KEY = "hoeksteen_second_factor_via"

# What can go wrong between the browser, the provider and the token: a forged or
# replayed state, a wrong nonce, a bad signature, an expired token, a provider
# that does not answer or answers nonsense. Each ends on a calm page, never a 500.
_FLOW_ERRORS = (
    SuspiciousOperation,
    ImproperlyConfigured,
    requests.RequestException,
    jwt.PyJWTError,
    ValueError,
    KeyError,
    TypeError,
)


def provider_name() -> str:
    """The name on the "Sign in with …" button."""
    return settings.OIDC_PROVIDER_NAME or _("your organisation's account")


class _AuthenticateView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    get_settings = staticmethod(oidc_setting)


class _CallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    get_settings = staticmethod(oidc_setting)

    def login_failure(self) -> HttpResponse:
        return _page(self.request, refused=False)

    def login_success(self) -> HttpResponse:
        user: User = self.user
        device = getattr(user, "otp_device", None)
        by_provider = isinstance(device, IdentityProviderDevice)
        with transaction.atomic():
            # django-otp's user_logged_in hook stores `otp_device` as the verified
            # second factor; without it SecondFactorRequiredMiddleware asks for TOTP.
            auth.login(self.request, user)
            actions.single_sign_on_record(user=user, second_factor_by_provider=by_provider)
        if by_provider:
            self.request.session[SECOND_FACTOR_VIA_SESSION_KEY] = "identity_provider"
        return HttpResponseRedirect(self.success_url)


def _page(request: HttpRequest, *, refused: bool) -> HttpResponse:
    return render(
        request,
        "people/oidc_refused.html",
        {"refused": refused, "provider_name": provider_name()},
        status=403 if refused else 400,
    )


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


@require_GET
def oidc_authenticate(request: HttpRequest) -> HttpResponse:
    _enabled()
    try:
        response: HttpResponse = _AuthenticateView.as_view()(request)
    except _FLOW_ERRORS as error:
        log.warning("single sign-on could not start: %s", type(error).__name__)
        return _page(request, refused=False)
    return response


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    _enabled()
    try:
        response: HttpResponse = _CallbackView.as_view()(request)
    except SignInRefused as refusal:
        actions.single_sign_on_refusal_record(reason=refusal.reason)
        log.info("single sign-on refused: %s", refusal.reason)
        return _page(request, refused=True)
    except _FLOW_ERRORS as error:
        log.warning("single sign-on failed: %s", type(error).__name__)
        return _page(request, refused=False)
    return response


def login_page_context() -> dict[str, Any]:
    """What the login page needs to offer single sign-on, if it is on."""
    return {"oidc_provider_name": provider_name() if settings.OIDC_ENABLED else ""}
