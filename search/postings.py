"""Whoosh's postings and columns read a block at a time into numpy arrays, and BM25F over them.

Whoosh hands out postings one document at a time through Python calls, and ranks by walking
every match; at a few hundred thousand items a common word costs more in those calls than in
everything else together. These functions read each segment's posting blocks whole (one
unpickle per block of up to 128 documents) and score with vectorised arithmetic: the same
BM25F formula and parameters as ``whoosh.scoring.BM25F``, so the ranking is Whoosh's.

They reach into Whoosh 2.7.4's codec (``W3LeafMatcher``'s block data, the length columns);
the pin in requirements.txt is what makes that safe, and tests compare the results with
Whoosh's own matchers.
"""
from __future__ import annotations

import math

import numpy as np
from whoosh.util.numeric import byte_to_length

B = 0.75  # whoosh.scoring.BM25F's defaults
K1 = 1.2

# Whoosh stores a field's length per document as one byte; this decodes all 256 at once.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def leaves(reader) -> list[tuple[object, int]]:
    """(segment reader, first document number) of each segment."""
    return reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]


def leaf_postings(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of one term in one segment, deleted documents included
    (callers mask them with the live array)."""
    if not hasattr(leaf, "_terms") or (fieldname, btext) not in leaf:  # an empty index's reader has none
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    matcher = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
    docs: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    while matcher.is_active():
        matcher._read_data()
        ids, block_weights = matcher._data[0], matcher._data[1]
        block = np.asarray(ids, dtype=np.int64)
        docs.append(block if matcher._byteids else np.cumsum(block))
        if block_weights is None:
            weights.append(np.ones(len(block), dtype=np.float32))
        elif isinstance(block_weights, float):
            weights.append(np.full(len(block), block_weights, dtype=np.float32))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float32))
        matcher._next_block()
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(docs), np.concatenate(weights)


def _raw_column(leaf, name: str, count: int, dtype: str) -> np.ndarray | None:
    """One segment's fixed-width numeric column as an array, or None if it has none."""
    perdoc = getattr(leaf, "_perdoc", None)  # an empty index's reader has none
    if perdoc is None or not perdoc.has_column(name):
        return None
    dbfile, base, length = perdoc._get_column_file(name)
    try:
        width = np.dtype(dtype).itemsize
        stored = min(length // width, count)
        values = np.frombuffer(bytes(dbfile.get(base, stored * width)), dtype=dtype)
    finally:
        dbfile.close()
    if stored < count:  # documents after the last stored value have the default, 0
        values = np.concatenate([values, np.zeros(count - stored, dtype=values.dtype)])
    return values


def leaf_numeric_column(leaf, name: str, dtype: str, *, missing: int = 0) -> np.ndarray:
    """One segment's numeric column (``columns.NumericColumn``, stored big-endian), in native
    order; ``missing`` everywhere if the segment was written before the column existed."""
    native = np.dtype(dtype).newbyteorder("=")
    count = leaf.doc_count_all()
    values = _raw_column(leaf, name, count, dtype)
    return np.full(count, missing, dtype=native) if values is None else values.astype(native)


def leaf_field_lengths(leaf, fieldname: str) -> np.ndarray:
    """Each document's length in ``fieldname`` (as Whoosh stores it: one byte, approximated)."""
    count = leaf.doc_count_all()
    values = _raw_column(leaf, f"_{fieldname}_len", count, "u1")
    return np.zeros(count, dtype=np.float32) if values is None else _LENGTH_OF_BYTE[values]


def idf(live_docs: int, doc_frequency: int) -> float:
    """whoosh.scoring.WeightingModel.idf."""
    return math.log(live_docs / (doc_frequency + 1)) + 1


def bm25(weights: np.ndarray, lengths: np.ndarray, term_idf: float, average_length: float) -> np.ndarray:
    """whoosh.scoring.bm25, over arrays."""
    average_length = average_length or 1.0
    return term_idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / average_length))


def top(scores: np.ndarray, docnums: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (document, score), best first; ties go to the lower document number."""
    if len(docnums) > limit:
        best = np.argpartition(-scores, limit - 1)[:limit]
        scores, docnums = scores[best], docnums[best]
    order = np.lexsort((docnums, -scores))
    return [(int(docnums[i]), float(scores[i])) for i in order]
