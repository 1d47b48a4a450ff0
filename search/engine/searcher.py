"""One searcher per process, and the arrays of its version: reopened only when the index changed.

Facet counts, filters, dates and ranking all work on per-document numpy arrays built once per
searcher version from each segment's kept arrays (segments.py): Whoosh's own grouping and
scoring paths walk every match in Python, orders of magnitude slower on large result sets.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index as windex

from . import bitsets
from . import whoosh_internals as internals
from .expand import Words
from .folder import live_index
from .published import ValuePostings, load, pair_keys, pending, value_offsets
from .results import IndexedItem, IndexMissing
from .schema import FACETS, PAIR_FIELDS, SCHEMA, SHARED_FIELDS, facet_field
from .scoring import bm25, idf
from .segments import COLUMNS, FacetTable, KeptPostings, Postings, SegmentStore

# Postings kept from earlier queries, least recently used dropped first: 12 bytes a document
# (a common word over 1,000,000 determinations, 1.6 million items, is 20 MB in each field it is
# in). Each segment's share, the whole index's and the BM25 scores are kept apart, so a budget
# holds as many terms as the index is large: at 1,000,000 determinations the bench's mix alone
# kept 154 MB of segments' postings and about 140 MB each of whole-index postings and scores,
# and a fixed 128 MB made every query of the mix read its postings again (p95 0.5-1.7 s
# instead of 0.05-0.12 s).
TERM_CACHE_BYTES = 128 * 1024 * 1024  # the least, for a small index
TERM_CACHE_BYTES_PER_DOCUMENT = 192  # the segments' postings; the whole index's and the scores each half of it


def term_budget(doc_count: int) -> int:
    """Bytes of segments' postings a process keeps for an index of ``doc_count`` documents (items)."""
    return max(TERM_CACHE_BYTES, doc_count * TERM_CACHE_BYTES_PER_DOCUMENT)


@dataclass
class Version:
    """Per searcher version: document facet codes, as (document, code) pairs per facet, and
    what ranking needs (field lengths and averages), all indexed by document number."""

    doc_count: int
    live: np.ndarray  # bool per document number: not deleted
    decision_date: np.ndarray  # int32 yyyymmdd per document number
    added: np.ndarray  # int64 epoch milliseconds per document number
    overturned: np.ndarray  # bool per document number
    values: dict[str, list[str]] = field(default_factory=dict)  # facet -> code -> value
    pair_docs: dict[str, np.ndarray] = field(default_factory=dict)
    # Beside each pair, its value's code and whether its document was overturned, as one number
    # (code * 2 + overturned): one count gives a facet's items and overturned items together.
    pair_keys: dict[str, np.ndarray] = field(default_factory=dict)
    postings: dict[str, ValuePostings] = field(default_factory=dict)  # facet -> value -> docs
    lengths: dict[str, np.ndarray] = field(default_factory=dict)  # scorable field -> length per document
    average_length: dict[str, float] = field(default_factory=dict)
    has_pairs: bool = False  # built before PAIR_FIELDS existed: phrases walk positions instead
    # Each document's determination (an ordinal) and the document that carries that
    # determination's SHARED_FIELDS; in an index built before that, every document its own.
    group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    carrier: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Facets with few values, as one bitmap per value (bitsets.py): facet -> (values, words).
    bitmaps: dict[str, np.ndarray] = field(default_factory=dict)
    overturned_bits: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    # Each facet's count over every document (facets._tally), made when first wanted.
    tallies: dict[str, np.ndarray] = field(default_factory=dict)
    # Results of this searcher version: dropped with it when the index changes.
    results: OrderedDict = field(default_factory=OrderedDict)
    # What callers derive from this version's values (version_memo), dropped with it too.
    memos: dict[str, dict] = field(default_factory=dict)
    # Recent terms' (documents, BM25F scores): a term's score in a document depends only on the version.
    scores: KeptPostings = field(default_factory=lambda: KeptPostings(TERM_CACHE_BYTES // 2))

    @property
    def live_count(self) -> int:
        return int(np.count_nonzero(self.live))


def _joined(arrays: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def _facet_pairs(tables: list[tuple[FacetTable, int]], live: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """A facet's values over every segment (sorted: a value's code is its place) and its live
    (document, code) pairs, in code order and, within a code, in document order. Each segment's
    pairs are put together with a few array operations, not one per value: at 1,000,000
    determinations (500 segments, thousands of guideline sections in each) that loop was most
    of what publishing a commit cost."""
    values = sorted(set().union(*(table.values for table, _ in tables)))
    code_of = {value: code for code, value in enumerate(values)}
    docs = _joined([table.ids + offset for table, offset in tables], np.int64)
    codes = _joined([np.repeat(np.fromiter(map(code_of.__getitem__, table.values), np.int32, len(table.values)),
                               table.counts) for table, _ in tables], np.int32)
    kept = live[docs]
    docs, codes = docs[kept], codes[kept]
    # A stable sort keeps each code's documents in segment order, so ascending; fewer than
    # 65,536 codes sort as 16-bit numbers, which numpy sorts by radix.
    order = np.argsort(codes.astype(np.uint16) if len(values) <= 1 << 16 else codes, kind="stable")
    return values, docs[order], codes[order]


def build_version(searcher, store: SegmentStore) -> Version:
    """The arrays of one searcher version, put together from each segment's kept arrays."""
    reader = searcher.reader()
    leaves = internals.leaves(reader)
    facet_fields = [facet_field(name) for name in FACETS]
    parts = [(store.segment(leaf, facet_fields), offset) for leaf, offset in leaves]
    store.keep_only({internals.segment_id(leaf) for leaf, _ in leaves})
    count = reader.doc_count_all()
    live = internals.live_mask(reader)

    columns = {name: _joined([part.columns[name] for part, _ in parts], np.int64) for name in COLUMNS}
    version = Version(count, live, columns["decision_date"], columns["added"], np.zeros(count, dtype=bool))
    for name in FACETS:
        fieldname = facet_field(name)
        values, docs, codes = _facet_pairs([(part.facets[fieldname], offset) for part, offset in parts], live)
        version.values[name] = values
        version.pair_docs[name] = docs
        version.pair_keys[name] = codes  # the codes, until the outcomes are known
        version.postings[name] = ValuePostings(values, docs, value_offsets(codes, len(values)))
    if (over := version.postings["outcome"].get("overturned")) is not None:
        version.overturned[over] = True
    for name in FACETS:
        version.pair_keys[name] = pair_keys(version.pair_keys[name], version.pair_docs[name], version.overturned)
        if (maps := bitsets.for_facet(version.pair_docs[name], version.postings[name].offsets, count)) is not None:
            version.bitmaps[name] = maps
    version.overturned_bits = bitsets.pack(version.overturned)
    for name, fieldobj in searcher.schema.items():
        if fieldobj.scorable:
            version.lengths[name] = _joined([part.lengths[name] for part, _ in parts], np.float32)
            version.average_length[name] = searcher.avg_field_length(name)
    version.has_pairs = all(pairs in searcher.schema for pairs in PAIR_FIELDS.values())
    starts = columns["starts"].copy()
    starts[:1] = 1
    version.group = np.cumsum(starts, dtype=np.int64) - 1
    version.carrier = np.flatnonzero(starts)[version.group]
    holders = max(1, int(np.count_nonzero(live & (starts == 1))))
    for name in SHARED_FIELDS & version.lengths.keys():  # averaged over the documents that hold it
        version.average_length[name] = float(reader.field_length(name)) / holders
    return version


@dataclass
class Context:
    """One searcher version and what it reads through: what every query step works on."""

    searcher: object
    version: Version
    store: SegmentStore

    @property
    def reader(self):
        return self.searcher.reader()

    def postings(self, fieldname: str, text) -> Postings:
        """(document numbers, weights) of a term, each segment's share read once and kept."""
        btext = text if isinstance(text, bytes) else SCHEMA[fieldname].to_bytes(text)
        return self.store.postings(self.reader, fieldname, btext)

    def term_scores(self, fieldname: str, text) -> Postings:
        """(document numbers, BM25F score) of a term in a scorable field, worked out once per version."""
        btext = text if isinstance(text, bytes) else SCHEMA[fieldname].to_bytes(text)
        version = self.version
        if (kept := version.scores.get((fieldname, btext))) is not None:
            return kept
        docs, weights = self.postings(fieldname, btext)
        term_idf = idf(version.live_count, int(np.count_nonzero(version.live[docs])))
        scored = docs, bm25(weights, version.lengths[fieldname][docs], term_idf, version.average_length[fieldname])
        version.scores.put((fieldname, btext), scored)
        return scored

    def has_term(self, fieldname: str, text) -> bool:
        """Whether any segment holds the term (answered once per version, absences kept longer)."""
        btext = text if isinstance(text, bytes) else text.encode("utf-8")
        return self.store.has_term(self.reader, fieldname, btext)

    def words(self, fieldname: str) -> list[Words]:
        """Each segment's words of ``fieldname``, sorted, for expanding wildcards (expand.py)."""
        return [self.store.words_of(leaf, fieldname, Words.of) for leaf, _ in internals.leaves(self.reader)]

    def stored(self, docnum: int) -> dict:
        """What a result shows of a document (the one stored value)."""
        fields = self.searcher.stored_fields(int(docnum))
        return fields.get("hit", fields)


class _Reader:
    """The process's searcher and its version's arrays, reopened only when the index changed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.context: Context | None = None
        self.target: Path | None = None
        self.store = SegmentStore(TERM_CACHE_BYTES)

    def get(self) -> Context:
        with self.lock:
            target = live_index()
            held = self.context.searcher if self.context is not None else None
            if held is not None and target == self.target and (held.up_to_date() or pending(target)):
                return self.context  # unchanged, or its next generation's arrays are being published
            try:
                if held is not None and target == self.target:
                    # refresh() reuses the old searcher's segment readers: never close it here.
                    searcher = held.refresh()
                else:
                    searcher = windex.open_dir(str(target)).searcher()
                    if held is not None:  # the index was swapped by a rebuild
                        held.close()
            except Exception as error:  # a corrupt or vanished index folder
                # The message is for the page: it names the mending command, not the server's paths.
                raise IndexMissing(
                    f"the search index cannot be opened ({type(error).__name__}); run: python manage.py reindex"
                ) from error
            self.target = target
            version = load(target, searcher.reader()) or build_version(searcher, self.store)
            self.store.fit(term_budget(version.doc_count))
            version.scores.resize(self.store.term_budget // 2)
            self.context = Context(searcher, version, self.store)
            return self.context

    def current(self) -> Context | None:
        """The open context, if any, without checking for a newer index."""
        return self.context


_reader = _Reader()


def current() -> Context:
    """This process's searcher on the live index, refreshed if the index changed since."""
    return _reader.get()


def version_memo(name: str) -> dict:
    """A dict kept with the current searcher version and dropped with it when the index changes,
    for what the site derives from the values it holds (the names of its cited sections)."""
    return current().version.memos.setdefault(name, {})


def opened() -> Context | None:
    return _reader.current()


def reset() -> None:
    """Forget the process's searcher (tests switch data folders; a benchmark times a worker's start)."""
    global _reader
    _reader = _Reader()


def indexed_items() -> Iterator[IndexedItem]:
    """Every live document of the index, as (key, version indexed, digest), for a check against the truth."""
    reader = current().searcher.reader()
    for docnum in reader.all_doc_ids():
        fields = reader.stored_fields(docnum)["hit"]
        yield IndexedItem(fields["key"], fields["added"], fields.get("digest", ""))
