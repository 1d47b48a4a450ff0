"""The CSV export: one row per matching item, the index's hit joined to what the database holds.

The engine's hits carry what the index stores; the date of injury and the cited guidelines'
texts live in the database. They are read for a batch of hits at a time, one query a batch,
so a large export streams at an even pace and never asks once per row.
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from .engine import Hit
from .models import DisputedItem

# Scripts read these by name and by position: add new columns at the end, never rename or move one.
COLUMNS = ("case_number", "decision_date", "item", "request", "outcome", "drug", "brand", "category",
           "reviewer_states", "reviewer_specialties", "url", "rationale", "injury_date", "guidelines", "generated")
BATCH = 500


def too_many(count: int, most: int) -> str:
    """Why an export is refused: a partial export would read as the whole answer."""
    return (f"This search matches {count:,} items; an export holds at most {most:,}, so that it finishes "
            "well inside the server's time limit. Narrow the search (a filter, a date range, more words) "
            "and export again, or export it in parts by decision date.")


def csv_lines(hits: Iterable[Hit], *, item_url: Callable[[Hit], str]) -> Iterator[str]:
    """The export as CSV text, a line at a time: the header, then a row for each hit in order."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in rows(hits, item_url=item_url):
        yield writer.writerow(row)


def rows(hits: Iterable[Hit], *, item_url: Callable[[Hit], str]) -> Iterator[list[object]]:
    """A row of ``COLUMNS`` for each hit, reading the database once per ``BATCH`` hits."""
    hits = iter(hits)
    while batch := list(islice(hits, BATCH)):
        stored = _stored_items(batch)
        for hit in batch:
            yield [inert(cell) for cell in _row(hit, stored.get((hit.slug, hit.position)), item_url(hit))]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: object) -> object:
    """A cell a spreadsheet shows as text: one that starts like a formula (=, +, -, @, a tab or a
    carriage return) gets a leading apostrophe, as OWASP advises, so opening the export runs nothing."""
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS) else cell


def guidelines_text(item: DisputedItem) -> str:
    """Both parties' cited guidelines, labelled as on the case page; "" when neither is stated.
    The texts themselves may hold semicolons but never a "|", so that separates them."""
    cited = [("Claims Administrator", item.claims_guideline), ("MAXIMUS", item.maximus_guideline)]
    return " | ".join(f"{who}: {text.strip()}" for who, text in cited if text.strip())


def _stored_items(batch: list[Hit]) -> dict[tuple[str, int], DisputedItem]:
    # Every item of the batch's determinations: a few more rows than needed, in one plain query.
    items = (DisputedItem.objects.filter(determination__slug__in={hit.slug for hit in batch})
             .select_related("determination")
             .only("position", "claims_guideline", "maximus_guideline",
                   "determination__slug", "determination__injury_date"))
    return {(item.determination.slug, item.position): item for item in items}


def _row(hit: Hit, item: DisputedItem | None, url: str) -> list[object]:
    # An item the index still holds but the database no longer does gets empty database columns.
    injury_date = item.determination.injury_date if item else None
    return [
        hit.case_number, hit.decision_date or "", hit.position, hit.request, hit.outcome, hit.drug, hit.brand,
        hit.category, "; ".join(hit.states), "; ".join(hit.specialties), url, hit.rationale,
        injury_date.isoformat() if injury_date else "", guidelines_text(item) if item else "",
        "yes" if hit.generated else "",  # demonstration text from the corpus generator, not a decision
    ]


class _Echo:
    """A file-like object that hands back what it is given, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value
