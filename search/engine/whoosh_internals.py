"""Every use of Whoosh 2.7.4's private names, and the two patches the engine installs.

The rest of the engine goes through Whoosh's public API and the functions here. The pin in
requirements.txt is what makes reaching in safe; tests compare what these functions read
with Whoosh's own matchers, so an upgrade that moved anything fails loudly.

- Postings read a block at a time (``W3LeafMatcher``'s block data): Whoosh hands them out
  one document per Python call, which at a few hundred thousand items costs more than
  everything else together.
- Numeric columns and field lengths read straight from the segment's per-document file.
- Wildcard and prefix expansions (``_btexts``).
- Patch 1, ``MappedBufferFile``: Whoosh maps each compound segment file, then wraps every
  part it opens in ``BufferFile``, whose ``BytesIO(buf)`` copies that part into private
  memory (about 730 MB per web worker at 100,000 determinations). Reading through the
  mapped pages leaves them to the page cache, shared by every worker, at the same speed.
- Patch 2: ``SpanNear2._and_query`` names a module it never imported ("q.And"), so sizing
  an OR of proximity queries (which Whoosh does on large indexes) raises NameError.
"""
from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
from whoosh import query as wq
from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile
from whoosh.query import spans


def leaves(reader) -> list[tuple[object, int]]:
    """(segment reader, first document number) of each segment."""
    return reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]


def has_segment(leaf) -> bool:
    """False for an empty index's reader, which has no files behind it."""
    return hasattr(leaf, "_perdoc") and hasattr(leaf, "_terms")


def segment_id(leaf) -> str | None:
    """A segment's lasting name; None for an empty index's reader."""
    return leaf.segment().segment_id() if has_segment(leaf) else None


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
    perdoc = getattr(leaf, "_perdoc", None)
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


def install_patches() -> None:
    """Both patches; idempotent."""
    compound.BufferFile = MappedBufferFile
    spans.SpanNear2._and_query = lambda self: wq.And(self.qs)
