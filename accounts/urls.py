from django.contrib.auth import views as auth
from django.urls import path, reverse_lazy

from . import views
from .forms import SignInForm

app_name = "accounts"

# Django's auth views name their next pages without our namespace: name them here.
urlpatterns = [
    path("login/", auth.LoginView.as_view(
        template_name="accounts/login.html", authentication_form=SignInForm, redirect_authenticated_user=True,
    ), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/<uidb64>/<token>/", views.activate, name="activate"),
    path("password/", auth.PasswordChangeView.as_view(
        template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done"),
    ), name="password_change"),
    path("password/done/", auth.PasswordChangeDoneView.as_view(
        template_name="accounts/password_change_done.html",
    ), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    ), name="password_reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_sent.html",
    ), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    ), name="password_reset_confirm"),
    path("password/reset/done/", auth.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html",
    ), name="password_reset_complete"),
]
