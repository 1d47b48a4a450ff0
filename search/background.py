"""The background indexer: a process of its own that takes the writer lock and indexes what is
stored but not yet searchable (``manage.py index_pending``).

A web worker never writes the index: an edit in the admin flags its determination and starts
this process, which waits its turn behind any ingest or reindex and indexes the change within
seconds. It reaches the same database and data folder as the process that started it (also a
test's database, whose name differs from the configured one).
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable

from django.conf import settings
from django.db import connection

_started: list[subprocess.Popen] = []


def start_indexer(*, remove: Iterable[str] = ()) -> subprocess.Popen:
    """Start ``index_pending`` in the background; ``remove``: determinations deleted from the
    database, whose items leave the index too. Returns the process (the caller need not wait)."""
    _started[:] = [process for process in _started if process.poll() is None]  # reap finished ones
    env = {
        **os.environ,
        "IMR_DATA_DIR": str(settings.DATA_DIR),
        "IMR_DATABASE_NAME": str(connection.settings_dict["NAME"]),
    }
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "index_pending",
               *(f"--remove={slug}" for slug in remove)]
    process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    _started.append(process)
    return process
