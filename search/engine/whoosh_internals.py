"""Every use of Whoosh 2.7.4's private names, and the two patches the engine installs.

The rest of the engine goes through Whoosh's public API and the functions here. The pin in
requirements.txt is what makes reaching in safe; tests compare what these functions read
with Whoosh's own matchers, so an upgrade that moved anything fails loudly.

- Postings read a block at a time (``W3LeafMatcher``'s block data): Whoosh hands them out
  one document per Python call, which at a few hundred thousand items costs more than
  everything else together.
- Numeric columns and field lengths read straight from the segment's per-document file.
- Wildcard and prefix expansions (``_btexts``).
- The writer's posting pool and segment flush (``fast_writer``): Whoosh sizes every posting
  it pools and, past a few hundred megabytes, pickles them to disk and merges the runs back;
  while writing them it reads each posting's document length from the column file, one call
  each. Grouped by term in memory and with each field's lengths read once, a batch of an
  ingest indexes about twice as fast; past the budget, runs spill to disk as before. Its
  ``add_document`` has analysis.py's indexers add each field's postings straight to the pool's
  list for the term (every indexed field of the current schema): no Posting tuple per word.
  Segments it merges (``_add_reader``) keep their postings on disk until the flush, which
  reads them a block at a time and joins them, renumbered, to the pool's terms in index order
  (``_with_merged``): Whoosh pooled each merged posting through a generator and a pickle.
- Segments written by other processes (``unlocked_writer``, ``finish_segment``, ``add_segment``):
  a helper process writes part of a batch as a segment of its own, unlocked, as Whoosh's
  multi-process writer does with ``multisegment``; the writer holding the lock lists it in its
  commit beside its own segment, so the helper's documents become visible in that same commit.
- Patch 1, ``MappedBufferFile``: Whoosh maps each compound segment file, then wraps every
  part it opens in ``BufferFile``, whose ``BytesIO(buf)`` copies that part into private
  memory (about 730 MB per web worker at 100,000 determinations). Reading through the
  mapped pages leaves them to the page cache, shared by every worker, at the same speed.
- Patch 2: ``SpanNear2._and_query`` names a module it never imported ("q.And"), so sizing
  an OR of proximity queries (which Whoosh does on large indexes) raises NameError.
- Patch 3, ``_write_block``: Whoosh compresses every block of postings with zlib, meaning to
  skip small ones (a bug reassigns the level). Half of a batch's blocks are under
  SMALL_BLOCK bytes, where zlib saves 0.5% of their size and its set-up costs ~10 µs a
  block: they are written plain, which the reader already reads (a block names its level).
  Its ids and weights are minified in C (``map``, ``array.count``), not a generator step a
  posting; the rest is Whoosh's, byte for byte.
"""
from __future__ import annotations

import heapq
import io
import threading
import types
import zlib
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from itertools import accumulate, chain, groupby, repeat
from operator import itemgetter, sub
from pathlib import Path
from pickle import dumps
from typing import TypeVar

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3PostingsWriter
from whoosh.externalsort import SortingPool
from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile
from whoosh.query import spans
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter


def leaves(reader) -> list[tuple[object, int]]:
    """(segment reader, first document number) of each segment."""
    return reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]


T = TypeVar("T")
_KEEPING = threading.Lock()


def kept_on_reader(reader, name: str, make: Callable[[], T]) -> T:
    """What ``make()`` gives, made once per reader and kept as long as it lives: a reader is one
    searcher version, whose segments never change, so answers about them hold for its life."""
    kept = getattr(reader, "_imr_kept", None)
    if kept is None or name not in kept:
        with _KEEPING:  # two threads asking at once get one value
            kept = reader.__dict__.setdefault("_imr_kept", {})
            if name not in kept:
                kept[name] = make()
    return kept[name]


def identified_leaves(reader) -> list[tuple[object, int, str | None]]:
    """(segment reader, first document number, lasting segment id) of each segment, worked out
    once per reader: a term's postings are looked up in every segment (150 at 300,000
    determinations), and naming each segment again per term cost more than reading its postings."""
    return kept_on_reader(reader, "leaves", lambda: [(leaf, offset, segment_id(leaf)) for leaf, offset in leaves(reader)])


READER_MEMO_ENTRIES = 65_536


def reader_memo(reader, name: str) -> dict:
    """A dict kept with the reader (``kept_on_reader``) for answers that depend only on its
    segments; emptied when it passes READER_MEMO_ENTRIES."""
    memo = kept_on_reader(reader, f"memo:{name}", dict)
    if len(memo) > READER_MEMO_ENTRIES:
        memo.clear()
    return memo


def live_mask(reader) -> np.ndarray:
    """Whether each document of the index is live (not deleted), from each segment's set of deleted
    documents: asking Whoosh document by document took half a second at 700,000 items."""
    live = np.ones(reader.doc_count_all(), dtype=bool)
    for leaf, offset in leaves(reader):
        if has_segment(leaf):
            deleted = np.fromiter(leaf.segment().deleted_docs(), dtype=np.int64)
        else:
            deleted = np.array([d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)], dtype=np.int64)
        live[deleted + offset] = False
    return live


def has_segment(leaf) -> bool:
    """False for an empty index's reader, which has no files behind it."""
    return hasattr(leaf, "_perdoc") and hasattr(leaf, "_terms")


def segment_id(leaf) -> str | None:
    """A segment's lasting name; None for an empty index's reader."""
    return leaf.segment().segment_id() if has_segment(leaf) else None


def leaf_folder(leaf) -> Path | None:
    """The index folder a segment's reader reads from (a compound segment's reader reads through
    an overlay of its compound file and that folder); None when it is not on disk."""
    storage = leaf.storage() if has_segment(leaf) else None
    folder = getattr(getattr(storage, "b", storage), "folder", None)
    return Path(folder) if folder else None


def leaf_postings(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of one term in one segment, deleted documents included
    (callers mask them with the live array)."""
    if not has_segment(leaf) or (fieldname, btext) not in leaf:
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


def leaf_terms(leaf, fieldname: str) -> list[bytes]:
    """Every term of ``fieldname`` in one segment."""
    return list(leaf.lexicon(fieldname)) if has_segment(leaf) and fieldname in leaf.schema else []


def _raw_column(leaf, name: str, count: int, dtype: str) -> np.ndarray | None:
    """One segment's fixed-width column as an array, or None if it has none."""
    return _perdoc_column(getattr(leaf, "_perdoc", None), name, count, dtype)


def _perdoc_column(perdoc, name: str, count: int, dtype: str) -> np.ndarray | None:
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


def leaf_length_bytes(leaf, fieldname: str) -> np.ndarray | None:
    """Each document's length in ``fieldname`` as Whoosh stores it, one byte each; None if absent."""
    return _raw_column(leaf, f"_{fieldname}_len", leaf.doc_count_all(), "u1")


def expansions(query: wq.Prefix | wq.Wildcard, reader) -> Iterator[bytes]:
    """The index terms a prefix or wildcard stands for."""
    return query._btexts(reader)


# -- writing ---------------------------------------------------------------------------------------

_BY_DOCUMENT = itemgetter(0)
# Each length byte's length (Whoosh stores a field's length in a document as one byte).
_LENGTH_OF_BYTE = [byte_to_length(value) if value else 0 for value in range(256)]


def triples(postings: list) -> Iterator[tuple[int, float, bytes]]:
    """(document number, weight, encoded value) of each posting of a pooled list, in order: the
    pool keeps a term's postings flat, ``[doc, weight, value, doc, weight, value, ...]``, so
    that a posting costs three list slots and no tuple of its own: a block is three slices, not
    a ``zip`` of tuples, and 2,000 determinations pool 109 MB instead of 196 and take 15% less
    CPU to add and write (README, Performance)."""
    flat = iter(postings)
    return zip(flat, flat, flat)


def _flat(postings: Iterable[tuple[int, float, object]]) -> list:
    return list(chain.from_iterable(postings))


def _as_bytes(terms: dict) -> dict[bytes, list]:
    """A field's postings by term with every term as bytes: a writer that adds documents and merges
    segments in one commit pools str terms from the indexers and bytes from the merged readers,
    sometimes of the same term, whose two lists are then merged in document order."""
    found: dict[bytes, list] = {}
    for term, postings in terms.items():
        btext = term.encode("utf-8") if term.__class__ is str else term
        earlier = found.get(btext)
        found[btext] = postings if earlier is None else _flat(sorted(triples(earlier + postings), key=_BY_DOCUMENT))
    return found


class GroupedPostingPool(PostingPool):
    """A writer's postings grouped by field and term in memory, each term's in document order,
    up to ``budget`` postings; past it the lot is written out as a sorted run and Whoosh's
    external merge takes over, as its own pool does (a merge of many segments).

    ``fields[fieldname][term]`` (a defaultdict) is the term's postings, flat (``triples``): document
    number, weight and encoded value of each in turn.
    A term is the str analysis.py's indexers give or the bytes of a field's own ``index`` or of a
    merged segment. Sorted, either gives the order of the terms' UTF-8 bytes, the index's order;
    a field holding both is made all bytes first (``_as_bytes``).
    """

    def __init__(self, tempstore, segment, *, budget: int):
        super().__init__(tempstore, segment)
        self.fields: dict[str, dict] = {}
        self.count = 0
        self.budget = budget

    def field(self, fieldname: str) -> dict:
        """The postings of ``fieldname`` by term (made on first use)."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = defaultdict(list)
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item):
        fieldname, btext, docnum, weight, vbytes = item
        self.field(fieldname)[btext].extend((docnum, weight, vbytes))
        self.count += 1
        if self.count >= self.budget:
            self._spill()

    def terms(self) -> Iterator[tuple[str, bytes, list]]:
        """(field name, term as bytes, its flat postings in document order), in the index's order."""
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            if len({term.__class__ for term in terms}) > 1:
                terms = _as_bytes(terms)
            for term in sorted(terms):
                yield fieldname, term.encode("utf-8") if term.__class__ is str else term, terms[term]

    def _sorted(self) -> Iterator[tuple]:
        for fieldname, btext, postings in self.terms():
            for docnum, weight, vbytes in triples(postings):
                yield fieldname, btext, docnum, weight, vbytes

    def _spill(self) -> None:
        self.current = list(self._sorted())
        self.fields, self.count = {}, 0
        PostingPool.save(self)

    def items(self, maxfiles=128):
        if not self.runs:
            return self._sorted()
        self._spill()
        return SortingPool.items(self, maxfiles)

    def cleanup(self):
        self.fields, self.count = {}, 0
        super().cleanup()


class _CachedLengths:
    """A new segment's per-document reader whose field lengths are read once per field."""

    def __init__(self, perdoc, count: int):
        self.perdoc = perdoc
        self.count = count
        self.fields: dict[str, list[int]] = {}

    def field(self, fieldname: str) -> list[int]:
        """Each document's length in ``fieldname`` (as stored: one byte each), by document number."""
        lengths = self.fields.get(fieldname)
        if lengths is None:
            column = _perdoc_column(self.perdoc, f"_{fieldname}_len", self.count, "u1")
            lengths = self.fields[fieldname] = [] if column is None else [_LENGTH_OF_BYTE[b] for b in column.tolist()]
        return lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self.field(fieldname)
        return lengths[docnum] if docnum < len(lengths) else default


def _block_lengths(field_lengths: list[int], docnums: tuple[int, ...]) -> tuple[int | None, int]:
    """(shortest, longest) of the documents' lengths that are not 0, as add_posting keeps them."""
    if not field_lengths:
        return None, 0
    known = len(field_lengths)
    present = [field_lengths[d] for d in docnums if d < known]
    shortest = min(present, default=0)
    if shortest == 0:  # a document without the field, or past the column: add_posting skips those
        present = [length for length in present if length]
        return (min(present) if present else None), max(present, default=0)
    return shortest, max(present)


def _add_grouped(fieldwriter, schema, lengths: _CachedLengths | None, terms: Iterator[tuple[str, bytes, list]]) -> None:
    """FieldWriter.add_postings over ``terms`` (a pool that never spilled, with the postings of the
    segments merged in: ``_with_merged``), a block of postings at a time:
    W3PostingsWriter.add_posting's bookkeeping (ids, weights, values, the block's shortest and
    longest documents and greatest weight) done for a block in one go, not one call per posting.
    Each term's postings are already in document order: a document adds its postings after the
    one before it, and one posting per term."""
    current = None
    field_lengths: list[int] = []
    for fieldname, btext, postings in terms:
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current = fieldname
            field_lengths = lengths.field(fieldname) if lengths else []
        fieldwriter.start_term(btext)
        block_writer = fieldwriter._postwriter
        step = 3 * block_writer._blocklimit  # a block's postings, flat
        for start in range(0, len(postings), step):
            if start:  # add_posting writes a full block when the next posting comes; finish_term the last
                block_writer._write_block()
            block = postings[start:start + step] if len(postings) > step else postings
            docnums, weights = block[0::3], block[1::3]
            block_writer._ids = array("I", docnums)
            block_writer._weights = array("f", weights)
            block_writer._values = list(filter(None, block[2::3]))
            block_writer._maxweight = max(0, max(weights))
            block_writer._minlength, block_writer._maxlength = _block_lengths(field_lengths, docnums)
        fieldwriter.finish_term()
    if current is not None:
        fieldwriter.finish_field()


def _add_reader(self: SegmentWriter, reader) -> None:
    """SegmentWriter.add_reader for a segment being merged: its documents' stored fields, lengths
    and columns are copied now, as Whoosh does; its postings are read a block at a time when the
    new segment is flushed (``_with_merged``), not pooled one posting per call. A segment without
    deletions adds its exact field-length totals (BM25's average lengths), where Whoosh adds each
    document's length as stored, rounded to a byte: merged, a rebuild's parts total what one
    writer's would."""
    if not isinstance(reader, SegmentReader):  # not one segment's reader: Whoosh's way
        return SegmentWriter.add_reader(self, reader)
    self._check_state()
    basedoc = self.docnum
    indexed = {name for name in reader.indexed_field_names() if name in self.schema}
    totals = self.perdocwriter._fieldlengths
    before = dict(totals)
    docmap = self.write_per_doc(set(self.schema.names()) | indexed, reader)
    segment = reader.segment()
    if docmap is None:  # every document copied: the segment's exact totals, not its byte-rounded lengths summed
        for name, total in segment._fieldlengths.items():
            totals[name] = before.get(name, 0) + total
    self.merged.append((segment, basedoc, docmap))
    self._added = True


def _segment_terms(reader, basedoc: int, docmap: dict[int, int] | None) -> Iterator[tuple[tuple[str, bytes], list]]:
    """((field name, term), its postings renumbered into the new segment, deleted documents left
    out, flat as the pool's) of every term of one merged segment, in the index's order; [] for a
    term every document of which was deleted."""
    schema, terms = reader.schema, reader._terms
    # A field at a time in name order: a segment's terms are stored by field number, which only
    # the order its writer happened to start its fields in ties to the names.
    for fieldname in sorted(name for name in terms.indexed_field_names() if name in schema):
        format_ = schema[fieldname].format
        for (name, btext), terminfo in terms.items_from(fieldname, b""):
            if name != fieldname:
                break
            postings = _matcher_postings(terms._codec.postings_reader(terms._postfile, terminfo, format_))
            if docmap is None:
                yield (fieldname, btext), _flat((basedoc + docnum, weight, value) for docnum, weight, value in postings)
            else:
                yield (fieldname, btext), _flat((docmap[docnum], weight, value) for docnum, weight, value in postings
                                                if docnum in docmap)


def _matcher_postings(matcher) -> list[tuple[int, float, object]]:
    """Every (document number, weight, encoded value) of a term's postings in its own segment, a
    block at a time from W3LeafMatcher's block data; any other matcher one posting at a time."""
    if not isinstance(matcher, W3LeafMatcher):
        found = []
        while matcher.is_active():
            found.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        return found
    found: list = []
    fixed = matcher._fixedsize
    while matcher.is_active():
        matcher._read_data()  # as _read_ids, _read_weights and _read_values decode it, a block at once
        ids, weights, values = matcher._data
        count = matcher._blocklength
        if not matcher._byteids:
            ids = accumulate(ids)
        if weights is None or weights.__class__ is float:
            weights = repeat(1.0 if weights is None else weights, count)
        if fixed == 0:
            values = repeat(None, count)
        elif fixed is not None and fixed > 0:
            values = [values[i:i + fixed] for i in range(0, len(values), fixed)]
        found.extend(zip(ids, weights, values))
        matcher._next_block()
    return found


def _with_merged(writer: SegmentWriter, pooled: Iterator[tuple[str, bytes, list]],
                 merged: list[tuple]) -> Iterator[tuple[str, bytes, list]]:
    """The pool's terms with the postings of the merged segments joined in, in the index's order:
    for each term, the pool's postings (the documents added) and then each merged segment's, in
    the order they were added, which is document order."""
    if not merged:
        yield from pooled
        return
    with ExitStack() as readers:
        sources = [(((fieldname, btext), postings) for fieldname, btext, postings in pooled)]
        for segment, basedoc, docmap in merged:
            reader = readers.enter_context(closing(SegmentReader(writer.storage, writer.schema, segment)))
            sources.append(_segment_terms(reader, basedoc, docmap))
        for (fieldname, btext), group in groupby(heapq.merge(*sources, key=itemgetter(0)), key=itemgetter(0)):
            postings = [posting for _, part in group for posting in part]
            if postings:
                yield fieldname, btext, postings


def _flush_segment(self: SegmentWriter) -> None:
    """SegmentWriter._flush_segment, with the lengths read a field at a time and, when the pool
    holds every posting in memory and no spelling words (``_add_document``'s), a block at a time."""
    self.perdocwriter.close()
    perdoc = self.per_document_reader() if self.codec.length_stats else None
    lengths = _CachedLengths(perdoc, self.docnum) if perdoc else None
    merged, self.merged = self.merged, []
    if not self.pool.runs and hasattr(self, "indexers"):
        _add_grouped(self.fieldwriter, self.schema, lengths, _with_merged(self, self.pool.terms(), merged))
    else:  # the pool spilled: the merged segments' postings join it, the slow way, as in Whoosh
        for segment, basedoc, docmap in merged:
            with closing(SegmentReader(self.storage, self.schema, segment)) as reader:
                SegmentWriter.add_postings_to_pool(self, reader, basedoc, docmap)
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
    self.fieldwriter.close()
    if perdoc:
        perdoc.close()


def _add_document(self: SegmentWriter, **fields) -> None:
    """SegmentWriter.add_document for schemas without spelling or vector fields, each field
    indexed by ``self.indexers[name]`` where there is one (analysis.py: it adds its postings to
    the pool itself), else by the field; postings go straight into the pool's lists."""
    self._check_state()
    schema, perdoc, docnum, pool = self.schema, self.perdocwriter, self.docnum, self.pool
    indexers = self.indexers
    docboost = self._doc_boost(fields)
    fieldnames = sorted(name for name in fields if not name.startswith("_"))
    self._check_fields(schema, fieldnames)
    perdoc.start_doc(docnum)
    added = 0
    for fieldname in fieldnames:
        value = fields[fieldname]
        if value is None:
            continue
        field = schema[fieldname]
        length = 0
        if field.indexed:
            boost = self._field_boost(fields, fieldname, docboost)
            terms = pool.field(fieldname)
            index = indexers.get(fieldname) if value.__class__ is str else None
            if index is not None:
                length, postings = index(value, docnum, boost, terms)
                added += postings
                if not field.scorable:
                    length = 0
            else:
                scorable = field.scorable
                for tbytes, freq, weight, vbytes in field.index(value):
                    if scorable:
                        length += freq
                    terms[tbytes].extend((docnum, weight * boost, vbytes))
                    added += 1
        stored = fields.get(f"_stored_{fieldname}", value)
        perdoc.add_field(fieldname, field, stored if field.stored else None, length)
        if field.column_type and stored is not None:
            perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
    perdoc.finish_doc()
    pool.count += added
    if pool.count >= pool.budget:  # checked per document: a document's postings stay in one run
        pool._spill()
    self._added = True
    self.docnum += 1


def _commit(self: SegmentWriter, mergetype=None, optimize=None, merge=None) -> None:
    """SegmentWriter.commit, listing the segments other processes wrote for this writer
    (``add_segment``) before its own."""
    self._check_state()
    final = self._merge_segments(mergetype, optimize, merge) + self.written_elsewhere
    if self._added:
        final.append(self._finalize_segment())
    else:
        self._close_segment()
    self._commit_toc(final)
    self._finish()


def fast_writer(writer: SegmentWriter, *, indexers: dict | None = None, budget: int = 2_500_000) -> SegmentWriter:
    """``writer`` with the grouped pool and the cached lengths, and its text fields indexed by
    ``indexers`` (field name -> text -> postings) where given (see the module's notes)."""
    writer.pool = GroupedPostingPool(writer._tempstorage, writer.newsegment, budget=budget)
    writer._flush_segment = types.MethodType(_flush_segment, writer)
    writer.written_elsewhere = []
    writer.merged = []
    writer.commit = types.MethodType(_commit, writer)
    writer.add_reader = types.MethodType(_add_reader, writer)
    if indexers and not any(field.separate_spelling() or field.vector for _, field in writer.schema.items()):
        writer.indexers = indexers
        writer.add_document = types.MethodType(_add_document, writer)
    return writer


def unlocked_writer(ix) -> SegmentWriter:
    """A writer of one new segment of ``ix`` that takes no lock: for a helper process of the
    writer that holds it, which commits the segment (``finish_segment``, ``add_segment``)."""
    return SegmentWriter(ix, _lk=False, limitmb=256)


def finish_segment(writer: SegmentWriter):
    """Write out an unlocked writer's segment and return it (picklable), uncommitted: its files
    become part of the index only when the locked writer lists it (``add_segment``); a commit
    without it deletes them."""
    if not writer._added:
        writer._close_segment()
        return None
    return writer._finalize_segment()


def cancel_segment(writer: SegmentWriter) -> None:
    """Abandon an unlocked writer's segment: the next commit deletes the files it left."""
    writer._close_segment()


def add_segment(writer: SegmentWriter, segment) -> None:
    """List ``segment`` (``finish_segment``'s, from another process) in ``writer``'s next commit."""
    if segment is not None:
        writer.written_elsewhere.append(segment)


class _View:
    """The file methods StructFile calls, over a memoryview: reads slice, nothing is copied up front."""

    def __init__(self, buf):
        self._buf = memoryview(buf)
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._position + size)
        data = bytes(self._buf[self._position:end])
        self._position = end
        return data

    def readline(self, size: int = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._position + size)
        newline = bytes(self._buf[self._position:end]).find(b"\n")
        return self.read(newline + 1 if newline >= 0 else end - self._position)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._buf)}[whence]
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._buf = memoryview(b"")


class MappedBufferFile(BufferFile):
    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _View(buf)

    def subset(self, position, length, name=None):
        return MappedBufferFile(self._buf[position:position + length], name=name or self._name)


WHOOSH_WRITE_BLOCK = W3PostingsWriter._write_block  # Whoosh's own, for the tests to compare with

# Blocks of postings smaller than this (pickled) are written without zlib: at 2,000 determinations
# 47% of the blocks, whose compressed size was 95% of their own.
SMALL_BLOCK = 128


def _mini_ids(ids) -> tuple[int, ...]:
    """W3PostingsWriter._mini_ids of document numbers (the gaps between them), without a generator step each."""
    return (ids[0], *map(sub, ids[1:], ids))


def _mini_weights(weights) -> float | tuple[float, ...] | None:
    """W3PostingsWriter._mini_weights, counted in C: None when all are 1, the one weight when all are equal."""
    count = len(weights)
    if weights.count(1.0) == count:
        return None
    if weights.count(weights[0]) == count:
        return weights[0]
    return tuple(weights)


def _write_block(self: W3PostingsWriter, last: bool = False) -> None:
    """W3PostingsWriter._write_block, the same bytes but for a block under SMALL_BLOCK bytes left
    uncompressed, and the ids and weights minified without a Python step per posting."""
    if not self._blockcount:
        self._postfile.write(WHOOSH3_HEADER_MAGIC)
    self._terminfo.add_block(self)
    mini_ids = tuple(self._ids) if self._byteids else _mini_ids(self._ids)
    databytes = dumps((mini_ids, _mini_weights(self._weights), self._mini_values()), 2)
    comp = self._compression if len(databytes) >= SMALL_BLOCK else 0
    if comp:
        databytes = zlib.compress(databytes, comp)
    ids = self._ids
    infobytes = dumps((len(ids), ids[-1], self._maxweight, comp, length_to_byte(self._minlength),
                       length_to_byte(self._maxlength)), 2)
    blocklength = len(infobytes) + len(databytes)
    postfile = self._postfile
    postfile.write_int(-blocklength if last else blocklength)
    postfile.write(infobytes)
    postfile.write(databytes)
    self._blockcount += 1
    self._new_block()


def install_patches() -> None:
    """The three patches; idempotent."""
    compound.BufferFile = MappedBufferFile
    spans.SpanNear2._and_query = lambda self: wq.And(self.qs)
    W3PostingsWriter._write_block = _write_block
