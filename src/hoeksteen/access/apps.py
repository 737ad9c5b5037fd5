from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccessConfig(AppConfig):
    default = True
    name = "hoeksteen.access"
    label = "access"

    def ready(self) -> None:
        # Rules register themselves with the policy when imported.
        import hoeksteen.access.quality_rules  # noqa: F401
        from hoeksteen.access import complaint_rules, practice_rules, privacy_rules  # noqa: F401
        from hoeksteen.signals import rules as signal_rules  # noqa: F401


class HoeksteenAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that asks the access policy."""

    default = False
    default_site = "hoeksteen.access.admin.HoeksteenAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib import admin
        from django.contrib.auth.models import Group

        # Roles are memberships; Django's groups grant nothing here.
        if admin.site.is_registered(Group):
            admin.site.unregister(Group)
