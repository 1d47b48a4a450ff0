"""Guideline sections in the database: the rows citations point at, and their names for the page.

The index holds a section's key (citations.section_key); its name, source and guideline are
stored once, in GuidelineSection, and looked up here for the facets, the citator and the API.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.db import connection, models

from .citations import Citation as ParsedCitation


def store_citations(pairs: Sequence[tuple[models.Model, list[ParsedCitation]]], *,
                    section_model: type[models.Model], citation_model: type[models.Model]) -> None:
    """Citation rows for stored items (``pairs`` of item row and its parsed citations), creating the
    sections not stored yet. Takes the model classes so the data migration can use its own."""
    wanted = {c.key: c for _, citations in pairs for c in citations}
    if not wanted:
        return
    known = section_model.objects.in_bulk(list(wanted), field_name="key")
    missing = [section_model(key=key, source=c.source[:60], guideline=c.guideline[:200], name=c.section[:255])
               for key, c in wanted.items() if key not in known]
    if missing:
        section_model.objects.bulk_create(missing, ignore_conflicts=True)
        known = section_model.objects.in_bulk(list(wanted), field_name="key")
    _insert(citation_model, ("item", "section", "position", "pages", "edition", "as_written"), [
        (item.pk, known[c.key].pk, number, c.pages[:120], c.edition[:60], c.as_written)
        for item, citations in pairs for number, c in enumerate(citations, start=1)
    ])


def _insert(model: type[models.Model], names: Sequence[str], rows: list[tuple]) -> None:
    """``rows`` (values of the fields ``names``, as the database holds them) into ``model``'s table,
    in one statement run for each row. Citations are the most rows an ingest writes, five or so a
    determination, and ``bulk_create`` built a model instance and prepared every field of each."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
           f"VALUES ({', '.join(['%s'] * len(names))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class SectionName(NamedTuple):
    title: str  # "MTUS · Chronic Pain Medical Treatment Guidelines · Opioids, criteria for use"
    source: str
    guideline: str
    name: str


def names(keys: Iterable[str]) -> dict[str, SectionName]:
    """Section key -> its title, source, guideline and name, for the keys stored; one query."""
    from .models import GuidelineSection

    return {section.key: SectionName(section.title, section.source, section.guideline, section.name)
            for section in GuidelineSection.objects.filter(key__in=list(keys))}
