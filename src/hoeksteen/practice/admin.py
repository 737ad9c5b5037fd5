from __future__ import annotations

from django.contrib import admin

from hoeksteen.access.admin import TenantAdmin
from hoeksteen.practice.models import Department, MeldingCategory

# Meldingen, consents and handovers are never in the admin (invariant 2):
# only the configuration of the categories and departments they refer to.


@admin.register(MeldingCategory)
class MeldingCategoryAdmin(TenantAdmin):
    list_display = ["name", "is_active", "position", "organisation"]
    fields = ["organisation", "key", "name", "is_active", "position"]


@admin.register(Department)
class DepartmentAdmin(TenantAdmin):
    list_display = ["name", "organisation"]
    fields = ["organisation", "name"]
