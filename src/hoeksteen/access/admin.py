"""The admin, made tenant-safe.

The admin is for configuration only: organisations, regulations, teams and
roles. Complaint files and meldingen are never registered here. A
coordinator sees and changes the rows of the organisations they coordinate;
the platform administrator (superuser) creates organisations and accounts.
Every queryset, every choice list in a form and every save goes through
the access policy.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hoeksteen.access import policy
from hoeksteen.audit.actions import audit_record
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import Role


class HoeksteenAdminSite(admin.AdminSite):
    site_header = _("Hoeksteen configuration")
    site_title = _("Hoeksteen configuration")
    index_title = _("Configuration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        if not user.is_verified():  # type: ignore[attr-defined]
            return False
        return policy.is_platform_admin(user) or bool(
            policy.organisation_ids_with_role(user, Role.COORDINATOR)
        )


class TenantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """ModelAdmin whose rows, choices and saves are limited by the policy."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return policy.visible_to(request.user, self.model)

    def _configurable_org_ids(self, request: HttpRequest) -> QuerySet[Any]:
        if policy.is_platform_admin(request.user):
            return Organisation.objects.values_list("id", flat=True)
        return policy.organisation_ids_with_role(request.user, Role.COORDINATOR)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.admin_site.has_permission(request):
            return False
        return obj is None or policy.may_configure(request.user, _organisation_id(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        related = db_field.related_model
        if related is Organisation:
            kwargs["queryset"] = Organisation.objects.filter(
                id__in=self._configurable_org_ids(request)
            )
        elif isinstance(related, type) and policy.has_rule(related):
            kwargs["queryset"] = policy.visible_to(request.user, related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The admin's change view runs in a transaction: the row and its audit
        # entry are written together or not at all.
        if not policy.may_configure(request.user, _organisation_id(obj)):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            organisation_id=_organisation_id(obj),
            action="config.changed" if change else "config.added",
            target=obj,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if not policy.may_configure(request.user, _organisation_id(obj)):
            raise PermissionDenied
        audit_record(
            actor=request.user,
            organisation_id=_organisation_id(obj),
            action="config.deleted",
            target=obj,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def _organisation_id(obj: Any) -> int | None:
    if isinstance(obj, Organisation):
        return obj.pk
    organisation_id = getattr(obj, "organisation_id", None)
    return organisation_id if isinstance(organisation_id, int) else None
