"""Saved searches, what their alerts have sent, and recent searches."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SavedQuery(models.Model):
    class Frequency(models.TextChoices):
        OFF = "off", "Off"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queries")
    name = models.CharField(max_length=200)
    query = models.TextField(blank=True, help_text="the search page's query string, without the page number")
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True, help_text="when its results were last opened")
    # The moment the latest opening counted as "seen before": later pages of that
    # opening mark new items against it, since last_seen_at has moved on to now.
    marked_since = models.DateTimeField(null=True, blank=True)
    alert_frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.OFF)
    alerts_since = models.DateTimeField(default=timezone.now, help_text="items stored before this are never alerted")
    last_alert_at = models.DateTimeField(null=True, blank=True, help_text="when send_alerts last handled it")
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "saved search"
        verbose_name_plural = "saved searches"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("saved:open", args=[self.pk])

    @property
    def seen_baseline(self) -> datetime:
        """Items stored after this are new to the user: since the last opening, else since saving."""
        return self.last_seen_at or self.created_at

    @property
    def alerts_on(self) -> bool:
        return self.alert_frequency != self.Frequency.OFF


class SentItem(models.Model):
    """One item an alert has dealt with: its row is what makes it never go out twice."""

    saved_query = models.ForeignKey(SavedQuery, on_delete=models.CASCADE, related_name="sent_items")
    key = models.CharField(max_length=64, help_text='"<slug>#<position>" as in the search index')
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["saved_query", "key"], name="saved_sentitem_once")]

    def __str__(self) -> str:
        return f"{self.key} for {self.saved_query_id}"


class RecentSearch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recent_searches")
    query = models.TextField()
    ran_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        indexes = [models.Index(fields=["user", "-ran_at"])]

    def __str__(self) -> str:
        return self.query
