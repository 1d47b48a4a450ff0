"""Marking a query's matches in text: snippets for results, whole texts for the case page.

A phrase is one match: each of its occurrences is one <mark>, and its words alone are not
marked; so the case page counts and steps through the phrase, not its words. Words are
compared as the index analyses them (stems), so a mark is exactly what matched.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from whoosh import query as wq
from whoosh.query import spans

from . import analysis, config
from .query import ExactWord
from .results import Hit
from .schema import MARKED_FIELDS, SCHEMA
from .sentences import PARAGRAPH, SameUnit, sentence_starts

if TYPE_CHECKING:
    from .searcher import Context


def query_terms(query: wq.Query | None, ctx: Context) -> dict[str, set[str]]:
    """Field -> the index terms a query matches (wildcards expanded), for highlighting.

    Not ``Query.existing_terms``: in Whoosh 2.7.4 its loop variable shadows its
    ``fieldname`` argument, so it drops every field after the first one it meets.
    """
    if query is None:
        return {}
    terms: dict[str, set[str]] = {}
    for leaf in _leaves(query):
        try:
            pairs = list(leaf.expanded_terms(ctx.reader))
        except (AttributeError, NotImplementedError):  # a leaf that cannot expand: its words as written
            pairs = list(leaf.iter_all_terms())
        for fieldname, text in pairs:
            if fieldname not in SCHEMA:
                continue
            btext = text if isinstance(text, bytes) else SCHEMA[fieldname].to_bytes(text)
            if ctx.has_term(fieldname, btext):
                terms.setdefault(fieldname, set()).add(btext.decode("utf-8"))
    return terms



def _leaves(query: wq.Query):
    """The words, phrases and wildcards of a query, inside proximity spans too (Whoosh's
    ``leaves`` stops at a span's OR-group)."""
    if isinstance(query, (wq.Term, wq.Prefix, wq.Wildcard, wq.Phrase)) or not query.children():
        yield query
        return
    for child in query.children():
        yield from _leaves(child)


@dataclass(frozen=True)
class Near:
    """A connector of the query: its two sides' words, and what joins them (the same sentence or
    paragraph, or within ``slop`` words). Its matches are marked word by word but count as one."""

    left: frozenset[str]
    right: frozenset[str]
    unit: str  # "sentence", "paragraph" or "words"
    slop: int = 0


@dataclass(frozen=True)
class Marks:
    """What to mark in a text: words, and phrases (each occurrence one mark), as analysed words."""

    words: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    forms: frozenset[str] = frozenset()  # #word: these exact forms (lowercase), not their stems
    near: tuple[Near, ...] = ()  # connectors: the words of each of their matches are one match
    words_alone: frozenset[str] = frozenset()  # words the query also asks for outside any connector

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.forms)


def query_marks(query: wq.Query | None, ctx: Context, fields: tuple[str, ...] = MARKED_FIELDS) -> Marks:
    """The words and phrases of ``query`` that search ``fields`` and that the index holds."""
    if query is None:
        return Marks()
    words: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    forms: set[str] = set()
    for leaf in _leaves(query):
        if isinstance(leaf, ExactWord):
            if leaf.fieldname in fields:
                forms.add(leaf.form)
            continue
        if isinstance(leaf, wq.Phrase):
            if leaf.fieldname in fields:
                phrases.add(tuple(leaf.words))
            continue
        for fieldname, texts in query_terms(leaf, ctx).items():
            if fieldname in fields:
                words |= texts
    near = tuple(_nears(query, ctx, fields))
    alone = frozenset().union(*query_terms(_without_connectors(query), ctx).values()) if near else frozenset()
    return Marks(frozenset(words), tuple(sorted(phrases)), frozenset(forms), near, alone)


def _without_connectors(query: wq.Query) -> wq.Query:
    """The query with every connector dropped (an empty Or where one was)."""
    if isinstance(query, spans.SpanNear2):
        return wq.Or([])
    if query.children() and not isinstance(query, spans.SpanQuery):
        return query.apply(_without_connectors)
    return query


def _nears(query: wq.Query, ctx: Context, fields: tuple[str, ...]) -> Iterator[Near]:
    """The connectors of a query over ``fields`` (outermost only: a phrase inside one is its words)."""
    if isinstance(query, spans.SpanNear2) and len(query.qs) == 2:
        names = {fieldname for fieldname, _ in query.iter_all_terms()}
        if len(names) == 1 and next(iter(names)) in fields:
            unit = query.unit if isinstance(query, SameUnit) else "words"
            left, right = (frozenset().union(*query_terms(side, ctx).values()) for side in query.qs)
            yield Near(left, right, unit, query.slop)
            return
    for child in query.children():
        yield from _nears(child, ctx, fields)


# One analysed word of a text: (stem, first character, end, word number).
Token = tuple[str, int, int, int]


def _tokens(text: str) -> list[Token]:
    """The text's words as the index analyses them, read once per highlighted text."""
    return analysis.word_spans(text)


def _matches(text: str, tokens: list[Token], marks: Marks) -> list[tuple[int, int]]:
    """(start, end) of each match in ``text``, in order, none overlapping: phrases first, then words."""
    found = []
    for phrase in marks.phrases:
        size = len(phrase)
        found += [(tokens[i][1], tokens[i + size - 1][2]) for i in range(len(tokens) - size + 1)
                  if tokens[i][0] == phrase[0] and all(tokens[i + k][0] == phrase[k] for k in range(1, size))]
    found += [(start, end) for word, start, end, _ in tokens
              if word in marks.words or text[start:end].lower() in marks.forms]  # forms: #word as written
    found.sort(key=lambda match: (match[0], -match[1]))  # at one start, the longer (a phrase) first
    kept: list[tuple[int, int]] = []
    for start, end in found:
        if not kept or start >= kept[-1][1]:  # a word inside a phrase's match is part of it
            kept.append((start, end))
    return kept


def _groups(text: str, tokens: list[Token], matches: list[tuple[int, int]], marks: Marks) -> list[int]:
    """Which match each mark belongs to: its own, or a connector's (the words of one sentence, one
    paragraph, or within n words, that satisfy it together), as group numbers (not yet in order).

    Groups are joined as a union-find and matches are put in their sentences by bisection, so a
    long text costs in proportion to its matches: rewriting every group at each join and scanning
    every sentence for each one took 25 minutes on a 2 MB rationale."""
    parent = list(range(len(matches)))
    size = [1] * len(matches)
    if not marks.near or not matches:
        return parent

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(members: list[int]) -> None:
        target = root(members[0])
        for member in members[1:]:
            if (other := root(member)) != target:
                parent[other] = target
                size[target] += size[other]

    stems = {start: (word, at) for word, start, _, at in tokens}
    words = [stems.get(start, ("", -1)) for start, _ in matches]
    sentences: tuple[list[int], list[int]] | None = None
    for near in marks.near:
        if near.unit == "words":  # each word with the nearest free word of the other side, no chains
            for i, (word, at) in enumerate(words):
                if size[root(i)] > 1 or not (word in near.left or word in near.right):
                    continue
                for j in range(i + 1, len(words)):
                    other, other_at = words[j]
                    if other_at - at > near.slop:
                        break
                    if size[root(j)] == 1 and (
                            (word in near.left and other in near.right) or (word in near.right and other in near.left)):
                        join([i, j])
                        break
            continue
        starts, codes = sentences = sentences or sentence_starts(text)
        within: dict[int, list[int]] = {}  # sentence (or paragraph) -> the connector's words in it
        for i, (start, _) in enumerate(matches):
            if words[i][0] in near.left or words[i][0] in near.right:
                code = codes[bisect_right(starts, start) - 1]
                within.setdefault(code if near.unit == "sentence" else code // PARAGRAPH, []).append(i)
        for members in within.values():
            if any(words[i][0] in near.left for i in members) and any(words[i][0] in near.right for i in members):
                join(members)
    return [root(i) for i in range(len(matches))]


def _lone_connector_words(tokens: list[Token], matches: list[tuple[int, int]], groups: list[int],
                          marks: Marks) -> list[int]:
    """The matches to keep: a word the query asks for only inside a connector is marked only where
    the connector holds ("pain" alone in a sentence is not a match of "pain /s relief")."""
    only_near = frozenset().union(*(n.left | n.right for n in marks.near)) - marks.words_alone
    if not only_near:
        return list(range(len(matches)))
    stems = {start: word for word, start, _, _ in tokens}
    members = Counter(groups)
    return [i for i, (start, _) in enumerate(matches) if stems.get(start) not in only_near or members[groups[i]] > 1]


def _html(text: str, matches: list[tuple[int, int]], start: int, end: int, groups: list[int]) -> str:
    parts, at = [], start
    for (begin, finish), match in zip(matches, groups):
        parts += [escape(text[at:begin]), f'<mark class="match" data-match="{match}">{escape(text[begin:finish])}</mark>']
        at = finish
    parts.append(escape(text[at:end]))
    return "".join(parts)


def _html_in_regions(text: str, matches: list[tuple[int, int]], groups: list[int],
                     regions: list[tuple[int, int, str]]) -> str:
    """``_html`` of the whole text with each region in a span; a match across a region's edge is cut there."""
    parts, at = [], 0
    for start, end, attributes in sorted(regions):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        parts += [_html_clipped(text, matches, groups, at, start), f"<span {attributes}>",
                  _html_clipped(text, matches, groups, start, end), "</span>"]
        at = end
    parts.append(_html_clipped(text, matches, groups, at, len(text)))
    return "".join(parts)


def _html_clipped(text: str, matches: list[tuple[int, int]], groups: list[int], start: int, end: int) -> str:
    first = bisect_left(matches, (start, -1))
    while first > 0 and matches[first - 1][1] > start:
        first -= 1
    inside, numbers = [], []
    for (begin, finish), number in zip(matches[first:], groups[first:]):
        if begin >= end:
            break
        if finish > start:
            inside.append((max(begin, start), min(finish, end)))
            numbers.append(number)
    return _html(text, inside, start, end, numbers)


def match_count(html: str) -> int:
    """How many matches a marked text shows: a connector's words together count once."""
    return len(set(_MATCH_NUMBER.findall(html)))


_MATCH_NUMBER = re.compile(r'<mark class="match" data-match="(\d+)"')


MAX_CHARS, SURROUND = 300, 60  # a snippet passage, and the context before its first match
SNIPPET_SCAN = 100_000  # characters a snippet is looked for in: a real rationale is a tenth of it


def _widened(text: str, start: int, end: int) -> tuple[int, int]:
    """The passage grown to the spaces around it: it never starts inside "8/10" or ends before a stop."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _passages(text: str, matches: list[tuple[int, int]]) -> Iterator[tuple[int, int, int, int]]:
    """(start, end, first match, last match) of passages of up to MAX_CHARS, each from a match on."""
    i = 0
    while i < len(matches):
        start = max(0, matches[i][0] - SURROUND)
        last = i
        while last + 1 < len(matches) and matches[last + 1][1] <= start + MAX_CHARS:
            last += 1
        yield (start, min(len(text), matches[last][1] + SURROUND), i, last)
        i = last + 1


def highlight_text(text: str, marks: Marks, *, top: int = 2, whole: bool = False,
                   regions: list[tuple[int, int, str]] | None = None) -> str:
    """HTML of ``text`` (escaped) with each match of ``marks`` in one <mark>: all of it
    (``whole``), or its ``top`` passages with the most matches, in text order; "" if none matches.
    Passages come from the first SNIPPET_SCAN characters: a results page must not read megabytes.
    With ``whole``, each of ``regions`` (start, end, attributes; not overlapping) is wrapped in a
    <span> carrying those attributes (the case page's stated-reason sentences)."""
    if not whole:
        text = text[:SNIPPET_SCAN]
    tokens = _tokens(text) if marks else []
    matches = _matches(text, tokens, marks) if marks else []
    groups = _groups(text, tokens, matches, marks)
    if marks.near:
        kept = _lone_connector_words(tokens, matches, groups, marks)
        matches, groups = [matches[i] for i in kept], [groups[i] for i in kept]
    number = {group: n for n, group in enumerate(dict.fromkeys(groups))}  # matches numbered in text order
    groups = [number[group] for group in groups]
    if whole:
        return _html_in_regions(text, matches, groups, regions) if regions else _html(text, matches, 0, len(text), groups)
    best = sorted(_passages(text, matches), key=lambda p: (p[2] - p[3], p[0]))[:top]
    shown = []
    for start, end, first, last in sorted(best):
        start, end = _widened(text, start, end)
        shown.append(_html(text, matches[first:last + 1], start, end, groups[first:last + 1]))
    return " … ".join(shown)


def snippets(rationale: str, marks: Marks, citations: str = "") -> list[str]:
    """The rationale's best passages with the query's matches marked, else the cited guidelines'
    (labelled: a search matches them too), else the rationale's opening."""
    if marks and (marked := highlight_text(rationale, marks)):
        return [marked]
    if marks and (marked := highlight_text(citations, marks)):
        return [f'<span class="snippet-source">Cited guidelines:</span> {marked}']
    return [escape(rationale[:300] + ("…" if len(rationale) > 300 else ""))]


def with_summary_snippets(hits: list[Hit], marks: Marks) -> list[Hit]:
    """A hit that matched only in its case summary shows the summary passage, labelled, so the
    reader sees why it is there (summaries are handed in: the index does not store them)."""
    unmarked = [hit for hit in hits if marks and not any("<mark" in s for s in hit.snippets)]
    if not unmarked:
        return hits
    summaries = config.summaries(hit.slug for hit in unmarked)
    for hit in unmarked:
        if marked := highlight_text(summaries.get(hit.slug, ""), marks):
            hit.snippets = [f'<span class="snippet-source">Case summary:</span> {marked}']
    return hits
