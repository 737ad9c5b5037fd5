from django.urls import path

from hoeksteen.privacy import views

app_name = "privacy"

urlpatterns = [
    path("mijn-gegevens/", views.my_data, name="my_data"),
    path("mijn-gegevens/export.json", views.my_data_json, name="my_data_json"),
    path("mijn-gegevens/export.pdf", views.my_data_pdf, name="my_data_pdf"),
    path("privacy/", views.privacy_overview, name="overview"),
]
