"""The one place that joins the database (the truth) and the search engine (derived from it).

Documents from rows, the pending work (rows flagged ``indexed=False``), rebuild, remove, and
the check and sync of an index against the database. Only the writer calls the writing
functions: ingest, reindex, sync_index and the background indexer, under the data folder's
writer lock. A web worker never writes the index.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from . import engine
from .engine import ItemDocument
from .models import Citation, Determination

# What indexing a determination reads besides its row: its items and their cited sections, each
# section joined to its citation. Prefetched on its own ("items__citations__section"), Django
# 5.2 asks for the sections as "id = a OR id = b OR ...", which SQLite refuses past 1,000 of
# them ("Expression tree is too large"): a batch of a few thousand determinations cites more.
ITEMS = ("items", Prefetch("items__citations", queryset=Citation.objects.select_related("section")))


def item_documents(determination: Determination) -> Iterator[ItemDocument]:
    """The index documents of one stored determination (its items prefetched or not), in order:
    they stay together, the first carrying what they share (the summary)."""
    for number, item in enumerate(determination.items.all()):
        yield ItemDocument(
            slug=determination.slug,
            position=item.position,
            first=number == 0,
            case_number=determination.case_number or "",
            decision_date=determination.decision_date,
            added=determination.updated_at,
            request=item.request,
            rationale=item.rationale,
            summary=determination.summary,
            outcome=item.outcome,
            drug=item.drug or "",
            brand=item.brand or "",
            category=item.category,
            states=list(determination.reviewer_states),
            specialties=list(determination.reviewer_specialties) + list(determination.reviewer_subspecialties),
            guidelines=list(item.guidelines),
            sections=[citation.section.key for citation in item.citations.all()],
            reasons=list(item.reasons),
            citations=item.cited_text,
            generated=determination.generated,
        )


def _documents(determinations: Iterable[Determination]) -> Iterator[ItemDocument]:
    for determination in determinations:
        yield from item_documents(determination)


def summaries(slugs: Iterable[str]) -> dict[str, str]:
    """Case summaries by slug: the engine indexes them but does not store them."""
    return dict(Determination.objects.filter(slug__in=list(slugs)).values_list("slug", "summary"))


def index_pending(*, batch: int = 2000, go_on: Callable[[], bool] | None = None) -> int:
    """Index every stored determination the index does not hold yet (or holds an older version
    of), ``batch`` at a time while ``go_on()`` holds; returns how many."""
    done = 0
    while go_on is None or go_on():
        chunk = list(Determination.objects.filter(indexed=False).prefetch_related(*ITEMS).order_by("pk")[:batch])
        if not chunk:
            return done
        engine.replace([d.slug for d in chunk], _documents(chunk))
        # Only the versions indexed: a row changed again meanwhile (its updated_at moved) stays flagged.
        with transaction.atomic():
            for determination in chunk:
                Determination.objects.filter(pk=determination.pk, updated_at=determination.updated_at
                                             ).update(indexed=True)
        done += len(chunk)
    return done


def pending_at_least(count: int) -> bool:
    """Whether ``count`` or more stored determinations wait to be indexed."""
    return Determination.objects.filter(indexed=False).order_by()[count - 1:count].exists()


def remove(slugs: Iterable[str]) -> None:
    engine.remove(list(slugs))


def rebuild(*, batch: int = 500) -> int:
    """A new index of every stored determination, swapped in; returns how many determinations."""
    determinations = Determination.objects.prefetch_related(*ITEMS).order_by("pk").iterator(chunk_size=batch)
    count = engine.rebuild(_documents(determinations))
    Determination.objects.filter(indexed=False).update(indexed=True)
    return count


@dataclass
class IndexCheck:
    """What differs between the index and the database (the truth)."""

    missing: list[str]  # items stored but not in the index
    extra: list[str]  # items in the index that the database no longer has
    stale: list[str]  # items whose indexed content differs from the stored one
    duplicates: list[str]  # items indexed more than once

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.duplicates)


def check_against_database() -> IndexCheck:
    """Item by item: the digest of what the database would index against the one the index holds."""
    stored = {document.key: document.digest()
              for document in _documents(Determination.objects.prefetch_related(*ITEMS).iterator(chunk_size=1000))}
    indexed: dict[str, str] = {}
    seen: Counter = Counter()
    for item in engine.indexed_items():
        indexed[item.key] = item.digest
        seen[item.key] += 1
    return IndexCheck(
        missing=sorted(stored.keys() - indexed.keys()),
        extra=sorted(indexed.keys() - stored.keys()),
        stale=sorted(key for key in stored.keys() & indexed.keys() if indexed[key] != stored[key]),
        duplicates=sorted(key for key, n in seen.items() if n > 1),
    )


def sync_with_database() -> IndexCheck:
    """Bring this machine's index in line with the database: what check_against_database finds,
    mended in one write (for a web server whose index a shared database has moved ahead of)."""
    check = check_against_database()
    slugs = {key.rsplit("#", 1)[0] for key in (*check.missing, *check.extra, *check.stale, *check.duplicates)}
    if slugs:
        engine.replace(slugs, _documents(Determination.objects.filter(slug__in=slugs).prefetch_related(*ITEMS)))
    return check
