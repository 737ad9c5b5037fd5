"""The access policy: completeness, tenant isolation and the admin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoeksteen.access import policy
from hoeksteen.organisations.models import ComplaintRegulation, Organisation, VPTeam
from hoeksteen.people.models import Membership, Role, User
from hoeksteen.signals.models import FrozenPublication
from hoeksteen.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    team_with,
)

# Models no person reaches through a view or the admin: the machinery of the
# audit trail, the outbox, the guessing limits, the one-time form tokens and
# the libraries behind sign-in.
MACHINERY = {
    "audit.auditentry",
    "audit.auditchainhead",
    "audit.auditcheckpoint",
    "outbox.outboxmessage",
    "core.attemptcounter",
    "core.usedformtoken",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "axes.accessattemptexpiration",
    "otp_static.staticdevice",
    "otp_static.statictoken",
    "otp_totp.totpdevice",
    "people.identityproviderdevice",
    "admin.logentry",
    "auth.permission",
    "auth.group",
    "contenttypes.contenttype",
    "sessions.session",
}


def test_it_has_a_visibility_rule_for_every_model_people_can_reach() -> None:
    unruled = [
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.label_lower not in MACHINERY and not policy.has_rule(model)
    ]
    assert unruled == []


def test_it_registers_in_the_admin_only_models_with_a_rule() -> None:
    for model in admin.site._registry:
        if model._meta.app_label.startswith("otp_") or model._meta.app_label == "axes":
            # Their admins check Django's model permissions, which only the
            # platform administrator holds: a coordinator never sees them.
            continue
        assert policy.has_rule(model), model


def test_it_shows_anonymous_users_nothing(acme: Organisation) -> None:
    from django.contrib.auth.models import AnonymousUser

    for model in (Organisation, ComplaintRegulation, VPTeam, Membership, User):
        assert not policy.visible_to(AnonymousUser(), model).exists()


ROLES = st.sampled_from([r.value for r in Role])


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    roles_a=st.lists(ROLES, min_size=1, max_size=3, unique=True),
    roles_b=st.lists(ROLES, min_size=1, max_size=3, unique=True),
    member_of_both=st.booleans(),
)
def test_it_never_shows_a_user_rows_of_an_organisation_they_have_no_role_in(
    roles_a: list[str], roles_b: list[str], member_of_both: bool
) -> None:
    """Invariant 5 over random worlds: rows of B stay out of reach of A's people."""
    org_a, org_b = OrganisationFactory(), OrganisationFactory()
    person = UserFactory()
    for role in roles_a:
        MembershipFactory(
            organisation=org_a,
            user=person,
            role=role,
            vp_kind="internal" if role == Role.VP else "",
            handler_kind="hr" if role == Role.HANDLER else "",
        )
    vp_b = UserFactory()
    MembershipFactory(organisation=org_b, user=vp_b, internal_vp=True)
    team_with(org_b, vp_b)
    if member_of_both:
        for role in roles_b:
            MembershipFactory(
                organisation=org_b,
                user=person,
                role=role,
                vp_kind="external" if role == Role.VP else "",
                handler_kind="management" if role == Role.HANDLER else "",
            )
    kept_year = FrozenPublication.objects.create(
        organisation=org_b, year=2025, frozen_at=timezone.now(), k=5, figures={}
    )
    if not member_of_both:
        for model in (ComplaintRegulation, VPTeam, Membership):
            assert not policy.visible_to(person, model).filter(organisation=org_b).exists()
    reads_signals_of_b = member_of_both and bool({Role.COORDINATOR, Role.VP} & set(roles_b))
    assert (kept_year in policy.visible_to(person, FrozenPublication)) == reads_signals_of_b
    visible_orgs = set(policy.visible_to(person, Organisation))
    assert (org_b in visible_orgs) == member_of_both
    assert org_a in visible_orgs
    users = policy.visible_to(person, User)
    if not (member_of_both and Role.COORDINATOR in roles_b):
        assert vp_b not in users


def test_it_gives_a_stranger_the_same_404_as_a_missing_organisation(
    login_as: Callable[[User], Client], outsider: User, acme: Organisation
) -> None:
    client = login_as(outsider)
    assert client.get("/o/acme/").status_code == 404
    assert client.get("/o/does-not-exist/").status_code == 404


@pytest.fixture
def acme_rows(acme: Organisation, subject_vp: User, colleague_vp: User) -> dict[str, object]:
    return {
        "organisation": acme,
        "complaintregulation": ComplaintRegulation.objects.get(organisation=acme),
        "vpteam": VPTeam.objects.get(organisation=acme),
        "membership": Membership.objects.get(organisation=acme, user=subject_vp),
        "user": subject_vp,
    }


def test_it_keeps_the_admin_sealed_between_organisations(
    login_as: Callable[[User], Client], outsider: User, acme_rows: dict[str, object]
) -> None:
    client = login_as(outsider)
    for model_name, obj in acme_rows.items():
        app_label = obj._meta.app_label  # type: ignore[attr-defined]
        changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
        listing = client.get(changelist)
        assert listing.status_code == 200, changelist
        assert f"/{obj.pk}/change/" not in listing.content.decode(), model_name  # type: ignore[attr-defined]
        change = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])  # type: ignore[attr-defined]
        response = client.get(change)
        # Django's admin answers a row outside the queryset as if it did not exist.
        assert response.status_code == 302, model_name
        assert client.post(change, {"name": "taken over"}).status_code == 302
    acme = acme_rows["organisation"]
    assert isinstance(acme, Organisation)
    acme.refresh_from_db()
    assert acme.name == "Acme"


def test_it_offers_a_coordinator_only_their_own_organisation_in_admin_forms(
    login_as: Callable[[User], Client], outsider: User, acme: Organisation, other_org: Organisation
) -> None:
    client = login_as(outsider)
    page = client.get(reverse("admin:organisations_vpteam_add")).content.decode()
    assert f'value="{other_org.pk}"' in page
    assert f'value="{acme.pk}"' not in page
    response = client.post(
        reverse("admin:organisations_vpteam_add"),
        {
            "organisation": acme.pk,
            "name": "Planted",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not VPTeam.objects.filter(name="Planted").exists()


def test_it_lets_a_coordinator_change_their_own_regulation(
    login_as: Callable[[User], Client], coordinator: User, acme: Organisation
) -> None:
    regulation = ComplaintRegulation.objects.get(organisation=acme)
    url = reverse("admin:organisations_complaintregulation_change", args=[regulation.pk])
    data = {
        field: getattr(regulation, field)
        for field in [
            "route_internal_vp",
            "route_external_vp",
            "external_backup_vp",
            "acknowledgment_days",
            "vp_response_days",
            "decision_days",
            "decision_days_external_committee",
            "extension_max_days",
            "feedback_days",
            "k_threshold",
            "complaint_retention_days",
            "melding_retention_days",
            "audit_retention_days",
        ]
    }
    data["acknowledgment_days"] = 5
    response = login_as(coordinator).post(url, data)
    assert response.status_code == 302
    regulation.refresh_from_db()
    assert regulation.acknowledgment_days == 5
    from hoeksteen.audit.models import AuditEntry

    assert AuditEntry.objects.filter(organisation_id=acme.pk, action="config.changed").exists()


def test_it_keeps_people_without_the_coordinator_role_out_of_the_admin(
    login_as: Callable[[User], Client], hr_handler: User, subject_vp: User
) -> None:
    for person in (hr_handler, subject_vp):
        response = login_as(person).get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
