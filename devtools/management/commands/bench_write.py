"""``python manage.py bench_write``: the engine's index writer beside Whoosh's, on stored determinations."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from devtools.write_bench import measure_write, table


class Command(BaseCommand):
    help = ("Write the items of the first N stored determinations as one segment with Whoosh's writer and with "
            "the engine's, alternately, and print the CPU seconds of each (the site's index is only read).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--docs", type=int, default=2000, help="how many stored determinations (default 2000)")
        parser.add_argument("--repeat", type=int, default=3, help="runs of each writer; the best is kept (default 3)")
        parser.add_argument("--merge-parts", type=int, default=0, metavar="K",
                            help="also write them as K segments and time each writer merging those into one")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        if options["docs"] < 1 or options["repeat"] < 1:
            raise CommandError("--docs and --repeat must be at least 1")
        try:
            report = measure_write(docs=options["docs"], repeat=options["repeat"],
                                   merge_parts=options["merge_parts"])
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(report, indent=2) if options["json"] else table(report))
