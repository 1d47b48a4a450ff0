"""More like this: other determinations' items whose rationale is nearest a given text."""
from __future__ import annotations

import numpy as np

from . import searcher
from .evaluate import add_term_scores
from .facets import filter_mask

SIMILAR_TERMS = 12  # key terms of a rationale that more-like-this searches for


def similar(slug: str, position: int, text: str, *, facet: str, value: str, limit: int) -> list[tuple[str, int]]:
    """(slug, position) of up to ``limit`` items of other determinations that share ``value`` in
    ``facet`` and whose rationale is nearest ``text``, best first, one item per determination.

    Whoosh's more-like-this, answered like every search here: the text's key terms (Whoosh's
    Bo1 model over this index) as an OR of terms boosted by their weight, scored by BM25F in
    numpy. Whoosh's own ``more_like`` walked every item of a common drug in Python: 50 ms of a
    case page at 10,000 determinations, and ten times that at 100,000.
    """
    ctx = searcher.current()
    version = ctx.version
    docnum = ctx.searcher.document_number(key=f"{slug}#{position}")
    if docnum is None:
        return []
    scope = filter_mask(version, facet, [value]) & version.live & (version.group != version.group[docnum])
    scores = np.zeros(version.doc_count, dtype=np.float64)
    for word, weight in ctx.searcher.key_terms_from_text("rationale", text, numterms=SIMILAR_TERMS):
        add_term_scores(ctx, "rationale", [word], scores, boost=weight)
    candidates = np.flatnonzero(scope & (scores > 0))
    ordered = candidates[np.lexsort((candidates, -scores[candidates]))]
    _, firsts = np.unique(version.group[ordered], return_index=True)  # each determination's best item
    keys = []
    for doc in ordered[np.sort(firsts)[:limit]]:
        fields = ctx.stored(int(doc))
        keys.append((fields["slug"], fields["position"]))
    return keys
