"""Sign-up and the bounded password reset; the rest is Django's auth views with our templates (urls.py)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from imrsite.clients import client_address

from . import resets, signups
from .forms import PasswordResetForm, SignUpForm


def signup(request: HttpRequest) -> HttpResponse:
    if not settings.IMR_SIGNUP_OPEN:
        return render(request, "accounts/signup_closed.html", status=404)
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = _next(request)  # where the link leads once followed, if the form came from a page
        signups.start(form, request.build_absolute_uri("/").rstrip("/"),
                      next_path=target if target != settings.LOGIN_REDIRECT_URL else "")
        return render(request, "accounts/signup_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/signup.html", {"form": form, "next": request.GET.get("next", "")})


def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of a sign-up's message: the account is made active and signed in, once."""
    user = signups.confirm(uidb64, token)
    if user is None:
        return render(request, "accounts/activate_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(_next(request))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target and safe else settings.LOGIN_REDIRECT_URL


class PasswordResetView(auth.PasswordResetView):
    """Django's reset, refusing with a message on the form once resets.py's bounds are reached."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        email, ip = form.cleaned_data["email"], client_address(self.request)
        if resets.refused(email=email, ip=ip):
            form.add_error(None, f"Too many reset requests for this address or from this connection. Try again in "
                                 f"{int(resets.WINDOW.total_seconds() // 60)} minutes, or ask your administrator.")
            return self.form_invalid(form)
        resets.record(email=email, ip=ip)
        return super().form_valid(form)
