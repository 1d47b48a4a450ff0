"""Measure ingest and the query mix at N determinations, beside SQLite FTS5 on the same items."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devtools import bench


class Command(BaseCommand):
    help = ("Generate (or reuse) N determinations in a scratch data folder, ingest them, and time the query mix "
            "on Whoosh and on SQLite FTS5; prints a table, or one JSON object with --json.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--docs", type=int, default=10_000, help="how many determinations (default 10000)")
        parser.add_argument("--seed", type=int, default=0, help="the corpus seed (default 0)")
        parser.add_argument("--repeat", type=int, default=30,
                            help="calls per query; the first is the warm-up, reported as cold_ms (default 30)")
        parser.add_argument("--workdir", type=Path, default=bench.DEFAULT_WORKDIR,
                            help="scratch folder; <workdir>/<N>-<seed>/ is reused by the next run (default var/bench)")
        parser.add_argument("--fresh", action="store_true", help="ingest again even if the scratch folder has it")
        parser.add_argument("--pdf-dir", type=Path, default=bench.DEFAULT_PDF_DIR,
                            help="PDFs to time the PDF ingest on (default ../shared/corpus/dwc-2016, if there)")
        parser.add_argument("--no-pdf", action="store_true", help="skip the PDF ingest")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--measure", choices=("whoosh", "fts5", "tantivy", "worker", "refresh"), help=argparse.SUPPRESS)  # the bench's own steps
        parser.add_argument("--names", default="{}", help=argparse.SUPPRESS)
        parser.add_argument("--tail", type=Path, help=argparse.SUPPRESS)

    def handle(self, *args, **options) -> None:
        if options["measure"]:
            report = bench.measure(options["measure"], repeat=options["repeat"], names=options["names"],
                                   tail=options["tail"])
            self.stdout.write(json.dumps(report))
            return
        try:
            report = bench.run_bench(
                docs=options["docs"], seed=options["seed"], repeat=options["repeat"], workdir=options["workdir"],
                fresh=options["fresh"], pdf_dir=None if options["no_pdf"] else options["pdf_dir"],
                say=lambda line: self.stderr.write(f"bench: {line}"),
            )
        except bench.BenchError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(report, indent=2) if options["json"] else bench.table(report))
