"""The guideline citator: every cited section with its items and overturn rate, and for one
section its years, requests, drugs and stated reasons.

Counted by the engine, like every count on the site, so a section's figure here is the count its
search link finds. Names come from the database (sections.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from . import engine, sections
from .charts import YearPoint, year_points
from .citations import ACOEM, MTUS, ODG
from .engine import FacetValue, SearchParams
from .reasons import LABELS as REASONS

SORTS = {"items": "Most cited", "rate": "Highest overturn rate", "name": "Name"}
SOURCE_ORDER = (MTUS, ODG, ACOEM)


@dataclass
class SectionFigures:
    key: str
    title: str
    source: str
    guideline: str
    name: str
    items: int
    overturned: int

    @property
    def overturn_rate(self) -> float:
        return self.overturned / self.items if self.items else 0.0

    @property
    def search_url(self) -> str:
        return search_url(self.key)

    @property
    def url(self) -> str:
        return reverse("guideline_section", args=[self.key])


@dataclass
class SectionPage:
    section: SectionFigures
    years: list[YearPoint]
    categories: list[FacetValue]
    drugs: list[FacetValue]
    reasons: list[FacetValue]


def search_url(key: str, facet: str = "", value: str = "") -> str:
    """The search for the items citing one guideline section, narrowed to one value of a facet."""
    return f"{reverse('search')}?{urlencode({'section': key, **({facet: value} if facet else {})})}"


def source_rank(source: str) -> tuple[int, str]:
    return (SOURCE_ORDER.index(source), "") if source in SOURCE_ORDER else (len(SOURCE_ORDER), source)


def _figures(value: FacetValue, named: dict[str, sections.SectionName]) -> SectionFigures:
    found = named.get(value.value)
    if found is None:  # indexed, but its row is gone (a replaced determination's last citation)
        found = sections.SectionName(value.value, "", "", value.value)
    return SectionFigures(value.value, found.title, found.source, found.guideline, found.name,
                          value.items_either_outcome, value.overturned_either_outcome)


def overview(sort: str = "items") -> list[SectionFigures]:
    """Every section cited by an indexed item, with its figures, in ``sort`` order."""
    values = engine.search(SearchParams(per_page=1)).facets.get("section", [])
    named = _section_names([v.value for v in values])
    rows = [_figures(value, named) for value in values]
    if sort == "rate":
        rows.sort(key=lambda row: (-row.overturn_rate, -row.items, row.title.casefold()))
    elif sort == "name":
        rows.sort(key=lambda row: (source_rank(row.source), row.guideline.casefold(), row.name.casefold()))
    else:
        rows.sort(key=lambda row: (-row.items, row.title.casefold()))
    return rows


def section_page(key: str) -> SectionPage | None:
    """One section's figures, or None when no indexed item cites it."""
    result = engine.search(SearchParams(filters={"section": [key]}, per_page=1))
    chosen = next((v for v in result.facets.get("section", []) if v.value == key and v.count), None)
    if chosen is None:
        return None
    named = sections.names([key])
    return SectionPage(
        section=_figures(chosen, named),
        years=year_points(result.facets.get("year", [])),
        categories=result.facets.get("category", [])[:10],
        drugs=result.facets.get("drug", [])[:10],
        reasons=result.facets.get("reason", []),
    )


def name_facet(values: list[FacetValue]) -> None:
    """The section facet's values named from the database, grouped by source (MTUS, ODG, ACOEM, ...)."""
    labels = _section_labels([v.value for v in values])
    for value in values:
        if (found := labels[value.value]).named:
            value.label, value.group = found.label, found.group
    values.sort(key=lambda v: (labels[v.value].rank, -v.count, labels[v.value].folded))


@dataclass(frozen=True)
class _Label:
    """How the section facet shows and orders one section: worked out once per searcher version."""

    named: bool  # whether the database names it (a replaced determination's last citation may be gone)
    label: str  # its guideline and name (else its source)
    group: str  # its source
    rank: tuple[int, str]  # the source's place (source_rank)
    folded: str  # what it is shown as, casefolded: the order within a source and a count


def _section_labels(keys: list[str]) -> dict[str, _Label]:
    try:
        known = engine.version_memo("section_labels")
    except engine.IndexMissing:
        known = {}
    if missing := [key for key in keys if key not in known]:
        named = _section_names(missing)
        for key in missing:
            found = named.get(key)
            label = (" · ".join(part for part in (found.guideline, found.name) if part) or found.source) if found else ""
            group = found.source if found else ""
            known[key] = _Label(found is not None, label, group, source_rank(group), (label or key).casefold())
    return known


def _section_names(keys: list[str]) -> dict[str, sections.SectionName]:
    """Names of sections in the index, each read from the database once per searcher version: a
    common word's search cites 5,000 sections, and naming them took most of its page's time."""
    try:
        known = engine.version_memo("section_names")
    except engine.IndexMissing:
        return sections.names(keys)
    if missing := [key for key in keys if key not in known]:
        known.update(sections.names(missing))
    return {key: known[key] for key in keys if key in known}


def shown_values(name: str, values: list[str]) -> list[str]:
    """Filter values as a person reads them: a stated reason's name, a section's title; others as given."""
    if name == "reason":
        return [REASONS.get(value, value) for value in values]
    if name == "section":
        named = sections.names(values)
        return [named[value].title if value in named else value for value in values]
    return values
