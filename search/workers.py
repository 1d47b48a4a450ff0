"""What ingest runs in other processes. Nothing here imports Django at module level.

Worker processes are spawned (forkserver), never forked from a process holding database
connections: a forked child that closes an inherited PostgreSQL connection ends the
parent's session with it.
"""
from __future__ import annotations

import os

from . import parser
from .extract import ExtractError, document_text
from .limits import Limits
from .record import Determination, ParseError


def parse_document(job: tuple[str, bytes, Limits]) -> tuple[str, Determination | None, str]:
    """(text, record, reason refused) for one file's name and bytes, within the ingest's limits."""
    name, data, limits = job
    try:
        text = document_text(name, data, limits)
        return text, parser.parse(text), ""
    except (ExtractError, ParseError) as error:
        return "", None, str(error)


def index_pending(settings_module: str, ingest_pid: int | None = None) -> None:
    """In a fresh process: set Django up from the same environment and index what is stored,
    a batch at a time, stopping after the batch in hand if the ingest that started it is gone
    (killed: a forkserver child outlives it, and the next ingest's indexer takes over)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    from .indexing import index_pending as run

    run(go_on=(lambda: _alive(ingest_pid)) if ingest_pid else None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
