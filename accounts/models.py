"""Failed sign-ins and password-reset requests, kept in the database so every web worker sees the same count."""
from __future__ import annotations

from django.db import models
from django.utils import timezone


class SignInFailure(models.Model):
    username = models.CharField(max_length=150, help_text="as typed, lowercased")
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["username", "ip", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip} at {self.at:%Y-%m-%d %H:%M}"


class PasswordResetRequest(models.Model):
    email = models.CharField(max_length=254, help_text="as typed, lowercased")
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["email", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"reset for {self.email} from {self.ip} at {self.at:%Y-%m-%d %H:%M}"
