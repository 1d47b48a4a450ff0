"""Merge the live index's segments into one: after a bulk load, for fast worker opens and first queries."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from search import engine
from search.locks import writer_lock


class Command(BaseCommand):
    help = ("Merge the search index's segments into one, without reading the database: a long ingest leaves "
            "one per batch, and every segment costs a worker's open and a word's first query. Takes the writer "
            "lock (it waits for an ingest); searches go on meanwhile.")

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            with writer_lock(on_wait=self.stderr.write):
                before, after = engine.compact()
        except engine.IndexMissing as error:
            raise CommandError(str(error), returncode=1) from None
        took = time.monotonic() - started
        if before == after:
            self.stdout.write(f"the index has {after} segment{'' if after == 1 else 's'}: nothing to merge ({took:.1f}s)")
        else:
            self.stdout.write(f"merged {before} segments into {after} in {took:.1f}s")
