"""File -> text -> parse -> store, one transaction per batch of documents; then index.

The database row and the stored original are the truth. A row is written with
``indexed=False`` and flipped only after the index has committed it, so an
ingest killed at any moment is mended by the next run: nothing half-written is
visible, and whatever was stored but not yet indexed gets indexed then.
"""
from __future__ import annotations

import hashlib
import itertools
import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from . import workers
from .inserts import insert_returning, prepared
from .limits import Limits, size
from .models import Citation, Determination, DisputedItem, EarlierVersion, GuidelineSection
from .progress import ProgressLog
from .record import Determination as Record
from .sections import store_citations

log = logging.getLogger("imr.ingest")

SUFFIXES = (".txt", ".pdf")
STORED, UPDATED, UNCHANGED, REFUSED = "stored", "updated", "unchanged", "refused"


@dataclass
class FileResult:
    path: str
    status: str
    reason: str = ""
    slug: str = ""


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(result.status for result in self.results)

    @property
    def refused(self) -> list[FileResult]:
        return [result for result in self.results if result.status == REFUSED]

    def summary(self) -> str:
        counts = self.counts
        return ", ".join(f"{counts[status]} {status}" for status in (STORED, UPDATED, UNCHANGED, REFUSED))


def document_paths(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str]]:
    """(file, why it is refused or "") for files as given and ``.txt``/``.pdf`` files under
    folders, recursively, in a stable order.

    A path that does not exist is yielded as is, so the ingest refuses it by name. Inside a
    folder, symbolic links are not followed out of it, nor into other folders (a link back up
    would loop): each is refused by name, so a cron job's log shows what was left out.
    """
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(_walk(path))
        else:
            yield path, ""


def _walk(root: Path) -> Iterator[tuple[Path, str]]:
    inside = root.resolve()
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames:
            if (Path(folder) / name).is_symlink():
                yield Path(folder) / name, "a symbolic link to a folder: not followed (ingest that folder itself)"
        for name in filenames:
            path = Path(folder) / name
            if path.suffix.lower() not in SUFFIXES:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(inside):
                yield path, "a symbolic link to a file outside the ingested folder: not followed"
                continue
            yield path, ""


def store_original(data: bytes, sha256: str, suffix: str) -> str:
    """Write the original under its hash, atomically; returns its storage name.

    Written to a temporary name of this process's beside it, then renamed into place: a reader
    sees the whole file or none. Plain os calls: tempfile's random names and wrappers cost more
    than the write at a few hundred files a second."""
    name = f"{sha256[:2]}/{sha256}{suffix.lower()}"
    target = Path(Determination._meta.get_field("original").storage.path(name))
    if target.exists():
        return name
    scratch = target.parent / f".{target.name}.{os.getpid()}.{next(_SCRATCH_NUMBERS)}"
    try:
        handle = os.open(scratch, _NEW_FILE, 0o600)
    except FileNotFoundError:  # the first original under this prefix
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(scratch, _NEW_FILE, 0o600)
    try:
        with open(handle, "wb") as file:
            file.write(data)
        os.replace(scratch, target)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    return name


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL
_SCRATCH_NUMBERS = itertools.count()


_ITEM_COLUMNS = ("determination", "position", "request", "outcome", "drug", "brand", "strength", "quantity",
                 "category", "guidelines", "claims_guideline", "maximus_guideline", "rationale", "original_request",
                 "reasons")


def _item_rows(determination: int, record: Record) -> list[tuple]:
    """The _ITEM_COLUMNS of a stored determination's items (its key ``determination``)."""
    return [(determination, position, item.request, item.outcome, item.drug, item.brand, item.strength,
             item.quantity, item.category, item.guidelines, item.claims_guideline, item.maximus_guideline,
             item.rationale, item.original_request, item.reasons)
            for position, item in enumerate(record.items, start=1)]


def _slug(record: Record, sha256: str) -> str:
    return record.case_number or f"doc-{sha256[:12]}"


def _fields(*, record: Record, source_name: str, original: str, text: str, sha256: str) -> dict:
    """A determination row's fields (besides its slug) for one parsed file; unindexed."""
    return {
        "case_number": record.case_number,
        "date_assigned": record.date_assigned,
        "decision_date": record.decision_date,
        "injury_date": record.injury_date,
        "ur_denial_date": record.ur_denial_date,
        "reviewer_states": record.reviewer_states,
        "reviewer_specialties": record.reviewer_specialties,
        "reviewer_subspecialties": record.reviewer_subspecialties,
        "patient_age": record.patient_age,
        "patient_sex": record.patient_sex or "",
        "summary": record.summary,
        "generated": record.generated,
        "source_name": source_name,
        "original": original,
        "text": text,
        "sha256": sha256,
        "indexed": False,
    }


# A new determination's columns, as _save_batch writes them: its slug, _fields, then when it was stored.
_DETERMINATION_COLUMNS = ("slug", *_fields(record=Record(), source_name="", original="", text="", sha256=""),
                          "added_at", "updated_at")


def save_record(*, record: Record, source_name: str, original: str, text: str, sha256: str) -> tuple[str, str, str]:
    """Store one parsed determination in one transaction; returns (status, slug, note).

    A different file with a stored case number replaces that determination (its items too), and
    the file it replaces is kept as an earlier version; the note says so.
    """
    slug = _slug(record, sha256)
    fields = _fields(record=record, source_name=source_name, original=original, text=text, sha256=sha256)
    note = ""
    with transaction.atomic():
        existing = Determination.objects.select_for_update().filter(slug=slug).first()
        if existing is None:
            determination = Determination.objects.create(slug=slug, **fields)
            status = STORED
        else:
            if existing.sha256 != sha256:
                EarlierVersion.objects.create(determination=existing, source_name=existing.source_name,
                                              original=existing.original.name, text=existing.text,
                                              sha256=existing.sha256, stored_at=existing.updated_at)
                note = (f"a different file than the one stored for {slug} ({existing.source_name}); "
                        "it replaces it, and the earlier file is kept as an earlier version on the case page")
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            existing.items.all().delete()
            determination, status = existing, UPDATED
        _store_items([(determination.pk, record)])
    return status, slug, note


def _store_items(stored: list[tuple[int, Record]]) -> None:
    """The item and citation rows of stored determinations (their keys, and their records), in bulk."""
    rows = [row for determination, record in stored for row in _item_rows(determination, record)]
    keys = insert_returning(DisputedItem, _ITEM_COLUMNS, prepared(DisputedItem, _ITEM_COLUMNS, rows))
    items = [item for _, record in stored for item in record.items]
    store_citations([(key, item.citations) for key, item in zip(keys, items)],
                    section_model=GuidelineSection, citation_model=Citation)


def save_records(entries: list[dict]) -> list[tuple[str, str, str]]:
    """``save_record`` for a batch of parsed files (its keyword arguments, one dict each), in one
    transaction: new case numbers in bulk, the others (stored already, or twice in the batch) one
    by one after them, in file order. A batch the database refuses is stored again a document at
    a time, so one bad row costs only itself. Returns what ``save_record`` returns, for each."""
    if not connection.features.can_return_rows_from_bulk_insert:  # bulk rows need their keys back
        return [save_record(**entry) for entry in entries]
    try:
        with transaction.atomic():
            return _save_batch(entries)
    except DatabaseError as error:
        log.warning("a batch of %d documents was refused as a whole (%s); storing them one at a time",
                    len(entries), error)
        return [save_record(**entry) for entry in entries]


def _save_batch(entries: list[dict]) -> list[tuple[str, str, str]]:
    slugs = [_slug(entry["record"], entry["sha256"]) for entry in entries]
    taken = set(Determination.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    fresh: dict[str, int] = {}  # slug -> the entry that creates it
    for number, slug in enumerate(slugs):
        if slug not in taken and slug not in fresh:
            fresh[slug] = number
    now = timezone.now()
    rows = [(slug, *_fields(**entries[number]).values(), now, now) for slug, number in fresh.items()]
    keys = insert_returning(Determination, _DETERMINATION_COLUMNS, prepared(Determination, _DETERMINATION_COLUMNS, rows))
    _store_items([(key, entries[number]["record"]) for key, number in zip(keys, fresh.values())])
    created = set(fresh.values())
    return [(STORED, slug, "") if number in created else save_record(**entries[number])
            for number, slug in enumerate(slugs)]


@dataclass
class _Read:
    """A file read and hashed in the main process."""

    path: Path
    data: bytes = b""
    sha256: str = ""
    error: str = ""


def _read(path: Path, limits: Limits) -> _Read:
    try:
        length = path.stat().st_size
        if length > limits.file_bytes:  # not read at all: refused by its size
            return _Read(path, error=f"{size(length)}, larger than the {size(limits.file_bytes)} a file "
                                     "may be (IMR_MAX_FILE_MB)")
        data = path.read_bytes()
    except OSError as error:
        return _Read(path, error=f"cannot be read ({error.strerror or error})")
    return _Read(path, data, hashlib.sha256(data).hexdigest())


def _entry(read: _Read, text: str, record: Record | None) -> dict | None:
    """What ``save_record`` takes for a parsed file, its original stored; None if it was refused."""
    if record is None:
        return None
    original = store_original(read.data, read.sha256, read.path.suffix)
    return {"record": record, "source_name": read.path.name, "original": original, "text": text,
            "sha256": read.sha256}


def _store(read: _Read, text: str, record: Record | None, reason: str) -> FileResult:
    if (entry := _entry(read, text, record)) is None:
        return FileResult(str(read.path), REFUSED, reason)
    status, slug, note = save_record(**entry)
    return FileResult(str(read.path), status, note, slug=slug)


def ingest_file(path: Path) -> FileResult:
    """Ingest one file; never raises for a bad document, it is refused with the reason."""
    limits = Limits.from_settings()
    read = _read(path, limits)
    if read.error:
        return FileResult(str(path), REFUSED, read.error)
    if (known := Determination.objects.filter(sha256=read.sha256).values_list("slug", flat=True).first()):
        return FileResult(str(path), UNCHANGED, slug=known)
    if path.suffix.lower() not in SUFFIXES:
        return FileResult(str(path), REFUSED, "not a .txt or .pdf file")
    return _store(read, *workers.parse_document((path.name, read.data, limits)))


@dataclass
class _Chunk:
    """CHUNK files read and hash-checked, their new ones handed to the parse pool."""

    reads: list[_Read]
    known: dict[str, str]  # sha256 -> slug of the files stored before this chunk was read
    parsed: Iterator[tuple[str, Record | None, str]]  # the fresh files' parses, in their order
    fresh: list[_Read]
    stored: dict[str, str] = field(default_factory=dict)  # sha256 -> slug of what storing it stored


def _read_chunk(files: list[tuple[Path, str]], limits: Limits, pool) -> _Chunk:
    reads = [_Read(path, error=why) if why else _read(path, limits) for path, why in files]
    known = dict(Determination.objects.filter(sha256__in={r.sha256 for r in reads if r.sha256})
                 .values_list("sha256", "slug"))
    fresh = [r for r in reads if not r.error and r.sha256 not in known and r.path.suffix.lower() in SUFFIXES]
    jobs = [(r.path.name, r.data, limits) for r in fresh]
    parsed = pool.imap(workers.parse_document, jobs, chunksize=4) if pool else map(workers.parse_document, jobs)
    return _Chunk(reads, known, parsed, fresh)


def _results(files: list[tuple[Path, str]], pool) -> Iterator[FileResult]:
    """Results in file order: known hashes skipped in bulk, new files parsed by the pool.

    The pool parses the next chunk while this process stores the one before it (and reads the
    one after): waiting for each chunk's parses before storing it left the workers idle while it
    was stored, and this process idle while it was parsed."""
    limits = Limits.from_settings()
    chunks = (_read_chunk(files[start:start + CHUNK], limits, pool) for start in range(0, len(files), CHUNK))
    before: dict[str, str] = {}
    for chunk in _one_ahead(chunks):
        yield from _store_chunk(chunk, before)
        before = chunk.stored


def _one_ahead(chunks: Iterator[_Chunk]) -> Iterator[_Chunk]:
    """Each chunk once the one after it has been read (and handed to the pool)."""
    waiting = None
    for chunk in chunks:
        if waiting is not None:
            yield waiting
        waiting = chunk
    if waiting is not None:
        yield waiting


def _store_chunk(chunk: _Chunk, before: dict[str, str]) -> Iterator[FileResult]:
    """Store a chunk's new files. ``before`` is what the chunk before it stored: this one was read
    before that was stored, so a copy there was not yet known (the chunks before that were stored
    before it was read, and the database knew them)."""
    known = chunk.known
    known.update((read.sha256, before[read.sha256]) for read in chunk.fresh if read.sha256 in before)
    parsed = dict(zip((id(r) for r in chunk.fresh), chunk.parsed))
    results: dict[int, FileResult] = {}
    batch: list[tuple[_Read, dict]] = []
    batched: set[str] = set()
    for read in chunk.reads:
        if read.error:
            results[id(read)] = FileResult(str(read.path), REFUSED, read.error)
        elif read.sha256 in known or read.sha256 in batched:
            continue  # the same file twice in one chunk (a copy, a link) is stored once: told below
        elif read.path.suffix.lower() not in SUFFIXES:
            results[id(read)] = FileResult(str(read.path), REFUSED, "not a .txt or .pdf file")
        else:
            text, record, reason = parsed[id(read)]
            if (entry := _entry(read, text, record)) is None:
                results[id(read)] = FileResult(str(read.path), REFUSED, reason)
                continue
            batch.append((read, entry))
            batched.add(read.sha256)
    for (read, _), (status, slug, note) in zip(batch, save_records([entry for _, entry in batch])):
        results[id(read)] = FileResult(str(read.path), status, note, slug=slug)
        known[read.sha256] = chunk.stored[read.sha256] = slug
    for read in chunk.reads:
        yield results.get(id(read)) or FileResult(str(read.path), UNCHANGED, slug=known[read.sha256])


CHUNK = 256  # files read, hash-checked and parsed together
PARALLEL_FROM = 64  # fewer files than this are parsed in-process: a pool costs more than it saves
INDEX_EVERY = 2000  # a long ingest makes its documents searchable as it goes
# The parse workers yield the cores to the indexer: it keeps up with the storing, rather than being
# left a backlog that it indexes alone, on part of the machine, after everything is stored.
PARSE_NICENESS = 10


def ingest_paths(
    paths: Iterable[str | Path],
    *,
    on_result: Callable[[FileResult, int, int], None] | None = None,
    index: bool = True,
    workers: int | None = None,
) -> IngestReport:
    """Ingest files and folders, then bring the index up to date with what was stored.

    Parsing (PDF text extraction included) runs in worker processes; storing runs here,
    one transaction per CHUNK of documents; the index is brought up to date every INDEX_EVERY
    documents and at the end.
    """
    from .indexing import index_pending

    files = list(document_paths(paths))
    report = IngestReport()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    pool = parse_pool(workers) if workers > 1 and len(files) >= PARALLEL_FROM else None
    indexer = _BackgroundIndexer() if index and pool is not None else None
    progress = ProgressLog(every=settings.IMR_PROGRESS_SECONDS)
    try:
        for number, result in enumerate(_results(files, pool), start=1):
            report.results.append(result)
            if result.status == REFUSED:
                log.info("refused %s: %s", result.path, result.reason)
            elif result.reason:  # a different file for a stored case number: never silent
                log.info("%s %s as %s: %s", result.status, result.path, result.slug, result.reason)
            else:
                log.info("%s %s as %s", result.status, result.path, result.slug)
            progress.update(number, len(files))
            if on_result:
                on_result(result, number, len(files))
            if indexer and number % INDEX_EVERY == 0:
                indexer.start()
    finally:
        if pool is not None:
            pool.terminate()
        if indexer:
            indexer.wait()
    if index:
        index_pending()
    return report


def parse_pool(workers: int):
    """The processes that parse an ingest's files, at PARSE_NICENESS."""
    return multiprocessing.get_context("forkserver").Pool(workers, initializer=os.nice, initargs=(PARSE_NICENESS,))


class _BackgroundIndexer:
    """Indexes what is stored so far in another process, while this one goes on storing.

    Storing and parsing are one core's work and Whoosh indexing another's; overlapping them uses
    both. Only for large ingests (the pool is running): the child reads committed rows through
    its own database connection. Started at the first INDEX_EVERY documents, it stays until
    ``wait`` tells it everything is stored, committing INDEX_EVERY determinations per index
    process at a time (the engine has helper processes write all but one part of such a batch).
    Not a daemon: daemons may not start processes; a killed ingest's indexer stops by itself.
    """

    def __init__(self):
        self.context = multiprocessing.get_context("forkserver")
        self.finished = self.context.Event()
        self.process: multiprocessing.Process | None = None

    def start(self) -> None:
        if self.process is not None and self.process.is_alive():
            return  # it indexes each batch as it fills
        self.wait(finished=False)
        batch = INDEX_EVERY * settings.IMR_INDEX_PROCESSES
        self.process = self.context.Process(target=workers.index_pending,
                                            args=(settings.SETTINGS_MODULE, os.getpid(), self.finished, batch))
        self.process.start()

    def wait(self, *, finished: bool = True) -> None:
        if finished:
            self.finished.set()
        if self.process is not None:
            self.process.join()
            self.process = None
