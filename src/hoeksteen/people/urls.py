from django.contrib.auth import views as auth_views
from django.urls import path

from hoeksteen.people import oidc_views, views

app_name = "people"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("oidc/authenticate/", oidc_views.oidc_authenticate, name="oidc_authenticate"),
    path("oidc/callback/", oidc_views.oidc_callback, name="oidc_callback"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
