"""What each Whoosh segment holds, read once and kept for as long as the segment lives.

A segment never changes after it is written; only its deletions do, and those are applied
per searcher version (the live array). An ingest adds a small segment and sometimes merges
a few small ones, so after one a web worker reads just those, not the whole index again:
the facet values, the date and length columns, and the postings of the words recent queries
asked for.
"""
from __future__ import annotations

import logging
import os
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import whoosh_internals as internals
from .scoring import LENGTH_OF_BYTE

log = logging.getLogger("imr.engine")


@dataclass
class FacetTable:
    """One segment's values of a facet field, sorted, and their documents (deleted ones too):
    the first ``counts[0]`` of ``ids`` are the first value's, the next ``counts[1]`` the second's..."""

    values: list[str]
    ids: np.ndarray  # int64 document numbers, by value, then ascending
    counts: np.ndarray  # int64 documents per value


@dataclass
class Segment:
    count: int
    columns: dict[str, np.ndarray] = field(default_factory=dict)  # name -> value per document
    lengths: dict[str, np.ndarray] = field(default_factory=dict)  # scorable field -> length per document
    facets: dict[str, FacetTable] = field(default_factory=dict)  # field -> its values and their documents


# Numeric columns read per segment: name -> (stored type, value where a segment lacks it).
COLUMNS = {"decision_date": (">i4", 0), "added": (">i8", 0), "starts": ("u1", 1)}

Postings = tuple[np.ndarray, np.ndarray]  # (document numbers, weights)
NO_POSTINGS: Postings = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
# What a kept term costs beside its arrays (key, tuple, array headers), so that kept absences,
# which have no bytes of their own, still count against the budget.
KEPT_TERM_BYTES = 400


def _read_segment(leaf, facet_fields: list[str]) -> Segment:
    read = Segment(leaf.doc_count_all())
    for name, (dtype, missing) in COLUMNS.items():
        read.columns[name] = internals.leaf_numeric_column(leaf, name, dtype, missing=missing)
    for name, fieldobj in leaf.schema.items():
        if fieldobj.scorable:
            raw = internals.leaf_length_bytes(leaf, name)
            read.lengths[name] = np.zeros(read.count, dtype=np.float32) if raw is None else LENGTH_OF_BYTE[raw]
    for fieldname in facet_fields:
        terms = internals.leaf_terms(leaf, fieldname)
        found = [internals.leaf_postings(leaf, fieldname, term)[0] for term in terms]
        read.facets[fieldname] = FacetTable([term.decode("utf-8") for term in terms],
                                            np.concatenate(found) if found else np.zeros(0, dtype=np.int64),
                                            np.array([len(ids) for ids in found], dtype=np.int64))
    return read


# Each segment's arrays, saved beside the index by the writer once it has read them, so the next
# process that needs them (an ingest's indexer, a worker without published arrays) loads a file
# instead of walking every facet term's postings: at 1,000,000 determinations (500 segments) that
# walk took 21 s, the most of a 2,000-determination ingest's 55 s. A segment never changes (its
# deletions are applied per version), so its file is good for as long as the segment lives.
SAVED = Path("arrays") / "segments"
SAVED_FORMAT = 1


def _saved_path(leaf) -> Path | None:
    folder, segment = internals.leaf_folder(leaf), internals.segment_id(leaf)
    return folder / SAVED / f"{segment}.{SAVED_FORMAT}.npz" if folder and segment else None


def _save(path: Path, read: Segment) -> None:
    arrays = {"count": np.array(read.count)}
    arrays.update({f"columns.{name}": values for name, values in read.columns.items()})
    arrays.update({f"lengths.{name}": values for name, values in read.lengths.items()})
    for fieldname, table in read.facets.items():
        encoded = [value.encode("utf-8") for value in table.values]  # not a fixed-width array: keys are long
        arrays[f"text.{fieldname}"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        arrays[f"sizes.{fieldname}"] = np.array([len(value) for value in encoded], dtype=np.int64)
        arrays[f"ids.{fieldname}"] = table.ids
        arrays[f"counts.{fieldname}"] = table.counts
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with scratch.open("wb") as out:
            np.savez(out, **arrays)
        os.replace(scratch, path)  # a reader sees the whole file or none
    except OSError as error:  # a read-only or full disk: the next process reads the segment again
        scratch.unlink(missing_ok=True)
        log.warning("could not save a segment's arrays in %s (%s)", path.parent, error)


def _load(path: Path, leaf, facet_fields: list[str]) -> Segment | None:
    """The segment's saved arrays, if saved and they hold what is asked for; else None."""
    scorable = [name for name, fieldobj in leaf.schema.items() if fieldobj.scorable]
    try:
        with np.load(path, allow_pickle=False) as saved:
            read = Segment(int(saved["count"]))
            if read.count != leaf.doc_count_all():
                return None
            read.columns = {name: saved[f"columns.{name}"] for name in COLUMNS}
            read.lengths = {name: saved[f"lengths.{name}"] for name in scorable}
            for fieldname in facet_fields:
                text, sizes = saved[f"text.{fieldname}"].tobytes(), saved[f"sizes.{fieldname}"].tolist()
                ends = np.cumsum(sizes).tolist()
                values = [text[end - size:end].decode("utf-8") for end, size in zip(ends, sizes)]
                read.facets[fieldname] = FacetTable(values, saved[f"ids.{fieldname}"], saved[f"counts.{fieldname}"])
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):  # not saved or whole, another version's
        return None
    return read


def prune_saved(index_path: Path, live: set[str]) -> None:
    """Delete the saved arrays of segments the index no longer has (merged away), and any a
    writer left half-written."""
    folder = index_path / SAVED
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name.startswith(".") or path.name.split(".", 1)[0] not in live:
            path.unlink(missing_ok=True)


class SegmentStore:
    """Per process: each live segment's arrays, and a byte-bounded LRU of term postings.
    The writer's store (``saves``) saves each segment's arrays it reads for later processes."""

    def __init__(self, term_budget: int, *, saves: bool = False):
        self.saves = saves
        self.lock = threading.Lock()
        self.segments: dict[str, Segment] = {}
        self.terms = KeptPostings(term_budget)  # (segment, field, term) -> that segment's postings
        self.term_budget = term_budget
        self.words: dict[tuple[str, str], object] = {}  # (segment, field) -> expand.Words

    def fit(self, term_budget: int) -> None:
        """Keep up to ``term_budget`` bytes of segments' postings from now on (the index grew or shrank)."""
        self.term_budget = term_budget
        self.terms.resize(term_budget)

    def segment(self, leaf, facet_fields: list[str]) -> Segment:
        key = internals.segment_id(leaf)
        with self.lock:
            if key is not None and (known := self.segments.get(key)) is not None:
                return known
        path = _saved_path(leaf)
        read = _load(path, leaf, facet_fields) if path else None
        if read is None:
            read = _read_segment(leaf, facet_fields)
            if path and self.saves:
                _save(path, read)
        if key is not None:
            with self.lock:
                self.segments[key] = read
        return read

    def kept_words(self, leaf, fieldname: str) -> object | None:
        """What ``words_of`` made of one segment's words of ``fieldname``, if it is kept; else None."""
        with self.lock:
            return self.words.get((internals.segment_id(leaf), fieldname))

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
        """(document numbers, weights) of a term over the whole index, from each segment's kept
        copy, and kept whole for the reader's life: a query reads each term once to match and
        again to score, and a drug's names come back in every query for it."""
        merged = self._merged(reader)
        if (found := merged.get((fieldname, btext))) is not None:
            return found
        found = self._gather(reader, fieldname, btext)
        merged.put((fieldname, btext), found)
        return found

    def _merged(self, reader) -> KeptPostings:
        return internals.kept_on_reader(reader, "merged postings", lambda: KeptPostings(self.term_budget // 2))

    def _gather(self, reader, fieldname: str, btext: bytes) -> Postings:
        leaves = internals.identified_leaves(reader)
        keys = [(segment, fieldname, btext) for _, _, segment in leaves]
        kept = self.terms.get_many(keys)
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

    def has_term(self, reader, fieldname: str, btext: bytes) -> bool:
        """Whether any segment holds the term. A drug's other names are looked up in every text
        field and most are absent: each absence found in a segment is kept as empty postings, so
        the next query asking (in this searcher version or a later one) does not look again."""
        known = internals.reader_memo(reader, "contains")
        if (answer := known.get((fieldname, btext))) is None:
            answer = known[fieldname, btext] = self._has_term(reader, fieldname, btext)
        return answer

    def _has_term(self, reader, fieldname: str, btext: bytes) -> bool:
        leaves = internals.identified_leaves(reader)
        keys = [(segment, fieldname, btext) for _, _, segment in leaves]
        kept = self.terms.get_many(keys)
        for (leaf, _, _), key, found in zip(leaves, keys, kept):
            if found is None:
                if internals.has_segment(leaf) and (fieldname, btext) in leaf:
                    return True
                self._keep(key, NO_POSTINGS)
            elif len(found[0]):
                return True
        return False

    def _keep(self, key: tuple, found: Postings) -> None:
        if key[0] is not None:  # a segment with no lasting id (an empty index's) is not kept
            self.terms.put(key, found)

    def keep_only(self, live_ids: set[str]) -> None:
        """Forget segments that merges or a reindex have replaced."""
        with self.lock:
            for key in [key for key in self.segments if key not in live_ids]:
                del self.segments[key]
            for key in [key for key in self.words if key[0] not in live_ids]:
                del self.words[key]
        self.terms.drop(lambda key: key[0] not in live_ids)


def _kept_bytes(postings: Postings) -> int:
    return postings[0].nbytes + postings[1].nbytes + KEPT_TERM_BYTES


class KeptPostings:
    """Arrays per term (a segment's postings, one reader's whole-index postings, one version's
    scores) within a byte budget, the least recently used dropped first; an entry larger than
    the whole budget is not kept."""

    def __init__(self, budget: int):
        self.lock = threading.Lock()
        self.terms: OrderedDict[tuple, Postings] = OrderedDict()
        self.bytes = 0
        self.budget = budget

    def get(self, key: tuple) -> Postings | None:
        return self.get_many([key])[0]

    def get_many(self, keys: list[tuple]) -> list[Postings | None]:
        """Each key's arrays (None where not kept), under one lock: a term is looked up in every segment."""
        with self.lock:
            found = [self.terms.get(key) for key in keys]
            for key, arrays in zip(keys, found):
                if arrays is not None:
                    self.terms.move_to_end(key)
        return found

    def put(self, key: tuple, found: Postings) -> None:
        size = _kept_bytes(found)
        if size > self.budget:
            return
        with self.lock:
            if key in self.terms:
                return
            self.terms[key] = found
            self.bytes += size
            self._evict()

    def resize(self, budget: int) -> None:
        with self.lock:
            self.budget = budget
            self._evict()

    def _evict(self) -> None:
        """Drop the least recently used until within the budget (the lock held)."""
        while self.bytes > self.budget:
            self.bytes -= _kept_bytes(self.terms.popitem(last=False)[1])

    def drop(self, unwanted) -> None:
        """Forget every key ``unwanted(key)`` is true of."""
        with self.lock:
            for key in [key for key in self.terms if unwanted(key)]:
                self.bytes -= _kept_bytes(self.terms.pop(key))

    def __iter__(self):
        with self.lock:
            return iter(list(self.terms))
