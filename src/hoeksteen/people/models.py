"""Users and their roles, which are held per organisation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager

from hoeksteen.core.models import TenantModel
from hoeksteen.organisations.models import Route


class User(AbstractUser):
    """A person who signs in. What they may do depends on their memberships."""

    # The language of the e-mails Hoeksteen sends this person: the one they
    # last chose with the language switch while signed in.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="nl",
        db_default="nl",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    VP = "vp", _("Confidential adviser")
    HANDLER = "handler", _("Complaint handler")
    COMMITTEE = "committee", _("Complaints committee member")
    COORDINATOR = "coordinator", _("Coordinator of the VP function")
    SUPPORT = "support", _("Support person")


# Roles that see complaint files or configure the organisation must sign in
# with a second factor.
ROLES_REQUIRING_SECOND_FACTOR = frozenset({Role.HANDLER, Role.COMMITTEE, Role.COORDINATOR})


class VPKind(models.TextChoices):
    INTERNAL = "internal", _("Internal VP")
    EXTERNAL = "external", _("External VP")


class Membership(TenantModel):
    """One role a user holds in one organisation. A user may hold several."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    vp_kind = models.CharField(_("kind of VP"), max_length=20, choices=VPKind.choices, blank=True)
    lvv_registered = models.BooleanField(
        _("registered with the LVV"),
        default=False,
        help_text=_("Complaints about an LVV-registered VP may also go to the LVV."),
    )
    handler_kind = models.CharField(
        _("route served"),
        max_length=20,
        choices=Route.choices,
        blank=True,
        help_text=_("For handlers: the route of the regulation this handler serves."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="one_role_once_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(role="vp", vp_kind__in=["internal", "external"])
                | (~models.Q(role="vp") & models.Q(vp_kind="")),
                name="vp_kind_only_and_always_for_vps",
            ),
            models.CheckConstraint(
                condition=(models.Q(role="handler") & ~models.Q(handler_kind=""))
                | (~models.Q(role="handler") & models.Q(handler_kind="")),
                name="handler_kind_only_and_always_for_handlers",
            ),
        ]
        indexes = [models.Index(fields=["user", "organisation"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class IdentityProviderDeviceManager(DeviceManager):  # type: ignore[misc]
    def devices_for_user(self, user: User, confirmed: bool | None = None) -> QuerySet[Any]:
        # Not a factor the person holds: never listed as one of their devices,
        # so it neither makes a second factor required nor accepts a code.
        nothing: QuerySet[Any] = self.none()
        return nothing


class IdentityProviderDevice(Device):  # type: ignore[misc]
    """The second factor that the organisation's identity provider checked.

    With HOEKSTEEN_OIDC_TRUST_MFA on, a single sign-on whose ID token shows
    multi-factor authentication marks the session verified with this device,
    the way a TOTP code marks it with the authenticator. It never accepts a
    code and is hidden from the user's list of devices.
    """

    # Redeclared without a reverse accessor: the user does not "have" it.
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )

    objects = IdentityProviderDeviceManager()

    class Meta(Device.Meta):  # type: ignore[misc]
        verbose_name = _("identity provider's second factor")
        verbose_name_plural = _("identity provider's second factors")

    def verify_token(self, token: str) -> bool:
        return False
