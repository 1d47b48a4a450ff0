"""Write synthetic determinations as text files, for demo data and load tests."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devtools.corpus import generate


class Command(BaseCommand):
    help = "Write N synthetic IMR final determinations (one .txt each) into a folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many determinations")
        parser.add_argument("--out", type=Path, required=True, help="folder to write into (made if missing)")
        parser.add_argument("--seed", type=int, default=0, help="the same seed writes the same files")
        parser.add_argument("--demo", action="store_true",
                            help="demo data: every document has a case number and dates, and is marked as generated")

    def handle(self, *args, count: int, out: Path, seed: int, demo: bool, **options) -> None:
        if count < 0:
            raise CommandError("--count must be 0 or more")
        out.mkdir(parents=True, exist_ok=True)
        items = 0
        for name, text, record in generate(count, seed=seed, demo=demo):
            # newline="": CRLF documents keep their CRLF, as the archive's do.
            (out / name).write_text(text, encoding="utf-8", newline="")
            items += len(record.items)
        self.stdout.write(f"wrote {count} determinations ({items} items) to {out}")
