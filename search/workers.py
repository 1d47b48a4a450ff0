"""What ingest runs in other processes. Nothing here imports Django at module level.

Worker processes are spawned (forkserver), never forked from a process holding database
connections: a forked child that closes an inherited PostgreSQL connection ends the
parent's session with it.
"""
from __future__ import annotations

import os

from . import parser
from .extract import ExtractError, document_text
from .record import Determination, ParseError


def parse_document(job: tuple[str, bytes]) -> tuple[str, Determination | None, str]:
    """(text, record, reason refused) for one file's name and bytes."""
    name, data = job
    try:
        text = document_text(name, data)
        return text, parser.parse(text), ""
    except (ExtractError, ParseError) as error:
        return "", None, str(error)


def index_pending(settings_module: str) -> None:
    """In a fresh process: set Django up from the same environment and index what is stored."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    from .index import index_pending as run

    run()
