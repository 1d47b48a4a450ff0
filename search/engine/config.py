"""Where the engine finds its index and the texts it does not keep: handed in, never imported.

The engine imports no Django. The site says once, at start (search/apps.py), where the live
index folder is and how to read determinations' case summaries (which are indexed for
searching but not stored in the index): both are callables, read at each use, so a test that
points the data folder elsewhere is followed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

Summaries = Callable[[Iterable[str]], dict[str, str]]  # slugs -> {slug: case summary}


class NotConfigured(RuntimeError):
    """The engine was used before ``configure``."""


def _unset_dir() -> Path:
    raise NotConfigured("search.engine.configure(index_dir=...) was not called")


def _unset_summaries(slugs: Iterable[str]) -> dict[str, str]:
    raise NotConfigured("search.engine.configure(summaries=...) was not called")


@dataclass
class _Config:
    index_dir: Callable[[], Path] = _unset_dir
    summaries: Summaries = _unset_summaries
    query_seconds: float | None = None  # a query's time budget (deadline.py); None: unbounded
    index_processes: int = 1  # processes that write a large batch's segments at once (folder.replace)


_config = _Config()


def configure(*, index_dir: Callable[[], Path], summaries: Summaries, query_seconds: float | None = None,
              index_processes: int = 1) -> None:
    """``index_dir()``: the path of the live index (a symlink the engine manages);
    ``summaries(slugs)``: the case summary of each determination slug; ``query_seconds``: how long
    one query may run before it is stopped with a message; ``index_processes``: how many processes
    may write the segments of one large batch at once (one per core is the most that helps)."""
    _config.index_dir = index_dir
    _config.summaries = summaries
    _config.query_seconds = query_seconds
    _config.index_processes = max(1, index_processes)


def index_link() -> Path:
    return Path(_config.index_dir())


def summaries(slugs: Iterable[str]) -> dict[str, str]:
    return _config.summaries(set(slugs))


def query_seconds() -> float | None:
    return _config.query_seconds


def index_processes() -> int:
    return _config.index_processes
