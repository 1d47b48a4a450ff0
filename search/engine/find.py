"""Answering a search: its matches, their order, one highlighted page and the facet counts.

Everything a search narrows by except its words (dates, "added after", facet choices) is a
mask over document numbers; the words are a plan of steps (evaluate.py). Results are cached
per searcher version, so a repeated search (the next page's trail, a back button) is a lookup.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from whoosh import query as wq

from . import config, deadline, searcher
from .documents import datenum
from .evaluate import Step, plan
from .expand import Expander, expanded
from .facets import count_facets, filter_mask
from .highlight import Marks, highlight_text, query_marks, query_terms, snippets, with_summary_snippets
from .query import QueryError, parse_query
from .results import Hit, IndexMissing, PageOutOfRange, SearchParams, SearchResult
from .schema import BREAKS_FIELD, DEFAULT_SCOPE, facet_field, query_fields
from .scoring import top
from .searcher import Context, Version
from .sentences import SameUnit

RESULT_CACHE_SIZE = 256


def parse(q: str, ctx: Context, scope: str = DEFAULT_SCOPE) -> wq.Query:
    """The user's query, with fielded facet terms matched against this index's facet values and
    every wildcard as the words it stands for here, within the query's budget (expand.py)."""
    by_field = {facet_field(name): values for name, values in ctx.version.values.items()}
    query = parse_query(q, query_fields(scope), lambda field: by_field.get(field, ()), ctx.has_term)
    if BREAKS_FIELD not in ctx.searcher.schema and _within_units(query):
        raise IndexMissing("the search index was written before sentence breaks were indexed, and /s and /p "
                           "need them; run: python manage.py reindex")
    return expanded(query, Expander(ctx.words))


def _within_units(query: wq.Query) -> bool:
    """Whether the query holds a /s, /p, +s or +p."""
    return isinstance(query, SameUnit) or any(map(_within_units, query.children()))


@dataclass
class _Scope:
    """Everything a search narrows by except its words, as masks over document numbers."""

    within: np.ndarray  # live documents inside the date and "added after" ranges
    masks: dict[str, np.ndarray]  # each chosen facet's values
    keep: np.ndarray  # within, and every facet mask


def _scope(params: SearchParams, version: Version) -> _Scope:
    within = version.live.copy()
    if params.date_from:
        within &= version.decision_date >= datenum(params.date_from)
    if params.date_to:
        within &= (version.decision_date <= datenum(params.date_to)) & (version.decision_date > 0)
    if params.added_after:
        within &= version.added > int(params.added_after.timestamp() * 1000)
    masks = {name: filter_mask(version, name, chosen) for name, chosen in params.filters.items() if chosen}
    keep = within.copy()
    for mask in masks.values():
        keep &= mask
    return _Scope(within, masks, keep)


def _date_from_num(value: int) -> date | None:
    if not value:
        return None
    return date(value // 10000, value // 100 % 100, value % 100)


def _hit(ctx: Context, docnum: int, marks: Marks, score: float | None) -> Hit:
    fields = ctx.stored(docnum)
    return Hit(
        key=fields["key"],
        slug=fields["slug"],
        position=fields["position"],
        case_number=fields["case"],
        request=fields["request"],
        outcome=fields["outcome"],
        drug=fields["drug"],
        brand=fields["brand"],
        category=fields["category"],
        decision_date=_date_from_num(fields["decision_date"]),
        added=datetime.fromtimestamp(fields["added"] / 1000, tz=UTC) if fields["added"] else None,
        states=fields["states"],
        specialties=fields["specialties"],
        request_html=highlight_text(fields["request"], marks, whole=True),
        snippets=snippets(fields["rationale"], marks, fields.get("citations", "")),
        score=score,
        rationale=fields["rationale"],
        generated=fields.get("generated", False),
        reasons=fields.get("reasons", []),  # an index written before reasons were read has none
        sections=fields.get("sections", []),
    )


def _verified(step: Step | None, ordered: np.ndarray, limit: int | None = None) -> np.ndarray:
    """The first ``limit`` of ``ordered`` that truly match: all of them, unless the query has a
    phrase of three or more words, whose candidates are checked in their text, in chunks."""
    if step is None or not step.needs_verifying():
        return ordered[:limit]
    kept: list[np.ndarray] = []
    found, chunk = 0, 64
    for begin in range(0, len(ordered), chunk):
        deadline.check()
        docs = ordered[begin:begin + chunk]
        ascending = np.argsort(docs, kind="stable")
        truly = np.zeros(len(docs), dtype=bool)
        truly[ascending] = step.verify(docs[ascending])
        kept.append(docs[truly])
        found += int(np.count_nonzero(truly))
        if limit is not None and found >= limit:
            break
        chunk = min(chunk * 2, 4096)
    return np.concatenate(kept)[:limit] if kept else ordered[:0]


def _scores(step: Step, version: Version) -> np.ndarray:
    """Each document's BM25F score for the query."""
    scores = np.zeros(version.doc_count, dtype=np.float64)
    step.add_scores(scores)
    return scores


def _ranked(step: Step, version: Version, final: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The best ``limit`` of the ``final`` matches by score, best first."""
    candidates = np.flatnonzero(final)
    if not len(candidates) or limit <= 0:
        return []
    scores = _scores(step, version)
    if not step.needs_verifying():
        return top(scores[candidates], candidates, limit)
    # Most candidates hold the phrase: check the best few first, and sort them all only if not.
    best = np.array([doc for doc, _ in top(scores[candidates], candidates, limit + 16)])
    kept = _verified(step, best, limit)
    if len(kept) < limit and len(best) < len(candidates):
        ordered = candidates[np.lexsort((candidates, -scores[candidates]))]
        kept = _verified(step, ordered, limit)
    return [(int(doc), float(scores[doc])) for doc in kept]


UNDATED = np.iinfo(np.int64).max  # sorts after every date


def _by_date(version: Version, final: np.ndarray, *, oldest: bool) -> np.ndarray:
    """The matches by decision date, newest or oldest first; either way undated items come last."""
    docnums = np.flatnonzero(final)
    dates = version.decision_date[docnums].astype(np.int64)
    keys = np.where(dates > 0, dates if oldest else -dates, UNDATED)
    return docnums[np.argsort(keys, kind="stable")]


def _ordered(params: SearchParams, step: Step | None, version: Version, final: np.ndarray) -> np.ndarray:
    """Every match in the order the search asks for: by score for words ranked by relevance, else by date."""
    if step is None or params.sort != "relevance":
        return _by_date(version, final, oldest=params.sort == "oldest")
    candidates = np.flatnonzero(final)
    scores = _scores(step, version)
    return candidates[np.lexsort((candidates, -scores[candidates]))]


def _cache_key(params: SearchParams) -> tuple:
    filters = tuple(sorted((name, tuple(sorted(v.strip().lower() for v in values)))
                           for name, values in params.filters.items() if values))
    return (params.q.strip(), filters, params.date_from, params.date_to, params.sort, params.page,
            params.per_page, params.added_after, params.scope)


def search(params: SearchParams) -> SearchResult:
    """Run one search: matches, facet counts over all of them, one highlighted page.

    Raises ``QueryError`` for a query that cannot be read, ``PageOutOfRange`` and ``IndexMissing``.
    """
    ctx = searcher.current()
    results = ctx.version.results
    key = _cache_key(params)
    if (cached := results.get(key)) is not None:
        results.move_to_end(key)
        return cached
    with deadline.within(config.query_seconds()):
        result = _search(params, ctx)
    results[key] = result
    if len(results) > RESULT_CACHE_SIZE:
        results.popitem(last=False)
    return result


def _search(params: SearchParams, ctx: Context) -> SearchResult:
    version = ctx.version
    query = parse(params.q, ctx, params.scope) if params.q.strip() else None
    step = plan(query, ctx) if query is not None else None
    scope = _scope(params, version)
    start = (params.page - 1) * params.per_page
    ranked: list[tuple[int, float]] | None = None
    if step is None:
        base = scope.within
    else:
        base = scope.within & step.matches()
        if params.sort == "relevance":
            ranked = _ranked(step, version, base & scope.keep, start + params.per_page)
    final = base & scope.keep
    count = int(np.count_nonzero(final))
    pages = max(1, -(-count // params.per_page))
    if params.page < 1 or params.page > pages:
        raise PageOutOfRange(f"there is no page {params.page}: the results have {pages} page(s)")
    if ranked is not None:
        page_docs = ranked[start:start + params.per_page]
    else:
        ordered = _verified(step, _by_date(version, final, oldest=params.sort == "oldest"), start + params.per_page)
        page_docs = [(int(d), None) for d in ordered[start:start + params.per_page]]

    terms = query_terms(query, ctx)
    marks = query_marks(query, ctx)
    return SearchResult(
        params=params,
        count=count,
        page=params.page,
        pages=pages,
        hits=with_summary_snippets([_hit(ctx, docnum, marks, score) for docnum, score in page_docs],
                                   query_marks(query, ctx, ("summary",))),
        facets=count_facets(version, base, scope.masks, params),
        terms={(f, t) for f, ts in terms.items() for t in ts},
    )


def _final(params: SearchParams) -> tuple[Context, Step | None, np.ndarray]:
    """(context, the query's steps, mask of every matching item) without ranking."""
    ctx = searcher.current()
    with deadline.within(config.query_seconds()):
        step = plan(parse(params.q, ctx, params.scope), ctx) if params.q.strip() else None
        keep = _scope(params, ctx.version).keep
        return ctx, step, keep if step is None else keep & step.matches()


def count(params: SearchParams) -> int:
    """How many items match, without ranking, facets or highlighting (a phrase of three or more
    words counted by its word pairs, as on the results page)."""
    return int(np.count_nonzero(_final(params)[2]))


def iter_matches(params: SearchParams) -> Iterator[Hit]:
    """Every matching item (for export and alerts) in the search's order, without snippets;
    phrases checked word by word."""
    ctx, step, final = _final(params)
    for docnum in _verified(step, _ordered(params, step, ctx.version, final)):
        yield _hit(ctx, int(docnum), Marks(), None)


def highlight_words(q: str, scope: str = DEFAULT_SCOPE) -> Marks:
    """What a query marks in document text (its words, wildcards expanded, and its phrases);
    nothing if it cannot be read."""
    if not q.strip():
        return Marks()
    try:
        ctx = searcher.current()
        with deadline.within(config.query_seconds()):
            query = parse(q, ctx, scope)
    except (QueryError, IndexMissing):
        return Marks()
    return query_marks(query, ctx)


def clear_result_cache() -> bool:
    """Forget cached results (the benchmark times the work, not a lookup); False if none is open."""
    ctx = searcher.opened()
    if ctx is None:
        return False
    ctx.version.results.clear()
    return True
