"""Facet values as bitmaps: a value's documents as bits, counted against a search's matches with
a popcount, for the facets with few values.

Counting a facet over its (document, value) pairs reads every pair each search; a facet with
few values (outcome, category, states...) is cheaper as one bitmap per value: at 690,000 items
a value's bitmap is 86 KB, and ANDing it with the matches' bitmap and counting the bits costs
microseconds, where gathering a million pairs costs milliseconds. A facet with thousands of
values (guideline sections) stays with its pairs: ``wanted`` decides by the bytes each way reads.
"""
from __future__ import annotations

import numpy as np

BITS = 64


def words(doc_count: int) -> int:
    return -(-doc_count // BITS)


def pack(mask: np.ndarray) -> np.ndarray:
    """A boolean per document as bits: bit d % 64 of word d // 64."""
    packed = np.packbits(mask, bitorder="little")
    out = np.zeros(words(len(mask)) * 8, dtype=np.uint8)
    out[:len(packed)] = packed
    return out.view(np.uint64)


def wanted(values: int, pairs: int, doc_count: int) -> bool:
    """Whether bitmaps count this facet cheaper than its pairs: the words every value's bitmap
    holds against the pairs (a pair read costs about what two words do)."""
    return values * words(doc_count) <= 2 * pairs


def value_bitmaps(docs: np.ndarray, offsets: np.ndarray, doc_count: int) -> np.ndarray:
    """(values, words): row v has the bits of ``docs[offsets[v]:offsets[v + 1]]``."""
    maps = np.zeros((len(offsets) - 1, words(doc_count)), dtype=np.uint64)
    mask = np.zeros(doc_count, dtype=bool)
    for value in range(len(offsets) - 1):
        ids = docs[offsets[value]:offsets[value + 1]]
        mask[ids] = True
        maps[value] = pack(mask)
        mask[ids] = False
    return maps


def for_facet(docs: np.ndarray, offsets: np.ndarray, doc_count: int) -> np.ndarray | None:
    """A facet's bitmaps (its pairs' documents in value order, ``offsets`` per value), or None
    where its pairs count it cheaper."""
    if not wanted(len(offsets) - 1, len(docs), doc_count):
        return None
    return value_bitmaps(docs, offsets, doc_count)


def counts(maps: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Per value (row of ``maps``), how many of its documents ``bits`` holds."""
    return np.bitwise_count(maps & bits).sum(axis=1, dtype=np.int64)
