from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccessConfig(AppConfig):
    default = True
    name = "hoeksteen.access"
    label = "access"


class HoeksteenAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that asks the access policy."""

    default = False
    default_site = "hoeksteen.access.admin.HoeksteenAdminSite"
