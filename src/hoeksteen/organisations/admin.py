from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hoeksteen.access import policy
from hoeksteen.access.admin import TenantAdmin
from hoeksteen.organisations.actions import organisation_set_up
from hoeksteen.organisations.models import ComplaintRegulation, Organisation, VPTeam, VPTeamMember


@admin.register(Organisation)
class OrganisationAdmin(TenantAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Organisations hold files with retention duties; they are never deleted here.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.save()
        organisation_set_up(organisation=obj, acting_user=request.user)  # type: ignore[arg-type]


@admin.register(ComplaintRegulation)
class ComplaintRegulationAdmin(TenantAdmin):
    list_display = ["organisation", "route_internal_vp", "route_external_vp", "updated_at"]
    fieldsets = [
        (None, {"fields": ["organisation"]}),
        ("Routes", {"fields": ["route_internal_vp", "route_external_vp", "external_backup_vp"]}),
        (
            "Terms",
            {
                "fields": [
                    "acknowledgment_days",
                    "vp_response_days",
                    "decision_days",
                    "decision_days_external_committee",
                    "extension_max_days",
                    "feedback_days",
                ]
            },
        ),
        ("Signals", {"fields": ["k_threshold"]}),
        (
            "Retention",
            {
                "fields": [
                    "complaint_retention_days",
                    "melding_retention_days",
                    "audit_retention_days",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made together with its organisation

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["organisation"]


class VPTeamMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = VPTeamMember
    extra = 1
    fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return policy.visible_to(request.user, VPTeamMember)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = policy.vps_configurable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(VPTeam)
class VPTeamAdmin(TenantAdmin):
    list_display = ["name", "organisation"]
    inlines = [VPTeamMemberInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        team = form.instance
        for inline_form in formset.forms:
            member = inline_form.instance
            if member is None or not inline_form.has_changed():
                continue
            member.organisation = team.organisation
        super().save_formset(request, form, formset, change)
