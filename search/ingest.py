"""File -> text -> parse -> store, one transaction per document; then index.

The database row and the stored original are the truth. A row is written with
``indexed=False`` and flipped only after the index has committed it, so an
ingest killed at any moment is mended by the next run: nothing half-written is
visible, and whatever was stored but not yet indexed gets indexed then.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from . import parser
from .extract import ExtractError, document_text
from .models import Determination, DisputedItem
from .record import Determination as Record
from .record import ParseError

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


def document_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given and ``.txt``/``.pdf`` files under folders, recursively, in a stable order.

    A path that does not exist is yielded as is, so the ingest refuses it by name.
    """
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            yield path


def store_original(data: bytes, sha256: str, suffix: str) -> str:
    """Write the original under its hash, atomically; returns its storage name."""
    name = f"{sha256[:2]}/{sha256}{suffix.lower()}"
    target = Path(Determination._meta.get_field("original").storage.path(name))
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, target)
    return name


def _item_rows(determination: Determination, record: Record) -> list[DisputedItem]:
    return [
        DisputedItem(
            determination=determination,
            position=position,
            request=item.request,
            outcome=item.outcome,
            drug=item.drug,
            brand=item.brand,
            strength=item.strength,
            quantity=item.quantity,
            category=item.category,
            guidelines=item.guidelines,
            claims_guideline=item.claims_guideline,
            maximus_guideline=item.maximus_guideline,
            rationale=item.rationale,
            original_request=item.original_request,
        )
        for position, item in enumerate(record.items, start=1)
    ]


def save_record(*, record: Record, source_name: str, original: str, text: str, sha256: str) -> tuple[str, str]:
    """Store one parsed determination in one transaction; returns (status, slug).

    A document with a stored case number replaces that determination (its items too).
    """
    slug = record.case_number or f"doc-{sha256[:12]}"
    fields = dict(
        case_number=record.case_number,
        date_assigned=record.date_assigned,
        decision_date=record.decision_date,
        injury_date=record.injury_date,
        ur_denial_date=record.ur_denial_date,
        reviewer_states=record.reviewer_states,
        reviewer_specialties=record.reviewer_specialties,
        reviewer_subspecialties=record.reviewer_subspecialties,
        patient_age=record.patient_age,
        patient_sex=record.patient_sex or "",
        summary=record.summary,
        source_name=source_name,
        original=original,
        text=text,
        sha256=sha256,
        indexed=False,
    )
    with transaction.atomic():
        existing = Determination.objects.select_for_update().filter(slug=slug).first()
        if existing is None:
            determination = Determination.objects.create(slug=slug, **fields)
            status = STORED
        else:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            existing.items.all().delete()
            determination, status = existing, UPDATED
        DisputedItem.objects.bulk_create(_item_rows(determination, record))
    return status, slug


def ingest_file(path: Path) -> FileResult:
    """Ingest one file; never raises for a bad document, it is refused with the reason."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileResult(str(path), REFUSED, f"cannot be read ({error.strerror or error})")
    sha256 = hashlib.sha256(data).hexdigest()
    if (known := Determination.objects.filter(sha256=sha256).values_list("slug", flat=True).first()):
        return FileResult(str(path), UNCHANGED, slug=known)
    if path.suffix.lower() not in SUFFIXES:
        return FileResult(str(path), REFUSED, "not a .txt or .pdf file")
    try:
        text = document_text(path.name, data)
        record = parser.parse(text)
    except (ExtractError, ParseError) as error:
        return FileResult(str(path), REFUSED, str(error))
    original = store_original(data, sha256, path.suffix)
    status, slug = save_record(record=record, source_name=path.name, original=original, text=text, sha256=sha256)
    return FileResult(str(path), status, slug=slug)


def ingest_paths(
    paths: Iterable[str | Path],
    *,
    on_result: Callable[[FileResult, int, int], None] | None = None,
    index: bool = True,
) -> IngestReport:
    """Ingest files and folders, then bring the index up to date with what was stored."""
    files = list(document_paths(paths))
    report = IngestReport()
    for number, path in enumerate(files, start=1):
        result = ingest_file(path)
        report.results.append(result)
        if result.status == REFUSED:
            log.info("refused %s: %s", result.path, result.reason)
        else:
            log.info("%s %s as %s", result.status, result.path, result.slug)
        if on_result:
            on_result(result, number, len(files))
    if index:
        from .index import index_pending

        index_pending()
    return report
