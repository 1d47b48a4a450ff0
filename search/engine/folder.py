"""The index folder on disk and the one writer.

The live index is reached through a symlink, ``<data>/index -> index-<stamp>``, so a rebuild
writes a whole new index beside the old one and swaps it in with one atomic rename: readers
never see a half-built index, and a crash leaves the old one whole.
"""
from __future__ import annotations

import logging
import math
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from itertools import pairwise
from pathlib import Path

import numpy as np
from whoosh import index as windex
from whoosh.reading import SegmentReader
from whoosh.writing import LockError

from . import analysis, config, published, segments, whoosh_internals
from .documents import ItemDocument, whoosh_document
from .results import IndexMissing
from .schema import SCHEMA

log = logging.getLogger("imr.engine")


def _new_index_dir() -> Path:
    link = config.index_link()
    link.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"index-{time.strftime('%Y%m%d%H%M%S')}-", dir=link.parent))
    windex.create_in(str(path), SCHEMA)
    return path


def _point_link_at(target: Path) -> None:
    """Atomically make ``<data>/index`` point at ``target``."""
    link = config.index_link()
    temporary = link.parent / f".index-link-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(target.name)
    os.replace(temporary, link)


def live_index() -> Path:
    """The live index folder, for reading. Never created here: a web worker that found none and
    made an empty one would answer "no matches" for a whole archive."""
    link = config.index_link()
    if not link.exists():
        raise IndexMissing("there is no search index; run: python manage.py reindex")
    return link.resolve()


def ensure_index() -> Path:
    """The live index folder, created empty if there is none yet (writers and ``migrate`` only)."""
    link = config.index_link()
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        _point_link_at(_new_index_dir())
    return link.resolve()


def open_index():
    return windex.open_dir(str(ensure_index()))


def _fast(writer):
    """A writer that pools postings by term and reads each text once (whoosh_internals, analysis)."""
    return whoosh_internals.fast_writer(writer, indexers=analysis.indexers(writer.schema))


def _writer(ix, *, wait: float = 60.0):
    deadline = time.monotonic() + wait
    while True:
        try:
            # One process: Whoosh's multi-process writer would split a determination's items
            # between segments, and they must stay together (schema.SHARED_FIELDS).
            return _fast(ix.writer(limitmb=256))
        except LockError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


MERGE_FACTOR = 8
MERGE_BELOW = 2048  # documents: the segments commits merge; bigger ones wait for a rebuild


def merge_small_tiers(writer, segments: list) -> list:
    """The merge policy of every commit but a rebuild's: segments under MERGE_BELOW documents
    (what small ingests leave) are merged by size tier, eight of one size into the next, so
    their number stays small. Bigger segments, such as the 2,000-determination batches of a
    long ingest, are left alone: a merge rewrites every posting, which costs about what
    indexing the same documents afresh does (whoosh_internals ``_with_merged``; Whoosh's own
    merge cost three times that: ``manage.py bench_write --merge-parts 4``), and merging them
    (Whoosh's MERGE_SMALL, or tiers all the way up) cut a 100,000-determination ingest from
    ~200 to ~110 determinations/s. A rebuild writes the
    index as one segment when their number has grown. The parts that helper processes write
    (``replace``) are at least MERGE_BELOW documents, so they are never merged again either."""
    tiers: dict[int, list] = {}
    kept = []
    for segment in segments:
        if segment.doc_count() >= MERGE_BELOW:
            kept.append(segment)
        else:
            tiers.setdefault(int(math.log(max(segment.doc_count(), 1), MERGE_FACTOR)), []).append(segment)
    for tier in sorted(tiers):
        if len(tiers[tier]) < MERGE_FACTOR:
            kept.extend(tiers[tier])
        else:
            _merge_into(writer, tiers[tier])
    return kept


def _merge_into(writer, segments: list) -> None:
    """Add ``segments`` to the segment ``writer`` writes, in order: each keeps its documents in
    order, so a determination stays together."""
    for segment in segments:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()


@contextmanager
def _writing() -> Iterator:
    """A writer on the live index that commits when the block ends and is cancelled if it raises."""
    writer = _writer(open_index())
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    _commit(writer, merge_small_tiers, publish_to=live_index())


def _commit(writer, mergetype, *, publish_to: Path | None = None) -> None:
    """Commit ``writer`` with the merge policy ``mergetype``. With ``publish_to`` (the live index) the
    commit is marked as being published while it runs, then published for the web workers."""
    if publish_to is None:
        writer.commit(mergetype=mergetype)
        return
    with published.publishing(publish_to):
        writer.commit(mergetype=mergetype)
        publish_arrays(publish_to)


# Each segment's arrays and slugs kept in the writing process between its commits (an ingest's
# indexer commits many times): a commit reads only the segments the one before it made.
_store = None


def _writer_store() -> segments.SegmentStore:
    global _store

    if _store is None:
        _store = segments.SegmentStore(0, saves=True)
    return _store


def publish_arrays(path: Path) -> None:
    """Publish the arrays of the index at ``path`` as it is now, for the web workers to map
    (published.py). A failure costs the workers their shortcut, never the commit."""
    from .searcher import build_version

    try:
        with windex.open_dir(str(path)).searcher() as searcher:
            published.publish(path, searcher.reader(), build_version(searcher, _writer_store()))
            segments.prune_saved(path, {whoosh_internals.segment_id(leaf) for leaf, _ in
                                        whoosh_internals.leaves(searcher.reader())})
    except Exception as error:  # noqa: BLE001 - a worker builds the arrays itself then; say why
        log.warning("could not publish the index arrays in %s (%s: %s); web workers will build them",
                    path, type(error).__name__, error)


def parts(documents: list[ItemDocument], most: int) -> list[list[ItemDocument]]:
    """``documents`` cut into at most ``most`` runs of about equal size, about MERGE_BELOW items
    or more each, never inside a determination (its items stay together, first item first); in
    order."""
    count = max(1, min(most, len(documents) // MERGE_BELOW))
    cuts, size = [], len(documents) / count
    for number, document in enumerate(documents):
        if document.first and number >= size * (len(cuts) + 1) and len(cuts) < count - 1:
            cuts.append(number)
    bounds = [0, *cuts, len(documents)]
    return [documents[start:end] for start, end in pairwise(bounds)]


def _fields(document: ItemDocument, known: set[str]) -> dict:
    # An index built before a field was added lacks it.
    return {name: value for name, value in whoosh_document(document).items() if name in known}


def write_part(index_path: str, documents: list[ItemDocument]):
    """In a helper process: ``documents`` as one new segment of the index at ``index_path``,
    returned for the writer that holds the lock to commit (whoosh_internals.add_segment)."""
    ix = windex.open_dir(index_path)
    writer = _fast(whoosh_internals.unlocked_writer(ix))
    known = set(writer.schema.names())
    try:
        for document in documents:
            writer.add_document(**_fields(document, known))
    except BaseException:
        whoosh_internals.cancel_segment(writer)
        raise
    return whoosh_internals.finish_segment(writer)


def replace(slugs: Iterable[str], documents: Iterable[ItemDocument]) -> None:
    """Delete the items of the determinations ``slugs`` and add ``documents``, in one commit.

    One searcher for the lot: ``delete_by_term`` would open a reader per call (at 10,000
    determinations that was more than half of an ingest). A large batch is cut into parts
    (``parts``), one per ``config.index_processes()``: helper processes write all but the last
    as segments of their own while this one writes the last, and the one commit lists them all,
    so the batch becomes searchable whole or, if any part fails, not at all.
    """
    documents = list(documents)
    cut = parts(documents, config.index_processes())
    with _writing() as writer:
        written = []
        if len(cut) > 1:
            path = writer.storage.folder
            written = [_helpers(len(cut) - 1).submit(write_part, path, part) for part in cut[:-1]]
        try:
            with writer.searcher() as searcher:
                for slug in held_slugs(searcher.reader(), slugs):
                    for docnum in searcher.document_numbers(slug=slug):
                        writer.delete_document(docnum)
            known = set(writer.schema.names())
            for document in cut[-1]:
                writer.add_document(**_fields(document, known))
            for segment in written:
                whoosh_internals.add_segment(writer, segment.result())
        except BaseException:
            close_helpers()  # a helper that failed or died is not trusted with the next batch
            raise


# The helper processes of this process's writer: started at its first batch large enough to split,
# kept for the next (an ingest's indexer commits every few thousand determinations, and starting a
# helper cost about half a second of CPU), closed by ``close_helpers`` or when the process exits.
_helper_pool: tuple[int, ProcessPoolExecutor] | None = None


def _helpers(count: int) -> ProcessPoolExecutor:
    global _helper_pool

    if _helper_pool is not None and _helper_pool[0] != count:
        close_helpers()
    if _helper_pool is None:
        _helper_pool = (count, ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("forkserver"),
                                                   initializer=_exit_with, initargs=(os.getpid(),)))
    return _helper_pool[1]


def close_helpers() -> None:
    """Stop this process's helper processes, if it started any."""
    global _helper_pool

    if _helper_pool is not None:
        _helper_pool[1].shutdown(cancel_futures=True)
        _helper_pool = None


def _exit_with(parent: int) -> None:
    """In a helper process: end when ``parent`` has ended (killed, it could not say so), or is
    ended and not yet reaped."""
    def watch() -> None:
        while process_running(parent):
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="imr-exit-with-parent").start()


def process_running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie, ended but not reaped, has)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):  # no /proc: alive, as far as can be told
        return True


def held_slugs(reader, slugs: Iterable[str]) -> list[str]:
    """Those of ``slugs`` that some segment of the index holds (its documents maybe deleted since).

    Most of an ingest's determinations are new: asking every segment about each of a batch's
    slugs cost 4.6 s a commit at 300,000 determinations (4,000 slugs, 158 segments), growing with
    the index. Each segment's slugs are read once and kept with its arrays (the writer's
    SegmentStore, which forgets merged segments) and a batch is looked up in them with one sorted
    search per segment; a handful of slugs (a small ingest, a sync) is asked about directly, as
    reading every slug would cost more."""
    store = _writer_store()
    wanted = np.array(sorted(set(slugs)), dtype=str)
    held = np.zeros(len(wanted), dtype=bool)
    for leaf, _ in whoosh_internals.leaves(reader):
        if not len(wanted) or not whoosh_internals.has_segment(leaf):
            continue
        if (terms := store.kept_words(leaf, "slug")) is None and len(wanted) * 16 < leaf.doc_count_all():
            held |= np.array([("slug", slug.encode("utf-8")) in leaf for slug in wanted.tolist()], dtype=bool)
            continue  # a few slugs (a small ingest): asked, not read
        if terms is None:
            terms = store.words_of(leaf, "slug", lambda words: np.array(sorted(words), dtype=str))
        if len(terms):
            held |= terms[np.minimum(np.searchsorted(terms, wanted), len(terms) - 1)] == wanted
    return wanted[held].tolist()


REBUILD_PART = 2000  # determinations a rebuild writes as one segment before merging them all
MERGED_AT_ONCE = 64  # segments one commit merges: each is an open reader until its flush


def _merge_in_order(ix, *, publish_to: Path | None = None) -> None:
    """Merge an index's segments into one, keeping their documents in order, MERGED_AT_ONCE
    a commit (all of them, up to 128,000 determinations, in one). A commit's segment goes last,
    after segments holding later documents, so merges go by level: the parts first, a few at a
    time, then the merged segments once no part is left, which by then are in order. With
    ``publish_to`` (the live index) each commit is published as an ingest's is, for the web workers."""
    levels: dict[str, int] = {}  # a merged segment's id -> how many merges its documents went through
    while len(segments := ix._segments()) > 1:
        lowest = min(levels.get(segment.segment_id(), 0) for segment in segments)
        level = [segment for segment in segments if levels.get(segment.segment_id(), 0) == lowest]
        chosen = {segment.segment_id() for segment in level[:MERGED_AT_ONCE]}
        writer = _writer(ix)
        try:
            _commit(writer, partial(_merge_chosen, chosen=chosen), publish_to=publish_to)
        except BaseException:
            writer.cancel()
            raise
        levels[ix._segments()[-1].segment_id()] = lowest + 1


def segment_count() -> int:
    """How many segments the live index has (``compact`` merges them into one); 0 without one."""
    if not config.index_link().exists():
        return 0
    return len(windex.open_dir(str(live_index()))._segments())


def compact() -> tuple[int, int]:
    """Merge the live index's segments into one (``_merge_in_order``), its deleted documents left
    out; returns how many segments there were and are. A long ingest leaves a segment per batch
    (500 at 1,000,000 determinations), and a worker reads a word's postings from every one: one
    segment opens a worker and answers a word's first query several times faster. Readers go on
    reading the segments they opened; each commit is published for the web workers."""
    path = live_index()
    ix = windex.open_dir(str(path))
    before = len(ix._segments())
    _merge_in_order(ix, publish_to=path)
    return before, len(ix._segments())


def _merge_chosen(writer, segments: list, chosen: set[str]) -> list:
    """A merge policy: the ``chosen`` segments merged into the new one, in order; the rest kept."""
    _merge_into(writer, [segment for segment in segments if segment.segment_id() in chosen])
    return [segment for segment in segments if segment.segment_id() not in chosen]


def rebuild(documents: Iterable[ItemDocument]) -> int:
    """Write ``documents`` (a determination's items together, first item first) as a new
    index beside the live one, then swap it in; returns how many determinations.

    Written a REBUILD_PART at a time, each part a segment whose postings fit the writer's pool,
    then merged into one segment a block at a time (whoosh_internals ``_with_merged``): one
    writer for the lot spilled its postings to disk and merged them back one by one, three
    times the cost."""
    link = config.index_link()
    old = link.resolve() if link.exists() else None
    path = _new_index_dir()
    ix = windex.open_dir(str(path))
    writer = _fast(ix.writer(limitmb=256))
    count = in_part = 0
    try:
        for document in documents:
            if document.first and in_part == REBUILD_PART:  # a part's postings stay in memory
                writer.commit(merge=False)
                writer, in_part = _fast(ix.writer(limitmb=256)), 0
            writer.add_document(**whoosh_document(document))
            count += document.first
            in_part += document.first
        writer.commit(merge=False)
        _merge_in_order(ix)
    except BaseException:
        writer.cancel()
        shutil.rmtree(path, ignore_errors=True)
        raise
    publish_arrays(path)
    _point_link_at(path)
    if old is not None and old != path and old.parent == path.parent:
        shutil.rmtree(old, ignore_errors=True)
    return count
