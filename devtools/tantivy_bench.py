"""The bench's query mix on tantivy (Rust, through its Python bindings), doing what the FTS5 reference does.

Built from the site's SQLite database exactly as ``bench.build_fts5`` reads it, and asked the
same MATCH strings: every match counted, exact counts for every facet (each with the other
facets' filters, drill-sideways), a page of 20 ranked by BM25 (newest first without words),
each with a snippet of the rationale. ``tantivy`` is a dev-only package: imported inside the
functions, so the site never needs it.

Tokenising: ``en_stem`` (split at every non-alphanumeric character, lowercase, Snowball English)
against FTS5's ``porter unicode61`` (the same split, lowercase, the original Porter stemmer). They
differ where the two stemmers conflate different words, for accented letters (unicode61 drops
diacritics, en_stem keeps them) and for words over 40 bytes (en_stem drops them).
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bench import (
    MULTI_FACETS,
    PAGE,
    QUERY_MIX,
    SINGLE_FACETS,
    BenchError,
    BenchQuery,
    ReferenceItem,
    _facet_value,
    folder_mb,
    reference_items,
    time_mix,
)

if TYPE_CHECKING:
    import tantivy

TEXT_FIELDS = ("request", "rationale", "guideline", "drug")  # FTS5's columns; searched when a word names none
WRITER_HEAP_PER_THREAD = 128_000_000  # bytes; tantivy flushes a segment when a thread's share is full
# Per facet and per segment: more values than any facet has, so the counts are exact (the
# guideline sections: 9,800 at 300,000 generated determinations, 15,500 at 1,000,000). Within
# tantivy's own limit of 65,000 buckets a request.
FACET_BUCKETS = 40_000
SNIPPET_CHARS = 250  # about FTS5's snippet of 40 tokens
PREFIX = re.compile(r'("[^"]*")|(\w+)\*')  # a quoted phrase (left alone) or a bare word*


def facet_field(name: str) -> str:
    """A facet's field: prefixed, since ``drug`` and ``guideline`` also name text fields."""
    return f"f_{name}"


def _schema() -> tantivy.Schema:
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:  # stored where the page or the snippet reads them
        builder.add_text_field(name, stored=name in ("request", "rationale"), tokenizer_name="en_stem")
    for name in (*SINGLE_FACETS, *MULTI_FACETS):  # one raw term per value: term filters and exact terms aggregations
        builder.add_text_field(facet_field(name), stored=name == "outcome", fast=True, tokenizer_name="raw",
                               index_option="basic")
    builder.add_integer_field("decision_date", fast=True)  # yyyymmdd, 0 when unknown: the "newest" order
    builder.add_integer_field("overturned", fast=True)  # summed per facet value, as the site shows overturn rates
    builder.add_text_field("case_number", stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


def _fields(item: ReferenceItem) -> dict[str, Any]:
    """One item as a tantivy document's fields: what build_fts5 stores, field for field."""
    return {
        "request": item.request, "rationale": item.rationale, "guideline": item.guideline, "drug": item.drug_names,
        **{facet_field(name): value for name, value in item.single.items() if value is not None},
        **{facet_field(name): sorted(values) for name, values in item.multi.items()},
        "decision_date": item.decision_date, "overturned": item.overturned, "case_number": item.case_number,
    }


def build_tantivy(source: Path, target: Path) -> None:
    """A tantivy index in folder ``target`` over the items of the SQLite database ``source``; one commit."""
    import tantivy

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    schema = _schema()
    index = tantivy.Index(schema, path=str(target), reuse=False)
    threads = os.cpu_count() or 1
    writer = index.writer(heap_size=WRITER_HEAP_PER_THREAD * threads, num_threads=threads)
    for item in reference_items(source):
        writer.add_document(tantivy.Document.from_dict(_fields(item), schema))
    writer.commit()
    writer.wait_merging_threads()  # a merge the commit started is part of the build


def tantivy_match(match: str) -> str:
    """An FTS5 MATCH string in tantivy's query language.

    Words, AND, OR and quoted phrases mean the same in both. A bare prefix ``lum*`` is not one in
    tantivy (its parser drops the star; ``"lum"*`` wants two words), so it becomes a regex on
    each text field's terms: ``(request:/lum.*/ OR ...)``. Like FTS5's, it runs over the stemmed
    terms with the prefix unstemmed; unlike FTS5's, it scores every match alike and the snippet
    marks no word for it.
    """
    def prefix(found: re.Match[str]) -> str:
        if found.group(1):
            return found.group(1)
        word = found.group(2).lower()
        return "(" + " OR ".join(f"{name}:/{word}.*/" for name in TEXT_FIELDS) + ")"

    return PREFIX.sub(prefix, match)


def _filters(schema: tantivy.Schema, filters: dict[str, list[str]], *, skip: str = "") -> list[tantivy.Query]:
    """The chosen values as unscored term queries: any value of a facet, every facet (bench._filter_sql)."""
    import tantivy

    return [tantivy.Query.const_score_query(
                tantivy.Query.term_set_query(schema, facet_field(name), [_facet_value(v) for v in chosen]), 0.0)
            for name, chosen in filters.items() if name != skip and chosen]


def _all_of(queries: list[tantivy.Query]) -> tantivy.Query:
    import tantivy

    if not queries:
        return tantivy.Query.all_query()
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, query) for query in queries])


def _facet_counts(searcher: tantivy.Searcher, schema: tantivy.Schema, words: list[tantivy.Query],
                  filters: dict[str, list[str]]) -> dict[str, list[int]]:
    """Every facet's counts, each over the query with the other facets' filters: one aggregation per scope.

    The facets not filtered on share one scope (all the filters), so they are counted in one pass.
    """
    from search.engine import FACETS

    chosen = {name for name, values in filters.items() if values}
    scopes: dict[str, list[str]] = {}
    for name in FACETS:
        scopes.setdefault(name if name in chosen else "", []).append(name)
    counts: dict[str, list[int]] = {}
    for skip, names in scopes.items():
        request = {name: {"terms": {"field": facet_field(name), "size": FACET_BUCKETS, "segment_size": FACET_BUCKETS},
                          "aggs": {"overturned": {"sum": {"field": "overturned"}}}} for name in names}
        found = searcher.aggregate(_all_of([*words, *_filters(schema, filters, skip=skip)]), request)
        for name in names:
            if found[name]["sum_other_doc_count"]:
                raise BenchError(f"tantivy: facet {name} has more than {FACET_BUCKETS} values; raise FACET_BUCKETS")
            counts[name] = sorted((b["doc_count"] for b in found[name]["buckets"] if b["doc_count"]), reverse=True)
    return {name: counts[name] for name in FACETS}


def tantivy_search(index: tantivy.Index, query: BenchQuery, match: str) -> dict[str, Any]:
    """fts5_search's work on tantivy: count all matches, facet counts over all of them, a page of 20.

    ``match`` is tantivy's query language (tantivy_match of the FTS5 string).
    """
    import tantivy

    searcher = index.searcher()
    schema = index.schema
    words = [index.parse_query(match, list(TEXT_FIELDS), conjunction_by_default=True, allow_regexes=True)] \
        if match else []
    found = searcher.search(_all_of([*words, *_filters(schema, query.filters)]), PAGE, count=True,
                            **({} if match else {"order_by_field": "decision_date", "order": tantivy.Order.Desc}))
    snippets = tantivy.SnippetGenerator.create(searcher, words[0], schema, "rationale") if match else None
    if snippets:
        snippets.set_max_num_chars(SNIPPET_CHARS)
    page = []  # what each result shows, fetched as fts5_search fetches its page
    for _, address in found.hits:
        doc = searcher.doc(address)
        snippet = snippets.snippet_from_doc(doc).to_html() if snippets else doc.get_first("rationale")[:300]
        page.append((doc.get_first("request"), snippet, doc.get_first("case_number"),
                     doc.get_first(facet_field("outcome"))))
    return {"hits": found.count, "shown": len(page),
            "facet_counts": _facet_counts(searcher, schema, words, query.filters)}


def measure_tantivy(*, source: Path, target: Path, repeat: int, names: dict[str, str]) -> dict[str, Any]:
    """measure_fts5 for tantivy: build, open, then the mix round robin; ``matches`` are the strings parsed."""
    import tantivy

    started = time.perf_counter()
    build_tantivy(source, target)
    build_s = time.perf_counter() - started
    index = tantivy.Index.open(str(target))
    matches = {query.name: tantivy_match(names.get(query.name, query.q) if query.drug_names else query.fts)
               for query in QUERY_MIX}
    return {
        "tantivy_build_s": round(build_s, 1),
        "tantivy_mb": folder_mb(target),
        "matches": matches,
        "queries": time_mix(lambda query: tantivy_search(index, query, matches[query.name]), repeat=repeat),
    }
