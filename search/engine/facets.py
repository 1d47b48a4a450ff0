"""Facet filters and counts over the matched set: ``bincount`` over per-document codes."""
from __future__ import annotations

import numpy as np

from search import vocab
from search.reasons import LABELS as REASONS

from . import bitsets
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


class _Packed:
    """The bitmaps of the scopes one search counts over (most facets share one), each made once."""

    def __init__(self, version: Version):
        self.version = version
        self.made: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def __call__(self, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(``within``'s bits, the bits of its overturned documents)."""
        if (made := self.made.get(id(within))) is None:  # the mask is kept with them: its id stays its own
            bits = bitsets.pack(within)
            made = self.made[id(within)] = (within, bits, bits & self.version.overturned_bits)
        return made[1], made[2]


def _tally(version: Version, name: str, within: np.ndarray, packed: _Packed) -> tuple[np.ndarray, np.ndarray]:
    """Per value of one facet: its documents inside ``within``, and how many of those were overturned.

    A facet with few values has a bitmap per value: a popcount against ``within``'s bits. Else
    one count over the pairs' keys gives both. When ``within`` holds most documents, the pairs
    outside it are counted instead and taken from the whole index's count (kept per version):
    a common word costs what the documents it misses cost."""
    if (maps := version.bitmaps.get(name)) is not None:
        bits, over_bits = packed(within)
        return bitsets.counts(maps, bits), bitsets.counts(maps, over_bits)
    docs, keys = version.pair_docs[name], version.pair_keys[name]
    size = 2 * len(version.values[name])
    if np.count_nonzero(within) * 2 > len(within):
        if (whole := version.tallies.get(name)) is None:
            whole = version.tallies[name] = np.bincount(keys, minlength=size)
        both = whole - np.bincount(keys[~within[docs]], minlength=size)
    else:
        both = np.bincount(keys[within[docs]], minlength=size)
    return both[0::2] + both[1::2], both[1::2]


def count_facets(version: Version, base: np.ndarray, masks: dict[str, np.ndarray],
                 params: SearchParams) -> dict[str, list[FacetValue]]:
    """Each facet's values over ``base`` narrowed by every other facet's chosen values (so a
    facet's own choice never hides its other values), with overturn rates taken over both
    outcomes."""
    facets: dict[str, list[FacetValue]] = {}
    packed = _Packed(version)
    for name in FACETS:
        rate_scope = base
        for other, mask in masks.items():
            if other not in (name, "outcome"):
                rate_scope = rate_scope & mask
        scope = rate_scope & masks["outcome"] if "outcome" in masks and name != "outcome" else rate_scope
        counts, over = _tally(version, name, scope, packed)
        rate_counts, rate_over = (counts, over) if scope is rate_scope else _tally(version, name, rate_scope, packed)
        facets[name] = _values(name, version.values[name], counts, over, rate_counts, rate_over,
                               {facet_key(name, v) for v in params.filters.get(name, [])})
    return facets


def _values(name: str, names: list[str], counts: np.ndarray, over: np.ndarray, rate_counts: np.ndarray,
            rate_over: np.ndarray, chosen: set[str]) -> list[FacetValue]:
    """The values present (or chosen), most items first, then by name; years newest first.

    A facet may have thousands of values (guideline sections): a keyed facet's values sort as
    their codes do (the value list is sorted), so numpy orders them and each number is read as a
    Python int once; a section is shown by its key until the page names it (citator.name_facet)."""
    codes = np.union1d(np.flatnonzero(counts), [names.index(v) for v in chosen if v in names]).astype(np.int64)
    if name in KEYED:
        codes = codes[np.lexsort((codes, -counts[codes]))]
    values_of = [names[code] for code in codes.tolist()]
    shown = values_of if name == "section" else [display(name, value) for value in values_of]
    rows = zip(values_of, shown, counts[codes].tolist(), over[codes].tolist(), rate_counts[codes].tolist(),
               rate_over[codes].tolist())
    if name in KEYED:
        return [FacetValue(value, count, overturned, value in chosen, rate_items, rate_overturned, label)
                for value, label, count, overturned, rate_items, rate_overturned in rows]
    values = [FacetValue(label, count, overturned, value in chosen, rate_items, rate_overturned)
              for value, label, count, overturned, rate_items, rate_overturned in rows]
    if name == "year":
        values.sort(key=lambda v: v.value, reverse=True)
    else:
        values.sort(key=lambda v: (-v.count, v.value))
    return values
