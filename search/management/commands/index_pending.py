"""Index what is stored but not yet searchable, under the writer lock (the background indexer)."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from search.indexing import index_pending, remove
from search.locks import writer_lock


class Command(BaseCommand):
    help = ("Index the determinations stored or edited since the index last took them, waiting for "
            "any ingest or reindex to finish first; the admin starts it after each edit.")

    def add_arguments(self, parser):
        parser.add_argument("--remove", action="append", default=[], metavar="SLUG",
                            help="also drop this deleted determination's items from the index (repeatable)")

    def handle(self, *args, **options):
        with writer_lock(on_wait=self.stderr.write):
            if options["remove"]:
                remove(options["remove"])
            count = index_pending()
        self.stdout.write(f"indexed {count} determination(s), removed {len(options['remove'])}")
