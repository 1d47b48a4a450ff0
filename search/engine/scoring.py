"""BM25F over arrays: the same formula and parameters as ``whoosh.scoring.BM25F``, so the
ranking is Whoosh's, computed for every matching document at once."""
from __future__ import annotations

import math

import numpy as np
from whoosh.util.numeric import byte_to_length

B = 0.75  # whoosh.scoring.BM25F's defaults
K1 = 1.2

# Whoosh stores a field's length per document as one byte; this decodes all 256 at once.
LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def idf(live_docs: int, doc_frequency: int) -> float:
    """whoosh.scoring.WeightingModel.idf."""
    return math.log(live_docs / (doc_frequency + 1)) + 1


def bm25(weights: np.ndarray, lengths: np.ndarray, term_idf: float, average_length: float) -> np.ndarray:
    """whoosh.scoring.bm25, over arrays."""
    average_length = average_length or 1.0
    return term_idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / average_length))


def top(scores: np.ndarray, docnums: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (document, score), best first; ties go to the lower document number."""
    if len(docnums) > limit > 0:
        chosen = _best(scores, docnums, limit)
        scores, docnums = scores[chosen], docnums[chosen]
    order = np.lexsort((docnums, -scores))[:max(limit, 0)]
    return [(int(docnums[i]), float(scores[i])) for i in order]


SAMPLED = 32  # a sample of about SAMPLED * limit scores bounds the best ``limit`` from below


def _best(scores: np.ndarray, docnums: np.ndarray, limit: int) -> np.ndarray:
    """Where the ``limit`` best scores are (ties to the lower document number), in no order.

    A common word matches most of the index, and a partition of all its scores cost more than
    the rest of its ranking. Any ``limit`` scores of a sample are scores of the whole, so the
    sample's ``limit``-th best is at most the whole's: only scores at or above it are partitioned."""
    step = len(scores) // (SAMPLED * limit)
    if step > 1:
        sample = scores[::step]
        bound = np.partition(sample, len(sample) - limit)[len(sample) - limit]
        candidates = np.flatnonzero(scores >= bound)
    else:
        candidates = np.arange(len(scores))
    found = scores[candidates]
    kth = np.partition(found, len(found) - limit)[len(found) - limit]  # the limit-th best score
    above, tied = candidates[found > kth], candidates[found == kth]
    tied = tied[np.argsort(docnums[tied], kind="stable")[:limit - len(above)]]
    return np.concatenate([above, tied])
