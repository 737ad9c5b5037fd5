"""Writes about people: sign-ins, second-factor devices and recovery codes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoeksteen.audit.actions import audit_record
from hoeksteen.people.models import IdentityProviderDevice, User

RECOVERY_CODE_COUNT = 10


def sign_in_record(*, user: User) -> None:
    """Record in the platform's audit trail that `user` signed in with their password."""
    audit_record(actor=user, organisation_id=None, action="auth.login", target=user)


def single_sign_on_record(*, user: User, second_factor_by_provider: bool) -> None:
    """Record that `user` signed in through the identity provider, and whether
    the provider's multi-factor check stood in for Hoeksteen's second factor."""
    audit_record(
        actor=user,
        organisation_id=None,
        action="auth.login",
        target=user,
        detail={"method": "oidc", "second_factor_by_provider": second_factor_by_provider},
    )


def single_sign_on_refusal_record(*, reason: str) -> None:
    """Record that the identity provider vouched for someone who may not sign in.

    Nobody is named: the person may have no account at all.
    """
    audit_record(
        actor=None,
        organisation_id=None,
        action="auth.login_refused",
        detail={"method": "oidc", "reason": reason},
    )


def identity_provider_device(*, user: User) -> IdentityProviderDevice:
    """The device that stands for the identity provider's second factor, made once."""
    device: IdentityProviderDevice
    device, _created = IdentityProviderDevice.objects.get_or_create(
        user=user, defaults={"name": "identity provider", "confirmed": True}
    )
    return device


def second_factor_verify(*, user: User, token: str) -> Device | None:
    """The device that accepts `token`: the authenticator, or an unused recovery code.

    A recovery code is used up by this. A refused code returns None and is
    recorded in the audit trail; the devices' own throttling slows guessing.
    """
    device: Device | None = match_token(user, token)
    if device is None:
        audit_record(actor=user, organisation_id=None, action="auth.2fa_failed", target=user)
    return device


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator being set up: an unconfirmed TOTP device, made once."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a first code; return fresh recovery codes.

    Returns None, and changes nothing, when the code is wrong.
    """
    if device.user_id != user.pk or device.confirmed:
        return None
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user=user)
        audit_record(actor=user, organisation_id=None, action="auth.2fa_enrolled", target=user)
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _replace_recovery_codes(user=user)
        audit_record(
            actor=user, organisation_id=None, action="auth.recovery_codes_renewed", target=user
        )
    return codes


def _replace_recovery_codes(*, user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery codes")
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _recovery_code() -> str:
    # Ten lowercase letters and digits without look-alikes, in two groups.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def language_choose(*, user: User, language: str) -> None:
    """Remember the language `user` chose, for the e-mails sent to them.

    A preference, not a step in anyone's file: it is not audited.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    User.objects.filter(pk=user.pk).update(language=language)
