"""What the results page lists of each facet: a few values, never all of them.

A common word's search has thousands of values in some facets (5,000 cited sections for `pain` at
300,000 determinations). The page shows the largest few of each (of each source, for sections) and
every chosen one, and links to the facet's own page for the rest; the counts are the engine's.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from .engine import FacetValue


@dataclass(frozen=True)
class ShownFacet:
    values: list[FacetValue]  # in the engine's order: the first `shown` (of each group) and every chosen one
    total: int  # the values this search has in the facet


def shown_facets(facets: dict[str, list[FacetValue]], shown: int) -> dict[str, ShownFacet]:
    """Each facet trimmed to what the page lists. Values with a group (sections under their source)
    come sorted by group, and are trimmed within each group."""
    return {name: ShownFacet(_trimmed(values, shown), len(values)) for name, values in facets.items()}


def _trimmed(values: list[FacetValue], shown: int) -> list[FacetValue]:
    if len(values) <= shown:
        return values
    if any(v.group for v in values):
        return [v for _, members in groupby(values, key=lambda v: v.group) for v in _first(list(members), shown)]
    return _first(values, shown)


def _first(values: list[FacetValue], shown: int) -> list[FacetValue]:
    return values[:shown] + [v for v in values[shown:] if v.selected]


def chosen_values(facets: dict[str, list[FacetValue]]) -> list[tuple[str, FacetValue]]:
    """(facet, value) of every chosen value, for the chips above the results."""
    return [(name, v) for name, values in facets.items() for v in values if v.selected]
