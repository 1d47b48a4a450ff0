"""Email each user the new items of their due saved-search alerts (run by cron or a systemd timer)."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from saved.alerts import send_alerts
from search.engine import IndexMissing


class Command(BaseCommand):
    help = "Send the due alert emails: one per user, each new item at most once per saved search."

    def handle(self, *args, **options):
        try:
            report = send_alerts()
        except IndexMissing as error:
            self.stderr.write(str(error))
            raise SystemExit(1) from None
        for problem in report.problems:
            self.stderr.write(problem)
        self.stdout.write(report.summary())
