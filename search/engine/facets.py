"""Facet filters and counts over the matched set: ``bincount`` over per-document codes."""
from __future__ import annotations

import numpy as np

from search import vocab
from search.reasons import LABELS as REASONS

from .results import FacetValue, SearchParams
from .schema import FACETS, facet_key
from .searcher import Version

SOURCES = {"real": "Real determinations", "generated": "Generated (demonstration)"}
# Facets whose index value is a key the filter takes, shown by another name (the view names sections).
KEYED = frozenset({"reason", "section"})


def display(name: str, value: str) -> str:
    """A facet value (lowercase in the index) as the page shows it."""
    if name == "outcome":
        return value.capitalize()
    if name == "state":
        return vocab.canonical_state(value) or value.title()
    if name == "specialty":
        return vocab.canonical_specialty(value) or value.title()
    if name == "guideline":
        return value if value == "other" else value.upper()
    if name == "source":
        return SOURCES.get(value, value)
    if name == "reason":
        return REASONS.get(value, value)
    return value


def filter_mask(version: Version, name: str, chosen: list[str]) -> np.ndarray:
    """Documents holding any of the ``chosen`` values of one facet."""
    mask = np.zeros(version.doc_count, dtype=bool)
    postings = version.postings[name]
    for value in chosen:
        ids = postings.get(facet_key(name, value))
        if ids is not None:
            mask[ids] = True
    return mask


def _tally(version: Version, name: str, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per value of one facet: its documents inside ``within``, and how many of those were overturned."""
    docs, codes = version.pair_docs[name], version.pair_codes[name]
    size = len(version.values[name])
    inside = within[docs]
    return (np.bincount(codes[inside], minlength=size),
            np.bincount(codes[inside & version.overturned[docs]], minlength=size))


def count_facets(version: Version, base: np.ndarray, masks: dict[str, np.ndarray],
                 params: SearchParams) -> dict[str, list[FacetValue]]:
    """Each facet's values over ``base`` narrowed by every other facet's chosen values (so a
    facet's own choice never hides its other values), with overturn rates taken over both
    outcomes."""
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        rate_scope = base
        for other, mask in masks.items():
            if other not in (name, "outcome"):
                rate_scope = rate_scope & mask
        scope = rate_scope & masks["outcome"] if "outcome" in masks and name != "outcome" else rate_scope
        counts, over = _tally(version, name, scope)
        rate_counts, rate_over = (counts, over) if scope is rate_scope else _tally(version, name, rate_scope)
        chosen = {facet_key(name, v) for v in params.filters.get(name, [])}
        names = version.values[name]
        # Only the values present (or chosen), read as Python ints once: a facet may have thousands of values.
        codes = sorted({*np.flatnonzero(counts).tolist(), *(names.index(v) for v in chosen if v in names)})
        shown_counts, shown_over = counts[codes].tolist(), over[codes].tolist()
        shown_rate, shown_rate_over = rate_counts[codes].tolist(), rate_over[codes].tolist()
        values = [
            FacetValue(value if name in KEYED else display(name, value), count, overturned, value in chosen,
                       rate_items, rate_overturned, label=display(name, value) if name in KEYED else "")
            for value, count, overturned, rate_items, rate_overturned in zip(
                (names[code] for code in codes), shown_counts, shown_over, shown_rate, shown_rate_over)
        ]
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.value))
        facets[name] = values
    return facets
