from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("account/otp/", views.otp_setup, name="otp_setup"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.OwnPasswordChangeView.as_view(), name="password_change"),
    path("account/tokens/", views.token_list, name="token_list"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/ping/", views.session_ping, name="session_ping"),
]
