"""A query tree read once into steps that match, score and verify, over numpy arrays.

``plan`` walks Whoosh's query tree once and returns a ``Step`` per node; every later question
(which documents match, with what score, which candidates truly hold a long phrase) is a
method of the step, so the three answers cannot drift apart.

Terms, prefixes, word-pair phrases and their AND/OR/NOT are set operations over postings;
proximity needs word positions, so Whoosh walks those. A phrase of three or more words is
matched by all its neighbouring pairs ("a b c" as "a b" and "b c"): exact for two words, and
for longer phrases the shown hits are checked word by word in their text (``verify``).
Scores are BM25F, as Whoosh's matchers would sum them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np
from whoosh import query as wq

from . import analysis, config, deadline
from .expand import Expanded
from .query import ExactWord, contains_run
from .schema import GUIDELINE_FIELD, PAIR_FIELDS, SCHEMA, SHARED_FIELDS
from .searcher import Context, Version

CHUNK = 1024  # documents a long step handles between looks at the time budget


def for_items(mask: np.ndarray, fieldname: str | None, version: Version) -> np.ndarray:
    """A match in a shared field (held by a determination's first item) is every item's match."""
    if fieldname not in SHARED_FIELDS:
        return mask
    groups = np.zeros(len(version.carrier), dtype=bool)
    groups[version.group[mask]] = True
    return groups[version.group]


def add_term_scores(ctx: Context, fieldname: str, texts: Iterable, scores: np.ndarray, *,
                    weights_only: bool = False, boost: float = 1.0) -> None:
    """Add BM25F (or, ``weights_only``, the raw weight) of each term in one field, times
    ``boost``, to ``scores``; for a shared field, each item of the determination gets its first
    item's score."""
    version = ctx.version
    found = np.zeros(version.doc_count, dtype=np.float64) if fieldname in SHARED_FIELDS else scores
    for number, text in enumerate(texts):
        if number % 32 == 31:
            deadline.check()
        if weights_only or fieldname not in version.lengths:  # unscorable (facet keywords): the weight
            docs, weights = ctx.postings(fieldname, text)
            found[docs] += boost * weights  # a term lists each document once
            continue
        docs, term_scores = ctx.term_scores(fieldname, text)
        found[docs] += boost * term_scores
    if found is not scores:
        scores += found[version.carrier]


# Where a text field's text is kept in a document's stored value.
_STORED_TEXT = {"request": "request", "rationale": "rationale", GUIDELINE_FIELD: "citations"}


def texts_of(ctx: Context, fieldname: str, docnums: np.ndarray) -> list[str]:
    """The text of ``fieldname`` in each document: the request, rationale or cited guidelines
    from its stored value, the summary (a shared field, not stored) from whoever configured the engine."""
    hits = [ctx.stored(docnum) for docnum in docnums]
    if fieldname not in SHARED_FIELDS:
        return [hit.get(_STORED_TEXT.get(fieldname, fieldname), "") for hit in hits]
    summaries = config.summaries(hit["slug"] for hit in hits)
    return [summaries.get(hit["slug"], "") for hit in hits]


class Step:
    """One node of a query: which documents match, their scores, which candidates truly match."""

    long_phrase = False  # needs its candidates checked in their text

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._mask: np.ndarray | None = None

    def matches(self) -> np.ndarray:
        """Every document the node matches, as a mask over document numbers (computed once)."""
        if self._mask is None:
            self._mask = self._match()
        return self._mask

    def _match(self) -> np.ndarray:
        raise NotImplementedError

    def add_scores(self, scores: np.ndarray) -> None:
        raise NotImplementedError

    def verify(self, docnums: np.ndarray) -> np.ndarray:
        """Which of ``docnums`` (ascending) truly match."""
        return self.matches()[docnums]

    def needs_verifying(self) -> bool:
        return self.long_phrase


class Terms(Step):
    """Documents holding any (or, ``every``, all) of some terms of one field."""

    def __init__(self, ctx: Context, fieldname: str, texts: Sequence, *, every: bool = False,
                 weights_only: bool = False):
        super().__init__(ctx)
        self.fieldname, self.texts, self.every, self.weights_only = fieldname, texts, every, weights_only

    def _match(self) -> np.ndarray:
        size = self.ctx.version.doc_count
        mask = np.full(size, self.every, dtype=bool)
        for number, text in enumerate(self.texts):
            if number % 32 == 31:  # a wildcard's words: each one's postings are read
                deadline.check()
            docs = self.ctx.postings(self.fieldname, text)[0]
            if self.every:
                holding = np.zeros(size, dtype=bool)
                holding[docs] = True
                mask &= holding
            else:
                mask[docs] = True
        return for_items(mask, self.fieldname, self.ctx.version)

    def add_scores(self, scores: np.ndarray) -> None:
        add_term_scores(self.ctx, self.fieldname, self.texts, scores, weights_only=self.weights_only)


class Exact(Terms):
    """``#word``: documents holding the word's stem whose text has the word in exactly that form.
    Every holder of the stem is checked, so counts and facets are exact too."""

    def __init__(self, ctx: Context, query: ExactWord):
        super().__init__(ctx, query.fieldname, [query.text])
        self.form = re.compile(rf"(?<![A-Za-z0-9]){re.escape(query.form)}(?![A-Za-z0-9])", re.IGNORECASE)

    def _match(self) -> np.ndarray:
        version = self.ctx.version
        docs = self.ctx.postings(self.fieldname, self.texts[0])[0]
        docs = docs[version.live[docs]]
        mask = np.zeros(version.doc_count, dtype=bool)
        for begin in range(0, len(docs), CHUNK):  # every holder's text is read: the time budget is checked
            deadline.check()
            chunk = docs[begin:begin + CHUNK]
            held = [bool(self.form.search(text)) for text in texts_of(self.ctx, self.fieldname, chunk)]
            mask[chunk[np.array(held, dtype=bool)]] = True
        return for_items(mask, self.fieldname, version)


class PairPhrase(Terms):
    """A phrase answered from its word-pair terms; three words or more are checked in the text."""

    def __init__(self, ctx: Context, phrase: wq.Phrase):
        words = list(phrase.words)
        pairs = [f"{a} {b}".encode() for a, b in pairwise(words)]
        super().__init__(ctx, PAIR_FIELDS[phrase.fieldname], pairs, every=True)
        self.text_field, self.words = phrase.fieldname, words
        self.long_phrase = len(words) > 2

    def verify(self, docnums: np.ndarray) -> np.ndarray:
        held = self.matches()[docnums]
        if not self.long_phrase:
            return held
        truly = np.zeros(len(docnums), dtype=bool)
        truly[held] = [contains_run(analysis.stems(text), self.words)
                       for text in texts_of(self.ctx, self.text_field, docnums[held])]
        return truly


class Combined(Step):
    """AND or OR of steps: masks combined, scores summed in order, verified likewise."""

    def __init__(self, ctx: Context, parts: list[Step], *, every: bool):
        super().__init__(ctx)
        self.parts, self.every = parts, every

    def _match(self) -> np.ndarray:
        mask = np.full(self.ctx.version.doc_count, self.every, dtype=bool)
        for part in self.parts:
            if self.every:
                mask &= part.matches()
            else:
                mask |= part.matches()
        return mask

    def add_scores(self, scores: np.ndarray) -> None:
        for part in self.parts:
            part.add_scores(scores)

    def verify(self, docnums: np.ndarray) -> np.ndarray:
        combine = np.logical_and if self.every else np.logical_or
        return combine.reduce([part.verify(docnums) for part in self.parts])

    def needs_verifying(self) -> bool:
        return any(part.needs_verifying() for part in self.parts)


class Without(Step):
    """``a`` but not ``b``: scored by ``a`` alone."""

    def __init__(self, ctx: Context, kept: Step, excluded: Step):
        super().__init__(ctx)
        self.kept, self.excluded = kept, excluded

    def _match(self) -> np.ndarray:
        return self.kept.matches() & ~self.excluded.matches()

    def add_scores(self, scores: np.ndarray) -> None:
        self.kept.add_scores(scores)

    def verify(self, docnums: np.ndarray) -> np.ndarray:
        return self.kept.verify(docnums) & ~self.excluded.verify(docnums)

    def needs_verifying(self) -> bool:
        return self.kept.needs_verifying() or self.excluded.needs_verifying()


class Walked(Step):
    """What needs word positions (proximity): Whoosh walks it, once, unscored; scored by its words."""

    def __init__(self, ctx: Context, query: wq.Query):
        super().__init__(ctx)
        self.query = query

    def _match(self) -> np.ndarray:
        mask = np.zeros(self.ctx.version.doc_count, dtype=bool)
        mask[np.fromiter(deadline.checked(self.query.docs(self.ctx.searcher), every=64), dtype=np.int64)] = True
        return for_items(mask, _leaf_field(self.query), self.ctx.version)

    def add_scores(self, scores: np.ndarray) -> None:
        for fieldname, text in self.query.iter_all_terms():
            if fieldname in SCHEMA:
                add_term_scores(self.ctx, fieldname, [text], scores)


def _leaf_field(query: wq.Query) -> str | None:
    """The one field a query searches, or None (spans say None even over one field: read their terms)."""
    fields = {fieldname for fieldname, _ in query.iter_all_terms()}
    return next(iter(fields)) if len(fields) == 1 else None


def plan(query: wq.Query, ctx: Context) -> Step:
    """The steps of a query tree, read once."""
    if isinstance(query, ExactWord):
        return Exact(ctx, query)
    if isinstance(query, wq.Term):
        return Terms(ctx, query.fieldname, [query.text])
    if isinstance(query, wq.Phrase) and ctx.version.has_pairs and query.fieldname in PAIR_FIELDS:
        return PairPhrase(ctx, query)
    if isinstance(query, Expanded):
        # Whoosh scores a lone expansion as the word itself, several by their weights, unscored.
        return Terms(ctx, query.fieldname, query.words, weights_only=len(query.words) > 1)
    if isinstance(query, (wq.Or, wq.And)):
        return Combined(ctx, [plan(sub, ctx) for sub in query.subqueries], every=isinstance(query, wq.And))
    if isinstance(query, wq.AndNot):
        return Without(ctx, plan(query.a, ctx), plan(query.b, ctx))
    return Walked(ctx, query)
