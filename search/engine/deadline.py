"""A query's time budget: the steps that can take long check it, and stop the query with a message.

A web worker answers one request at a time; a query that ran on for a minute would hold it past
gunicorn's timeout and keep every reader behind it waiting. ``within`` sets the budget for what
runs inside it (in this thread or task); ``check`` raises ``QueryTooSlow`` once it is spent.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .query import QueryError

_deadline: ContextVar[float | None] = ContextVar("query_deadline", default=None)


class QueryTooSlow(QueryError):
    """The query spent its time budget; nothing of it is shown."""


@contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Run the block with ``seconds`` to spend (None: no bound); an inner budget never extends an outer one."""
    outer = _deadline.get()
    ends = None if seconds is None else time.monotonic() + seconds
    if outer is not None and (ends is None or outer < ends):
        ends = outer
    token = _deadline.set(ends)
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    ends = _deadline.get()
    if ends is not None and time.monotonic() > ends:
        raise QueryTooSlow("this search took too long and was stopped; narrow it: fewer wildcards or "
                           "connectors, more letters, or a filter")


def checked(items: Iterable, every: int = 1024) -> Iterator:
    """``items``, with the budget checked every ``every`` of them (a walk Whoosh does in Python)."""
    for count, item in enumerate(items):
        if count % every == 0:
            check()
        yield item
