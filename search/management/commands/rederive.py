"""``manage.py rederive``: stored items' stated reasons and citations brought up to the current rules."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from search.derived import BATCH, Rederived, rederive
from search.indexing import rebuild
from search.locks import writer_lock
from search.models import Citation, DisputedItem, GuidelineSection


class Command(BaseCommand):
    help = ("Derive every stored item's stated reasons and guideline citations again with the current rules "
            "(after an upgrade that improves them); --reindex then rebuilds the index so search and facets show them.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="items per transaction")
        parser.add_argument("--reindex", action="store_true", help="rebuild the index afterwards")

    def handle(self, *args, **options) -> None:
        started = time.monotonic()

        def progress(done: Rederived) -> None:
            self.stderr.write(f"{done.items} items read, {done.reasons} with new reasons, "
                              f"{done.citations} with new citations")

        with writer_lock(on_wait=self.stderr.write):
            done = rederive(item_model=DisputedItem, section_model=GuidelineSection, citation_model=Citation,
                            batch=options["batch"], on_batch=progress)
            self.stdout.write(f"rederived {done.items} items in {time.monotonic() - started:.1f}s: "
                              f"{done.reasons} with new stated reasons, {done.citations} with new citations")
            if options["reindex"] and (done.reasons or done.citations):
                count = rebuild()
                self.stdout.write(f"indexed {count} determinations in {time.monotonic() - started:.1f}s")
            elif done.reasons or done.citations:
                self.stdout.write("run `python manage.py reindex` (or rederive --reindex) so search shows them")
