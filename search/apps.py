from pathlib import Path

from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'search'

    def ready(self) -> None:
        from django.conf import settings

        from . import engine, indexing

        # Read at each use: tests point the data folder elsewhere.
        engine.configure(index_dir=lambda: Path(settings.INDEX_DIR), summaries=indexing.summaries)
