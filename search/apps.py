from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_empty_index(sender, using: str = "default", **kwargs) -> None:
    """A new site, migrated and holding nothing yet, gets an empty index, so its search page
    answers "no matches" rather than "run reindex". A database that holds determinations is left
    alone: if its index is missing, saying so (and naming ``reindex``) is the truthful answer."""
    from . import engine
    from .models import Determination

    if using == "default" and not Determination.objects.using(using).exists():
        engine.ensure_index()


class SearchConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'search'

    def ready(self) -> None:
        from django.conf import settings

        from . import engine, indexing

        # Read at each use: tests point the data folder elsewhere.
        engine.configure(index_dir=lambda: Path(settings.INDEX_DIR), summaries=indexing.summaries,
                         query_seconds=settings.SEARCH_QUERY_SECONDS,
                         index_processes=settings.IMR_INDEX_PROCESSES)
        post_migrate.connect(create_empty_index, sender=self)
