"""A facet is counted three ways: bitmaps per value (few values), its pairs over the matches, or
its pairs outside them taken from the whole (most documents matched). All three count alike; the
stored records are the expected values (tests/test_search.py holds the default way to them)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from search import engine
from search.engine import bitsets, searcher
from search.engine.results import SearchParams
from search.engine.segments import FacetTable

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db

SEARCHES = [
    SearchParams(),  # everything: the complement is empty
    SearchParams(filters={"outcome": ["Upheld"]}),  # most items: counted from outside
    SearchParams(q="norco"),  # a few
    SearchParams(q="pain", filters={"state": ["california"], "outcome": ["Overturned"]}),
    SearchParams(q="opioids /s monitoring"),
]


@pytest.fixture
def corpus(ingested):
    ingested(SEEDS, DWC)


def facets_of(params: SearchParams) -> dict:
    engine.clear_result_cache()
    return engine.search(params).facets


def test_bitmaps_and_pairs_count_every_facet_alike(corpus, monkeypatch):
    version = searcher.current().version
    assert version.bitmaps  # the small corpus has every facet as bitmaps
    by_bitmaps = [facets_of(params) for params in SEARCHES]
    pairs_version = dataclasses.replace(version, bitmaps={}, tallies={}, results=type(version.results)())
    monkeypatch.setattr(searcher.current(), "version", pairs_version)
    by_pairs = [facets_of(params) for params in SEARCHES]
    assert by_pairs == by_bitmaps
    assert any(v.count for facets in by_pairs for values in facets.values() for v in values)


@pytest.mark.parametrize("doc_count", [1, 63, 64, 65, 1000])
def test_a_bitmap_count_is_the_count_of_documents_in_both(doc_count):
    rng = np.random.default_rng(doc_count)
    values = rng.random((5, doc_count)) < 0.3
    within = rng.random(doc_count) < 0.5
    docs = np.concatenate([np.flatnonzero(row) for row in values])
    offsets = np.concatenate([[0], np.cumsum(values.sum(axis=1))])
    maps = bitsets.value_bitmaps(docs, offsets, doc_count)
    assert bitsets.counts(maps, bitsets.pack(within)).tolist() == (values & within).sum(axis=1).tolist()


def test_bitmaps_are_chosen_for_few_values_and_pairs_for_many():
    assert bitsets.wanted(values=9, pairs=690_000, doc_count=690_000)  # a category per item
    assert not bitsets.wanted(values=2_761, pairs=955_692, doc_count=690_000)  # guideline sections


def naive_pairs(tables: list[tuple[FacetTable, int]], live: np.ndarray) -> tuple[list[str], list[int], list[int]]:
    """Each value's live documents over every segment, value by value: what the arrays must hold."""
    documents: dict[str, list[int]] = {}
    for table, offset in tables:
        start = 0
        for value, count in zip(table.values, table.counts.tolist()):
            ids = table.ids[start:start + count].tolist()
            documents.setdefault(value, []).extend(offset + d for d in ids if live[offset + d])
            start += count
    values = sorted(documents)
    docs = [d for value in values for d in sorted(documents[value])]
    codes = [code for code, value in enumerate(values) for _ in documents[value]]
    return values, docs, codes


def segment_table(rng, names: list[str], count: int) -> FacetTable:
    """A segment of ``count`` documents holding some of ``names``, each on one to four of them."""
    held = sorted(rng.choice(names, size=min(len(names), 30_000), replace=False).tolist())
    drawn = rng.integers(0, count, size=(len(held), 4)).tolist()
    ids = [sorted(set(row[:n])) for row, n in zip(drawn, rng.integers(1, 5, size=len(held)).tolist())]
    return FacetTable(held, np.array([d for row in ids for d in row], dtype=np.int64),
                      np.array([len(row) for row in ids], dtype=np.int64))


@pytest.mark.parametrize("names", [40, 70_000])  # codes sorted as 16-bit numbers, and as 32-bit
def test_a_facets_pairs_over_segments_are_each_values_live_documents_in_order(names):
    rng = np.random.default_rng(names)
    vocabulary = [f"value {n:06d}" for n in range(names)] + ["Zeta", "ábaco", "ärzte"]
    sizes = [50, 1, 200, 30]
    tables = [(segment_table(rng, vocabulary, size), offset)
              for size, offset in zip(sizes, np.cumsum([0, *sizes[:-1]]).tolist())]
    live = rng.random(sum(sizes)) < 0.7
    values, docs, codes = searcher._facet_pairs(tables, live)
    assert (values, docs.tolist(), codes.tolist()) == naive_pairs(tables, live)
    assert docs.dtype == np.int64 and codes.dtype == np.int32


def test_a_value_whose_documents_are_all_deleted_keeps_its_code_with_none():
    tables = [(FacetTable(["a", "b"], np.array([0, 1, 2]), np.array([2, 1])), 0),
              (FacetTable(["b", "c"], np.array([0, 1]), np.array([1, 1])), 3)]
    live = np.array([True, False, False, True, False])
    values, docs, codes = searcher._facet_pairs(tables, live)
    assert values == ["a", "b", "c"]
    assert docs.tolist() == [0, 3] and codes.tolist() == [0, 1]
