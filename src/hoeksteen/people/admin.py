from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hoeksteen.access import policy
from hoeksteen.access.admin import TenantAdmin
from hoeksteen.audit.actions import audit_record
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import Membership, Role, User


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "role", "vp_kind", "handler_kind", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__last_name"]
    fields = [
        "organisation",
        "user",
        "role",
        "vp_kind",
        "lvv_registered",
        "handler_kind",
        "is_active",
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = policy.visible_to(request.user, User)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NewPersonForm(AdminUserCreationForm[User]):
    """A new account is always made with its first role in an organisation,
    so a coordinator never creates a person they cannot see afterwards."""

    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User], TenantAdmin):
    add_form = NewPersonForm
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "organisation",
                    "role",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["is_active"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        fieldsets = [
            (None, {"fields": ["username", "password"]}),
            (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
            (_("Status"), {"fields": ["is_active"]}),
        ]
        if policy.is_platform_admin(request.user):
            fieldsets.append((_("Platform"), {"fields": ["is_staff", "is_superuser"]}))
        return fieldsets

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form.base_fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
                id__in=self._configurable_org_ids(request)
            )
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.admin_site.has_permission(request):
            return False
        if obj is None or policy.is_platform_admin(request.user):
            return True
        # A coordinator may change a person only when all of that person's
        # memberships lie in organisations they coordinate.
        foreign = Membership.objects.filter(user=obj).exclude(
            organisation_id__in=self._configurable_org_ids(request)
        )
        return obj.pk != request.user.pk and not foreign.exists()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.save()
        organisation_id = None
        if not change:
            organisation = form.cleaned_data["organisation"]
            role = form.cleaned_data["role"]
            Membership.objects.create(
                user=obj,
                organisation=organisation,
                role=role,
                vp_kind="internal" if role == Role.VP else "",
                handler_kind="hr" if role == Role.HANDLER else "",
            )
            organisation_id = organisation.pk
        audit_record(
            actor=request.user,
            organisation_id=organisation_id,
            action="config.changed" if change else "config.added",
            target=obj,
        )
