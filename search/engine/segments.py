"""What each Whoosh segment holds, read once and kept for as long as the segment lives.

A segment never changes after it is written; only its deletions do, and those are applied
per searcher version (the live array). An ingest adds a small segment and sometimes merges
a few small ones, so after one a web worker reads just those, not the whole index again:
the facet values, the date and length columns, and the postings of the words recent queries
asked for.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from . import whoosh_internals as internals
from .scoring import LENGTH_OF_BYTE


@dataclass
class Segment:
    count: int
    columns: dict[str, np.ndarray] = field(default_factory=dict)  # name -> value per document
    lengths: dict[str, np.ndarray] = field(default_factory=dict)  # scorable field -> length per document
    facets: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # field -> value -> documents


# Numeric columns read per segment: name -> (stored type, value where a segment lacks it).
COLUMNS = {"decision_date": (">i4", 0), "added": (">i8", 0), "starts": ("u1", 1)}

Postings = tuple[np.ndarray, np.ndarray]  # (document numbers, weights)


def _read_segment(leaf, facet_fields: list[str]) -> Segment:
    read = Segment(leaf.doc_count_all())
    for name, (dtype, missing) in COLUMNS.items():
        read.columns[name] = internals.leaf_numeric_column(leaf, name, dtype, missing=missing)
    for name, fieldobj in leaf.schema.items():
        if fieldobj.scorable:
            raw = internals.leaf_length_bytes(leaf, name)
            read.lengths[name] = np.zeros(read.count, dtype=np.float32) if raw is None else LENGTH_OF_BYTE[raw]
    for fieldname in facet_fields:
        read.facets[fieldname] = {term.decode("utf-8"): internals.leaf_postings(leaf, fieldname, term)[0]
                                  for term in internals.leaf_terms(leaf, fieldname)}
    return read


class SegmentStore:
    """Per process: each live segment's arrays, and a byte-bounded LRU of term postings."""

    def __init__(self, term_budget: int):
        self.lock = threading.Lock()
        self.segments: dict[str, Segment] = {}
        self.terms: OrderedDict[tuple, Postings] = OrderedDict()
        self.term_bytes = 0
        self.term_budget = term_budget
        self.words: dict[tuple[str, str], object] = {}  # (segment, field) -> expand.Words

    def segment(self, leaf, facet_fields: list[str]) -> Segment:
        key = internals.segment_id(leaf)
        with self.lock:
            if key is not None and (known := self.segments.get(key)) is not None:
                return known
        read = _read_segment(leaf, facet_fields)
        if key is not None:
            with self.lock:
                self.segments[key] = read
        return read

    def words_of(self, leaf, fieldname: str, make) -> object:
        """One segment's words of ``fieldname``, made by ``make(list of words)`` once and kept."""
        key = (internals.segment_id(leaf), fieldname)
        with self.lock:
            if (known := self.words.get(key)) is not None:
                return known
        made = make([term.decode("utf-8") for term in internals.leaf_terms(leaf, fieldname)])
        if key[0] is not None:
            with self.lock:
                self.words[key] = made
        return made

    def postings(self, reader, fieldname: str, btext: bytes) -> Postings:
        """(document numbers, weights) of a term over the whole index, from each segment's kept copy."""
        leaves = internals.identified_leaves(reader)
        keys = [(segment, fieldname, btext) for _, _, segment in leaves]
        with self.lock:  # once for every segment
            kept = [self.terms.get(key) for key in keys]
            for key, found in zip(keys, kept):
                if found is not None:
                    self.terms.move_to_end(key)
        docs, weights = [], []
        for (leaf, offset, _), key, found in zip(leaves, keys, kept):
            if found is None:
                found = internals.leaf_postings(leaf, fieldname, btext)
                self._keep(key, found)
            if len(found[0]):
                docs.append(found[0] + offset)
                weights.append(found[1])
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(docs), np.concatenate(weights)

    def _keep(self, key: tuple, found: Postings) -> None:
        if key[0] is None:
            return
        with self.lock:
            if key in self.terms:
                return
            self.terms[key] = found
            self.term_bytes += found[0].nbytes + found[1].nbytes
            while self.term_bytes > self.term_budget and len(self.terms) > 1:
                docs, weights = self.terms.popitem(last=False)[1]
                self.term_bytes -= docs.nbytes + weights.nbytes

    def keep_only(self, live_ids: set[str]) -> None:
        """Forget segments that merges or a reindex have replaced."""
        with self.lock:
            for key in [key for key in self.segments if key not in live_ids]:
                del self.segments[key]
            for key in [key for key in self.words if key[0] not in live_ids]:
                del self.words[key]
            for key in [key for key in self.terms if key[0] not in live_ids]:
                docs, weights = self.terms.pop(key)
                self.term_bytes -= docs.nbytes + weights.nbytes
