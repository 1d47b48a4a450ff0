"""A bound on password-reset emails: the reset form must not become a way to flood an inbox.

At most ``MAX_PER_EMAIL`` reset emails for one address, and ``MAX_PER_IP`` requests from
one client address, within ``WINDOW``. Counted whether or not the address has an account,
so the refusal says nothing about who has one. In the database, like the sign-in lockout
(lockout.py), so the count holds across web workers.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from .models import PasswordResetRequest

MAX_PER_EMAIL = 3
MAX_PER_IP = 20
WINDOW = timedelta(hours=1)


def _key(email: str) -> str:
    return email.strip().lower()[:254]


def refused(*, email: str, ip: str | None, now: datetime | None = None) -> bool:
    """True when this address or this client has asked too often within the window."""
    recent = PasswordResetRequest.objects.filter(at__gt=(now or timezone.now()) - WINDOW)
    return (recent.filter(email=_key(email)).count() >= MAX_PER_EMAIL
            or (ip is not None and recent.filter(ip=ip).count() >= MAX_PER_IP))


def record(*, email: str, ip: str | None, now: datetime | None = None) -> None:
    now = now or timezone.now()
    PasswordResetRequest.objects.create(email=_key(email), ip=ip, at=now)
    PasswordResetRequest.objects.filter(at__lte=now - WINDOW).delete()  # no cleanup job needed
