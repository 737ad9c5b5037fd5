from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "hoeksteen.quality"
    label = "quality"
    verbose_name = _("Prevention and quality")
