"""The one place that joins the database (the truth) and the search engine (derived from it).

Documents from rows, the pending work (rows flagged ``indexed=False``), rebuild, remove, and
the check and sync of an index against the database. Only the writer calls the writing
functions: ingest, reindex, sync_index and the background indexer, under the data folder's
writer lock. A web worker never writes the index.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.db.models import QuerySet

from . import engine
from .engine import ItemDocument
from .models import Citation, Determination, DisputedItem, cited_text

# What indexing reads of a determination and of each of its items: plain rows, a chunk of
# determinations at a time. Model instances with their items and citations prefetched cost about
# a sixth of the indexer's time at 1,000,000 determinations, most of it building objects and
# reading each determination's full text, which the index does not hold.
DETERMINATION_FIELDS = ("pk", "slug", "case_number", "decision_date", "updated_at", "summary", "reviewer_states",
                        "reviewer_specialties", "reviewer_subspecialties", "generated")
ITEM_FIELDS = ("pk", "determination_id", "position", "request", "rationale", "outcome", "drug", "brand", "category",
               "guidelines", "reasons", "maximus_guideline", "claims_guideline")
CHUNK = 1000  # determinations read together (their items and citations in one query each)


def documents(determinations: QuerySet[Determination], *, chunk: int = CHUNK) -> Iterator[ItemDocument]:
    """The index documents of ``determinations``, in the queryset's order, each determination's
    items together in order, the first carrying what they share (the summary)."""
    rows = determinations.values(*DETERMINATION_FIELDS).iterator(chunk_size=chunk)
    while batch := list(islice(rows, chunk)):
        yield from _documents(batch)


def _documents(rows: list[dict]) -> Iterator[ItemDocument]:
    pks = [row["pk"] for row in rows]
    items: dict[int, list[dict]] = defaultdict(list)
    for item in (DisputedItem.objects.filter(determination_id__in=pks).order_by("determination_id", "position")
                 .values(*ITEM_FIELDS)):
        items[item["determination_id"]].append(item)
    sections: dict[int, list[str]] = defaultdict(list)
    for item_id, key in (Citation.objects.filter(item__determination_id__in=pks).order_by("item_id", "position")
                         .values_list("item_id", "section__key")):
        sections[item_id].append(key)
    for row in rows:
        specialties = list(row["reviewer_specialties"]) + list(row["reviewer_subspecialties"])
        for number, item in enumerate(items[row["pk"]]):
            yield ItemDocument(
                slug=row["slug"],
                position=item["position"],
                first=number == 0,
                case_number=row["case_number"] or "",
                decision_date=row["decision_date"],
                added=row["updated_at"],
                request=item["request"],
                rationale=item["rationale"],
                summary=row["summary"],
                outcome=item["outcome"],
                drug=item["drug"] or "",
                brand=item["brand"] or "",
                category=item["category"],
                states=list(row["reviewer_states"]),
                specialties=list(specialties),
                guidelines=list(item["guidelines"]),
                sections=sections[item["pk"]],
                reasons=list(item["reasons"]),
                citations=cited_text(item["maximus_guideline"], item["claims_guideline"]),
                generated=row["generated"],
            )


def summaries(slugs: Iterable[str]) -> dict[str, str]:
    """Case summaries by slug: the engine indexes them but does not store them."""
    return dict(Determination.objects.filter(slug__in=list(slugs)).values_list("slug", "summary"))


def index_pending(*, batch: int = 2000, go_on: Callable[[], bool] | None = None) -> int:
    """Index every stored determination the index does not hold yet (or holds an older version
    of), ``batch`` at a time while ``go_on()`` holds; returns how many."""
    done = 0
    while go_on is None or go_on():
        chunk = list(Determination.objects.filter(indexed=False).order_by("pk").values(*DETERMINATION_FIELDS)[:batch])
        if not chunk:
            return done
        engine.replace([row["slug"] for row in chunk], _documents(chunk))
        _mark_indexed(chunk)
        done += len(chunk)
    return done


def _mark_indexed(rows: list[dict]) -> None:
    """Flag the determinations of ``rows`` indexed, but only the versions that were: a row
    changed again meanwhile (its updated_at moved) stays flagged for the next run. One statement
    for the batch (4,000 ORM updates took 0.65 s a commit, executemany 0.05 s); the time is
    adapted as the ORM adapts it in a filter, so it compares equal on SQLite and PostgreSQL."""
    table, ops = Determination._meta.db_table, connection.ops
    sql = f"UPDATE {table} SET indexed = %s WHERE id = %s AND updated_at = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(True, row["pk"], ops.adapt_datetimefield_value(row["updated_at"])) for row in rows])


def pending_at_least(count: int) -> bool:
    """Whether ``count`` or more stored determinations wait to be indexed."""
    return Determination.objects.filter(indexed=False).order_by()[count - 1:count].exists()


def remove(slugs: Iterable[str]) -> None:
    engine.remove(list(slugs))


def rebuild(*, batch: int = 500) -> int:
    """A new index of every stored determination, swapped in; returns how many determinations."""
    count = engine.rebuild(documents(Determination.objects.order_by("pk"), chunk=batch))
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
              for document in documents(Determination.objects.order_by("pk"))}
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
        engine.replace(slugs, documents(Determination.objects.filter(slug__in=slugs).order_by("pk")))
    return check
