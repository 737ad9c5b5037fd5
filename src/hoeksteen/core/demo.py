"""The demo organisation that `make run` loads: every role, ready to sign in.

Loading is idempotent: what exists is left as it is, so a second run changes
nothing. Second-factor secrets are derived from the username, so the demo
authenticator keys stay the same between runs and machines.
"""

from __future__ import annotations

import dataclasses
import hashlib

from django.conf import settings
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoeksteen.organisations.actions import organisation_create
from hoeksteen.organisations.models import Organisation, Route, VPTeam, VPTeamMember
from hoeksteen.people.models import ROLES_REQUIRING_SECOND_FACTOR, Membership, Role, User

DEMO_PASSWORD = "hoeksteen-demo"  # noqa: S105 - the demo's documented password.
DEMO_SLUG = "voorbeeld"


@dataclasses.dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: str
    vp_kind: str = ""
    handler_kind: str = ""
    lvv_registered: bool = False
    team: str = ""


PEOPLE = [
    DemoPerson("coordinator", "Carla", "de Coördinator", Role.COORDINATOR),
    DemoPerson("hr", "Hanna", "van HR", Role.HANDLER, handler_kind=Route.HR),
    DemoPerson("directie", "Daan", "de Directeur", Role.HANDLER, handler_kind=Route.MANAGEMENT),
    DemoPerson("commissie", "Kees", "Commissielid", Role.COMMITTEE),
    DemoPerson("vp-vera", "Vera", "Vertrouwen", Role.VP, vp_kind="internal", team="Team Noord"),
    DemoPerson("vp-victor", "Victor", "Veilig", Role.VP, vp_kind="internal", team="Team Noord"),
    DemoPerson(
        "vp-eva", "Eva", "Extern", Role.VP, vp_kind="external", lvv_registered=True, team="Extern"
    ),
    DemoPerson("medewerker", "Mila", "Medewerker", Role.EMPLOYEE),
    DemoPerson("steun", "Stijn", "Steun", Role.SUPPORT),
]


def demo_totp_key(username: str) -> str:
    """A stable 20-byte TOTP key (hex) for a demo user."""
    return hashlib.sha256(f"hoeksteen-demo-{username}".encode()).hexdigest()[:40]


def demo_totp_code(username: str) -> str:
    key = bytes.fromhex(demo_totp_key(username))
    return f"{totp(key):06d}"


def load_demo() -> list[tuple[str, str, bool]]:
    """Create the demo organisation and its people; return (username, role, needs 2FA)."""
    if settings.PRODUCTION:
        raise RuntimeError("The demo organisation is never loaded in production.")
    with transaction.atomic():
        organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
        if organisation is None:
            organisation = organisation_create(
                name="Gemeente Voorbeeld", slug=DEMO_SLUG, acting_user=None
            )
        logins = [_person(organisation, person) for person in PEOPLE]
        logins.append(_platform_admin())
    return logins


def _user(username: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@voorbeeld.invalid",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _second_factor(user: User) -> None:
    TOTPDevice.objects.get_or_create(
        user=user,
        name="demo authenticator",
        defaults={"key": demo_totp_key(user.username), "confirmed": True},
    )


def _person(organisation: Organisation, person: DemoPerson) -> tuple[str, str, bool]:
    user = _user(person.username, person.first_name, person.last_name)
    Membership.objects.get_or_create(
        organisation=organisation,
        user=user,
        role=person.role,
        defaults={
            "vp_kind": person.vp_kind,
            "handler_kind": person.handler_kind,
            "lvv_registered": person.lvv_registered,
        },
    )
    if person.team:
        team, _ = VPTeam.objects.get_or_create(organisation=organisation, name=person.team)
        VPTeamMember.objects.get_or_create(organisation=organisation, team=team, user=user)
    needs_2fa = person.role in ROLES_REQUIRING_SECOND_FACTOR
    if needs_2fa:
        _second_factor(user)
    return person.username, str(Role(person.role).label), needs_2fa


def _platform_admin() -> tuple[str, str, bool]:
    user = _user("beheer", "Bea", "Beheer")
    if not user.is_superuser:
        user.is_superuser = True
        user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    _second_factor(user)
    return user.username, "Platform administrator", True
