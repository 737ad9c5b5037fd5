"""Sends users who need a second factor to set it up or enter it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from hoeksteen.people.selectors import user_requires_second_factor

# Paths a signed-in but not yet verified user may still reach. /oidc/ lets
# them sign in again through the identity provider (whose MFA may count).
_OPEN_PREFIXES = ("/2fa/", "/logout/", "/oidc/", "/i18n/", "/static/", "/healthz")


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(_OPEN_PREFIXES)
            and user_requires_second_factor(user=user)
        ):
            from django_otp import user_has_device

            target = "people:otp_verify" if user_has_device(user) else "people:otp_setup"
            # Encoded, so a query string in the page's address survives the detour.
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
