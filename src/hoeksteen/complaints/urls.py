from django.urls import path

from hoeksteen.complaints.views import case, intake

app_name = "complaints"

urlpatterns = [
    path("klacht/nieuw/", intake.intake, name="intake"),
    path("klacht/ontvangen/", intake.received, name="received"),
    path("mijn-klacht/", intake.receipt, name="receipt"),
    path("klachten/", case.case_list, name="list"),
    path("klachten/<uuid:uid>/", case.case_detail, name="case"),
    path("klachten/<uuid:uid>/stap/<slug:step>/", case.case_step, name="step"),
    path("klachten/<uuid:uid>/brief/<int:letter_id>/", case.letter_download, name="letter"),
    path(
        "klachten/<uuid:uid>/document/<int:document_id>/", case.document_download, name="document"
    ),
]
