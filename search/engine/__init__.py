"""The search engine: Whoosh underneath, numpy on top. This module is its one seam.

The site calls only what is named here. Reading: ``search`` (matches, facet counts, one
highlighted page), ``count``, ``iter_matches`` (every match, for export and alerts),
``similar`` (more like this), ``highlight_words`` and ``highlight_text`` (marking a query's
words in a text). Writing, by the one writer (ingest, reindex and the background indexer,
under the data folder's writer lock): ``add``, ``replace``, ``remove`` and ``rebuild``, all
taking plain ``ItemDocument`` values. ``indexed_items`` lists what the index holds, for a
check against the database; ``version_memo`` keeps what the site derives from one version's
values (its sections' names) until the index changes. The engine imports no Django: ``configure`` hands it the index
folder and a way to read case summaries.

Inside, one module per concern:
  config            where the index is, and the summaries handed in
  schema            analyzers, fields, facets: what is indexed
  documents         ItemDocument -> a Whoosh document, and its digest
  folder            the index folder, its symlink, the writer and the merge policy
  segments          each segment's arrays and postings, read once and kept
  searcher          one searcher version per process, and its arrays
  query             the query language (Westlaw-style connectors, fields, drug synonyms)
  evaluate          a query tree read once into steps that match, score and verify
  scoring           BM25F over arrays, and the top-k
  facets            facet filters and counts
  highlight         marking words in snippets and whole texts
  find              search, count, iter_matches: a search answered
  similar           more like this
  whoosh_internals  every private Whoosh name, and the two patches
"""
from __future__ import annotations

from collections.abc import Iterable

from . import folder, whoosh_internals
from .config import configure
from .documents import ItemDocument
from .find import clear_result_cache, count, highlight_words, iter_matches, search
from .folder import ensure_index
from .highlight import Marks, highlight_text, match_count
from .query import MAX_QUERY_LENGTH, QueryError, case_number
from .results import (
    PER_PAGE,
    SCOPES,
    SORTS,
    FacetValue,
    Hit,
    IndexedItem,
    IndexMissing,
    PageOutOfRange,
    SearchParams,
    SearchResult,
)
from .schema import FACETS
from .searcher import indexed_items, reset, version_memo
from .similar import similar

__all__ = [
    "FACETS",
    "MAX_QUERY_LENGTH",
    "PER_PAGE",
    "SCOPES",
    "SORTS",
    "FacetValue",
    "Hit",
    "IndexMissing",
    "IndexedItem",
    "ItemDocument",
    "Marks",
    "PageOutOfRange",
    "QueryError",
    "SearchParams",
    "SearchResult",
    "add",
    "case_number",
    "clear_result_cache",
    "configure",
    "count",
    "ensure_index",
    "highlight_text",
    "highlight_words",
    "indexed_items",
    "iter_matches",
    "match_count",
    "rebuild",
    "remove",
    "replace",
    "reset",
    "search",
    "similar",
    "version_memo",
]

whoosh_internals.install_patches()


def add(documents: Iterable[ItemDocument]) -> None:
    """Index new items (their determinations not yet in the index), in one commit."""
    folder.replace((), documents)


def replace(slugs: Iterable[str], documents: Iterable[ItemDocument]) -> None:
    """Drop the items of the determinations ``slugs`` and index ``documents``, in one commit."""
    folder.replace(slugs, documents)


def remove(slugs: Iterable[str]) -> None:
    """Drop the items of the determinations ``slugs``."""
    folder.replace(slugs, ())


def close_helpers() -> None:
    """Stop the helper processes this process's writes started (they are kept between commits);
    a process that exits without calling it stops them at exit, unless it ends with ``os._exit``
    (a multiprocessing child does)."""
    folder.close_helpers()


def compact() -> tuple[int, int]:
    """Merge the live index's segments into one; returns how many there were and are."""
    return folder.compact()


def segment_count() -> int:
    """How many segments the live index has; 0 when there is none."""
    return folder.segment_count()


def rebuild(documents: Iterable[ItemDocument]) -> int:
    """Write a new index of ``documents`` beside the live one and swap it in; returns how many
    determinations it holds. Readers go on with the old one until their next search."""
    return folder.rebuild(documents)

