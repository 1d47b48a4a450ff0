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
