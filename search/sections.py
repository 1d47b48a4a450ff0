"""Guideline sections in the database: the rows citations point at, and their names for the page.

The index holds a section's key (citations.section_key); its name, source and guideline are
stored once, in GuidelineSection, and looked up here for the facets, the citator and the API.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.db import models

from .citations import Citation as ParsedCitation
from .inserts import insert


def store_citations(pairs: Sequence[tuple[int, list[ParsedCitation]]], *,
                    section_model: type[models.Model], citation_model: type[models.Model]) -> None:
    """Citation rows for stored items (``pairs`` of an item's key and its parsed citations), creating the
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
    # Citations are the most rows an ingest writes, five or so a determination.
    insert(citation_model, ("item", "section", "position", "pages", "edition", "as_written"), [
        (item, known[c.key].pk, number, c.pages[:120], c.edition[:60], c.as_written)
        for item, citations in pairs for number, c in enumerate(citations, start=1)
    ])


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
