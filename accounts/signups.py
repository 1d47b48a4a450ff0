"""Sign-up that tells nobody who has an account.

Every sign-up answers the same page ("we sent a message to that address") after the same work:
the password is hashed either way, and the one message is sent after the response (mailing.py).
A new address gets an account that is inactive until its link is followed; an address that
already has an account gets a message saying so, with the way to reset its password. An earlier
sign-up that was never confirmed does not hold the address hostage: a new one replaces it.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode

from . import mailing


class _ActivationTokens(PasswordResetTokenGenerator):
    """A link that works once: it stops matching when the account becomes active."""

    key_salt = "accounts.signups.activation"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


tokens = _ActivationTokens()


def start(form, base_url: str, next_path: str = "") -> None:
    """Act on a valid sign-up form: an inactive account and its link, or a note to the owner."""
    User = get_user_model()
    email = form.cleaned_data["email"]
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and not existing.is_active and existing.last_login is None:
            existing.delete()  # never confirmed: the address's owner may be signing up now
            existing = None
        if existing is not None:
            make_password(form.cleaned_data["password1"])  # the same work as creating one
            message = _message("accounts/email/signup_existing.txt", existing, base_url, "")
        else:
            user = form.save(commit=False)
            user.is_active = False
            user.save()
            message = _message("accounts/email/signup_confirm.txt", user, base_url, next_path)
    mailing.send_later([message])


def _message(template: str, user, base_url: str, next_path: str) -> EmailMessage:
    link = base_url + reverse("accounts:activate", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": tokens.make_token(user)})
    if next_path:
        link += "?" + urlencode({"next": next_path})
    body = render_to_string(template, {"user": user, "link": link,
                                       "reset": base_url + reverse("accounts:password_reset")})
    subject = body.splitlines()[0]
    return EmailMessage(subject, "\n".join(body.splitlines()[2:]), to=[user.email])


def confirm(uidb64: str, token: str):
    """The account a sign-up link confirms, now active; None for a link that is wrong, used or old."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if user.is_active or not tokens.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
