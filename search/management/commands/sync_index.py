"""Mend this machine's index from the database: add what is missing, drop what is gone."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from search.indexing import sync_with_database
from search.locks import writer_lock


class Command(BaseCommand):
    help = "Bring the local Whoosh index in line with the database without a full rebuild."

    def handle(self, *args, **options):
        with writer_lock(on_wait=self.stderr.write):
            check = sync_with_database()
        self.stdout.write(
            f"added {len(check.missing)}, removed {len(check.extra)}, refreshed {len(check.stale)}, "
            f"deduplicated {len(check.duplicates)} item(s)"
        )
