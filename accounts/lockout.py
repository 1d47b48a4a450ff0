"""Brute-force protection for the sign-in form.

After ``MAX_FAILURES`` failed sign-ins for one username from one address within
``WINDOW``, that pair is refused (even with the right password) until the oldest
failure of the window has aged out. Keyed on username *and* address so that an
attacker elsewhere cannot lock a user out of their own account, and with a looser
per-address cap so one address cannot try every username.

Failures live in the database, not the local-memory cache, so the count holds
across gunicorn workers and restarts. The address is the client's, read through the
configured proxies (imrsite/clients.py), not the proxy's own.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.utils import timezone

from .models import SignInFailure

MAX_FAILURES = 5  # per username and address
MAX_FAILURES_PER_IP = 50  # per address, whatever the usernames
WINDOW = timedelta(minutes=15)


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def _recent(now: datetime):
    return SignInFailure.objects.filter(at__gt=now - WINDOW)


def locked_for(*, username: str, ip: str | None, now: datetime | None = None) -> timedelta | None:
    """How long this username and address stay locked out, or None if they may try."""
    now = now or timezone.now()
    for failures, limit in (
        (_recent(now).filter(username=_key(username), ip=ip), MAX_FAILURES),
        (_recent(now).filter(ip=ip), MAX_FAILURES_PER_IP),
    ):
        times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            # Locked until the oldest of the last `limit` failures leaves the window.
            return times[-1] + WINDOW - now
    return None


def minutes(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds() / 60))


def record_failure(*, username: str, ip: str | None, now: datetime | None = None) -> None:
    now = now or timezone.now()
    SignInFailure.objects.create(username=_key(username), ip=ip, at=now)
    # Pruning here keeps the table small without a separate cleanup job.
    SignInFailure.objects.filter(at__lte=now - WINDOW).delete()


def clear(*, username: str, ip: str | None) -> None:
    """A successful sign-in forgets that pair's failures."""
    SignInFailure.objects.filter(username=_key(username), ip=ip).delete()
