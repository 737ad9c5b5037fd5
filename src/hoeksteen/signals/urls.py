from django.urls import path

from hoeksteen.signals import views

app_name = "signals"

urlpatterns = [
    path("signalen/", views.signals_page, name="page"),
    path("signalen/grafiek.svg", views.signals_chart, name="chart"),
    path("signalen/tabel.csv", views.signals_csv, name="csv"),
    path("signalen/jaarverslag.pdf", views.signals_annual_report, name="annual_report"),
    path("signalen/schrijven/", views.signal_write, name="write"),
    path("signalen/signaal/<int:pk>/", views.signal_detail, name="signal"),
    path("signalen/signaal/<int:pk>/vrijgeven/", views.signal_release, name="release"),
]
