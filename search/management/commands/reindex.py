"""Rebuild the search index from the database and swap it in."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from search.indexing import rebuild
from search.locks import writer_lock


class Command(BaseCommand):
    help = "Rebuild the Whoosh index from the database into a new folder, then swap it in atomically."

    def handle(self, *args, **options):
        started = time.monotonic()
        with writer_lock(on_wait=self.stderr.write):
            count = rebuild()
        self.stdout.write(f"indexed {count} determinations in {time.monotonic() - started:.1f}s")
