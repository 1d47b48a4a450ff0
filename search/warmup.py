"""A web worker warmed before it takes requests: the index opened (its published arrays mapped),
a first page answered, and the words most searches start from read once, so no user pays for a
worker's first open or a common word's first query; what that made is then kept out of the
garbage collector's full passes (``settle``).

gunicorn calls ``warm`` from its ``post_worker_init`` hook (imrsite/gunicorn_conf.py); a worker
with no index yet (a new site) starts anyway and says why.
"""
from __future__ import annotations

import gc
import logging
import time

from .engine import IndexMissing, SearchParams, search

log = logging.getLogger("imr.warmup")

# What most searches read: the newest first page (every facet's arrays), and the commonest words
# and phrase of the letters (their postings are then kept by the segment store).
WARM_SEARCHES = (
    SearchParams(sort="newest"),
    SearchParams(q="pain"),
    SearchParams(q='"not medically necessary"'),
    SearchParams(q="medication AND request"),
)


def warm(searches: tuple[SearchParams, ...] = WARM_SEARCHES) -> float:
    """Answer ``searches`` once; returns the seconds it took (0 when there is no index to warm)."""
    started = time.perf_counter()
    try:
        for params in searches:
            search(params)
    except IndexMissing as missing:
        log.warning("worker not warmed: %s", missing)
        return 0.0
    settle()
    seconds = time.perf_counter() - started
    log.info("worker warmed in %.2f s", seconds)
    return seconds


def settle() -> None:
    """Put every object made so far (Django's, Whoosh's, the open index's) out of the garbage
    collector's full passes, which otherwise walk them all during some request: at 300,000
    determinations a full pass added 60 ms to a 30 ms search. gunicorn workers fork from a
    master that loaded nothing of the index, so the frozen objects are the worker's own."""
    gc.freeze()
