"""Sign-in with lockout, sign-up with an email address (password reset needs one), and the reset form."""
from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from imrsite.clients import client_address

from . import lockout, mailing

LOCKED_MESSAGE = (
    "Too many failed sign-ins for this username from your network. "
    "Try again in %(minutes)s minute%(plural)s, or reset your password."
)


class LockoutMixin:
    """Refuse a locked-out username+address before checking the password; count failures."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_address(self.request)
        if username and (wait := lockout.locked_for(username=username, ip=ip)):
            self._locked_error(wait)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            # Only a wrong password counts; an inactive account with the right one does not.
            if username and self.get_user() is None:
                lockout.record_failure(username=username, ip=ip)
                if wait := lockout.locked_for(username=username, ip=ip):
                    self._locked_error(wait)
            raise
        lockout.clear(username=username, ip=ip)
        return cleaned

    def _locked_error(self, wait) -> None:
        n = lockout.minutes(wait)
        raise forms.ValidationError(LOCKED_MESSAGE, code="locked", params={"minutes": n, "plural": "s" * (n != 1)})


class SignInForm(LockoutMixin, AuthenticationForm):
    pass


class AdminSignInForm(LockoutMixin, AdminAuthenticationForm):
    pass


class SignUpForm(UserCreationForm):
    email = forms.EmailField(help_text="For password resets and search alerts.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")



class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, its message sent after the response (mailing.py): a known address must
    not make the page slower than an unknown one."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        mailing.send_later([EmailMessage(subject, body, from_email, [to_email])])
