"""Signing in, the second factor and recovery codes."""

from __future__ import annotations

import base64
import math
from typing import Any
from urllib.parse import urlsplit

import segno
from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from hoeksteen.core import ratelimit
from hoeksteen.people import actions, oidc_views
from hoeksteen.people.forms import SignInForm, TokenForm
from hoeksteen.people.models import User


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | oidc_views.login_page_context()

    def get_success_url(self) -> str:
        url = super().get_success_url()
        # A `next` back to this page would make Django raise (a 500) for a
        # signed-in user instead of sending them on: ignore it.
        if urlsplit(url).path == self.request.path:
            return self.get_default_redirect_url()
        return url

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.checks = _sign_in_checks(request)
        lockout = ratelimit.reserve(self.checks)
        if lockout is not None:
            return _signing_in_paused(request, lockout.retry_after_seconds)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            actions.sign_in_record(user=form.get_user())
        ratelimit.release(self.checks)
        return response


def _signing_in_paused(request: HttpRequest, seconds: int | None) -> HttpResponse:
    """The page for a sign-in refused by a guessing limit, saying how long to
    wait; None: until someone lifts the lockout."""
    minutes = max(1, math.ceil(seconds / 60)) if seconds else None
    response = render(request, "people/locked_out.html", {"minutes": minutes}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def sign_in_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout (AXES_LOCKOUT_CALLABLE): one user name from one
    address, paused for the cool-off it is configured with."""
    cool_off = get_cool_off(request)
    return _signing_in_paused(request, int(cool_off.total_seconds()) if cool_off else None)


def _codes_paused(lockout: ratelimit.Lockout) -> str:
    return ngettext(
        "Too many codes were tried. For your safety, checking codes is paused for a while. "
        "Wait %(minutes)s minute and try again, or ask the coordinator of the VP function "
        "for help.",
        "Too many codes were tried. For your safety, checking codes is paused for a while. "
        "Wait %(minutes)s minutes and try again, or ask the coordinator of the VP function "
        "for help.",
        lockout.minutes,
    ) % {"minutes": lockout.minutes}


def _sign_in_checks(request: HttpRequest) -> list[ratelimit.Check]:
    """Password guessing: per user name from any address, per address for any
    user name (spraying), and on the whole instance. Axes adds the narrowest
    limit, per user name and address, on top."""
    username = request.POST.get("username", "")
    return [
        (ratelimit.limit("login.account"), ratelimit.account_key(username[:200])),
        (ratelimit.limit("login.address"), ratelimit.client_key(request)),
        (ratelimit.limit("login.global"), ratelimit.EVERYONE),
    ]


def _second_factor_checks(request: HttpRequest, user: User) -> list[ratelimit.Check]:
    """Code guessing: per account across all its devices (authenticator and
    recovery codes), per address, and on the whole instance."""
    return [
        (ratelimit.limit("totp.account"), ratelimit.account_key(f"user:{user.pk}")),
        (ratelimit.limit("totp.address"), ratelimit.client_key(request)),
        (ratelimit.limit("totp.global"), ratelimit.EVERYONE),
    ]


def _safe_next(request: HttpRequest) -> str:
    """The same-site address in `next`, or the start page for anything else."""
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user_has_device(user):
        return redirect("people:otp_verify")
    device = actions.totp_device_pending(user=user)
    form = TokenForm(request.POST or None)
    status = 200
    retry_after: int | None = None
    if request.method == "POST" and form.is_valid():
        # The same limits as the second step of signing in: confirming a new
        # authenticator is a code to guess too.
        checks = _second_factor_checks(request, user)
        lockout = ratelimit.reserve(checks)
        if lockout is not None:
            form.add_error(None, _codes_paused(lockout))
            status = 429
            retry_after = lockout.retry_after_seconds
        else:
            codes = actions.totp_device_confirm(
                user=user, device=device, token=form.cleaned_data["token"]
            )
            if codes is not None:
                ratelimit.release(checks)
                otp_login(request, device)
                request.session[oidc_views.SECOND_FACTOR_VIA_SESSION_KEY] = "authenticator"
                return render(
                    request,
                    "people/recovery_codes.html",
                    {"codes": codes, "next": _safe_next(request)},
                )
            form.add_error(
                "token", _("That code is not right. Check the time on your phone and try again.")
            )
            status = 400
    elif request.method == "POST":
        status = 400
    qr = segno.make(device.config_url, error="m")
    response = render(
        request,
        "people/otp_setup.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=4, dark="#1b1f24"),
            "secret": _base32_secret(device.bin_key),
            "next": _safe_next(request),
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _base32_secret(key: bytes) -> str:
    raw = base64.b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user_has_device(user):
        return redirect("people:otp_setup")
    form = TokenForm(request.POST or None)
    status = 200
    retry_after: int | None = None
    if request.method == "POST" and form.is_valid():
        checks = _second_factor_checks(request, user)
        lockout = ratelimit.reserve(checks)
        if lockout is not None:
            form.add_error(None, _codes_paused(lockout))
            status = 429
            retry_after = lockout.retry_after_seconds
        else:
            device = actions.second_factor_verify(user=user, token=form.cleaned_data["token"])
            if device is not None:
                ratelimit.release(checks)
                otp_login(request, device)
                request.session[oidc_views.SECOND_FACTOR_VIA_SESSION_KEY] = "authenticator"
                return redirect(_safe_next(request))
            form.add_error(
                "token",
                _(
                    "That code is not right. Wait for a new code and try again, "
                    "or use a recovery code."
                ),
            )
            status = 400
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "people/otp_verify.html",
        {"form": form, "next": _safe_next(request)},
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_verified():  # type: ignore[attr-defined]
        return redirect("people:otp_verify")
    if request.method == "POST":
        codes = actions.recovery_codes_regenerate(user=user)
        messages.success(request, _("New recovery codes were made. The old ones no longer work."))
        return render(request, "people/recovery_codes.html", {"codes": codes, "next": "/"})
    return render(request, "people/recovery_codes_renew.html")
