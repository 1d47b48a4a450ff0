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


def index_pending(settings_module: str, ingest_pid: int, finished, batch: int) -> None:
    """In a fresh process, for the whole of one ingest: set Django up from the same environment
    and index what is stored, ``batch`` determinations per commit, whenever a full batch is
    waiting, and the rest once ``finished`` (an Event the ingest sets when it has stored
    everything) is set. One process keeps what it has read of the index between commits, so each
    commit publishes only what it wrote. It stops after the batch in hand if the ingest is gone
    (killed: a forkserver child outlives it, and the next ingest's indexer takes over).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    from .engine import close_helpers
    from .engine.folder import process_running
    from .indexing import index_pending as run
    from .indexing import pending_at_least

    def alive() -> bool:
        return process_running(ingest_pid)

    try:
        while alive() and not finished.is_set():
            run(batch=batch, go_on=lambda: alive() and pending_at_least(batch))
            finished.wait(1.0)
        run(batch=batch, go_on=alive)
    finally:
        close_helpers()  # this process ends with os._exit, which would leave them waiting
