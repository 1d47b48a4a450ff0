"""Compare the search index with the database and say what differs."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from search.engine import IndexMissing
from search.indexing import check_against_database

SHOWN = 20


class Command(BaseCommand):
    help = "Compare the Whoosh index with the database (the truth); exit 1 if they differ."

    def handle(self, *args, **options):
        try:
            check = check_against_database()
        except IndexMissing as error:
            raise CommandError(str(error), returncode=1) from None
        if check.ok:
            self.stdout.write("index and database agree")
            return
        for label, keys in (("missing from the index", check.missing), ("in the index but not stored", check.extra),
                            ("indexed with other content than the database holds", check.stale), ("indexed more than once", check.duplicates)):
            if keys:
                more = f" (and {len(keys) - SHOWN} more)" if len(keys) > SHOWN else ""
                self.stdout.write(f"{len(keys)} item(s) {label}: {', '.join(keys[:SHOWN])}{more}")
        raise CommandError("the index differs from the database; run: python manage.py reindex", returncode=1)
