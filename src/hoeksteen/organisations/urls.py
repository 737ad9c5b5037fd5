from django.urls import path

from hoeksteen.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_home, name="home"),
]
