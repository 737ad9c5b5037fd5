from django.contrib import admin
from django.urls import include, path

from hoeksteen.core import health, metrics
from hoeksteen.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("", include("hoeksteen.people.urls")),
    path("o/<slug:slug>/", include("hoeksteen.organisations.urls")),
    path("o/<slug:slug>/", include("hoeksteen.complaints.urls")),
    path("o/<slug:slug>/", include("hoeksteen.signals.urls")),
    path("o/<slug:slug>/", include("hoeksteen.practice.urls")),
    path("o/<slug:slug>/", include("hoeksteen.privacy.urls")),
    path("o/<slug:slug>/", include("hoeksteen.quality.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
handler400 = "hoeksteen.core.views.bad_request"
