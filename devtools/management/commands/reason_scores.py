"""``python manage.py reason_scores``: the stated-reason classifier against the hand labels."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from devtools.reason_scores import hand_labels, table
from search.extract import document_text
from search.parser import parse

SHARED = "../shared/corpus"


class Command(BaseCommand):
    help = "Precision and recall per stated reason, on the labelled real items (all, dev and held-out halves)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--corpus", default=SHARED, help="the folder holding seeds/ and dwc-2016/")

    def handle(self, *args, **options) -> None:
        from pathlib import Path

        root = Path(options["corpus"])
        found = {}
        for path in [*sorted((root / "seeds").glob("*.txt")), *sorted((root / "dwc-2016").glob("*.pdf"))]:
            for position, item in enumerate(parse(document_text(path.name, path.read_bytes())).items, start=1):
                found[(path.name, position)] = item.reasons
        self.stdout.write(table(hand_labels(), found))
