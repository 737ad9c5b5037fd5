from django.urls import path

from hoeksteen.practice import views

app_name = "practice"

urlpatterns = [
    path("praktijk/", views.log, name="log"),
    path("praktijk/nieuw/", views.register, name="register"),
    path("praktijk/folder/", views.leaflet, name="leaflet"),
    path("praktijk/terugtreden/", views.step_back, name="step_back"),
    path("praktijk/overdracht/<int:handover_id>/einde/", views.handover_end, name="handover_end"),
    path("praktijk/<int:pk>/", views.melding_detail, name="melding"),
    path("praktijk/<int:pk>/stap/<slug:step>/", views.melding_step, name="step"),
    path(
        "praktijk/<int:pk>/toestemming/<int:consent_id>/",
        views.consent_letter,
        name="consent_letter",
    ),
    path("mijn-toestemmingen/", views.my_consents, name="my_consents"),
]
