"""Store determinations from files and folders, then index them."""
from __future__ import annotations

import logging
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search import engine
from search.ingest import REFUSED, FileResult, ingest_paths
from search.locks import WriterBusy, writer_lock
from search.progress import Progress

# Past this many segments an ingest says that compact_index would merge them: each costs a web
# worker's open and every word's first query (README, Performance).
COMPACT_HINT_SEGMENTS = 16


class Command(BaseCommand):
    help = "Ingest .txt and .pdf determinations (files or folders, recursively) and index them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files or folders")
        parser.add_argument("--no-wait", action="store_true",
                            help="refuse at once if another ingest or reindex is running, instead of waiting")

    def handle(self, *args, **options):
        if options["verbosity"] < 2:  # the per-file log lines; refusals are printed below either way
            logging.getLogger("imr.ingest").setLevel(logging.WARNING)
        progress = Progress(stream=sys.stderr)
        started = time.monotonic()

        def on_result(result: FileResult, number: int, total: int) -> None:
            if result.status == REFUSED:
                progress.clear()
                self.stderr.write(f"refused {result.path}: {result.reason}")
            elif result.reason:  # stored, with something to say: a different file replaced a stored one
                progress.clear()
                self.stderr.write(f"{result.status} {result.path} as {result.slug}: {result.reason}")
            progress.update(number, total)

        try:
            with writer_lock(wait=not options["no_wait"], on_wait=self.stderr.write):
                report = ingest_paths(options["paths"], on_result=on_result)
        except WriterBusy as busy:
            raise CommandError(f"{busy}; try again when it has finished", returncode=2) from None
        progress.clear()
        elapsed = time.monotonic() - started
        self.stdout.write(f"{report.summary()} in {elapsed:.1f}s")
        if (segments := engine.segment_count()) > COMPACT_HINT_SEGMENTS:
            self.stderr.write(f"the index has {segments} segments: python manage.py compact_index merges them "
                              "into one, for faster worker opens and first queries")
        if report.refused:
            raise CommandError(f"{len(report.refused)} file(s) refused", returncode=1)
