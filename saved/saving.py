"""Writes on saved searches: save, duplicate, alert frequency, unsubscribe."""
from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .models import SavedQuery

Frequency = SavedQuery.Frequency


def save_query(*, user, name: str, query: str, now: datetime | None = None) -> SavedQuery:
    now = now or timezone.now()
    return SavedQuery.objects.create(user=user, name=name, query=query, created_at=now, alerts_since=now)


def duplicate(saved: SavedQuery, *, now: datetime | None = None) -> SavedQuery:
    """A copy under "<name> (copy)", alerts off, counting new items from the same moment as the original."""
    now = now or timezone.now()
    suffix = " (copy)"
    name = saved.name[: SavedQuery._meta.get_field("name").max_length - len(suffix)] + suffix
    return SavedQuery.objects.create(
        user=saved.user, name=name, query=saved.query, created_at=now, alerts_since=now,
        last_seen_at=saved.seen_baseline, marked_since=saved.marked_since,
    )


def set_frequency(saved: SavedQuery, frequency: str, *, now: datetime | None = None) -> None:
    """Change how often alerts go out; turning them on alerts only what arrives from now on."""
    if not saved.alerts_on and frequency != Frequency.OFF:
        saved.alerts_since = now or timezone.now()
        saved.last_alert_at = None  # due at the next run, which sends what arrived since turning on
    saved.alert_frequency = frequency
    saved.save(update_fields=["alert_frequency", "alerts_since", "last_alert_at"])


def unsubscribe(token: str) -> SavedQuery | None:
    saved = SavedQuery.objects.filter(unsubscribe_token=token).first()
    if saved is not None and saved.alerts_on:
        set_frequency(saved, Frequency.OFF)
    return saved
