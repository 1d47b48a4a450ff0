"""One writer at a time: ingest and reindex take the data folder's writer lock.

Whoosh has its own write lock, but two ingests could still interleave database
flags and index commits, and a reindex swapping the folder under an ingest would
lose that ingest's documents from the index. An flock is released by the kernel
when its process dies, so a kill -9 never leaves a stale lock behind.
"""
from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


class WriterBusy(RuntimeError):
    """Another ingest or reindex holds the lock."""


def lock_path() -> Path:
    return Path(settings.DATA_DIR) / "writer.lock"


@contextmanager
def writer_lock(*, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            message = f"another ingest or reindex is running ({holder})"
            if not wait:
                raise WriterBusy(message) from None
            if on_wait:
                on_wait(f"{message}; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
