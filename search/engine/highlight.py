"""Marking a query's matches in text: snippets for results, whole texts for the case page.

A phrase is one match: each of its occurrences is one <mark>, and its words alone are not
marked; so the case page counts and steps through the phrase, not its words. Words are
compared as the index analyses them (stems), so a mark is exactly what matched.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from whoosh import query as wq

from . import config
from .query import ExactWord
from .results import Hit
from .schema import MARKED_FIELDS, SCHEMA, SENTENCE_FIELDS, TEXT_ANALYZER


def query_terms(query: wq.Query | None, reader) -> dict[str, set[str]]:
    """Field -> the index terms a query matches (wildcards expanded), for highlighting.

    Not ``Query.existing_terms``: in Whoosh 2.7.4 its loop variable shadows its
    ``fieldname`` argument, so it drops every field after the first one it meets.
    """
    if query is None:
        return {}
    terms: dict[str, set[str]] = {}
    for leaf in _leaves(query):
        try:
            pairs = list(leaf.expanded_terms(reader))
        except (AttributeError, NotImplementedError):  # a leaf that cannot expand: its words as written
            pairs = list(leaf.iter_all_terms())
        for fieldname, text in pairs:
            if fieldname not in SCHEMA:
                continue
            btext = text if isinstance(text, bytes) else SCHEMA[fieldname].to_bytes(text)
            if (fieldname, btext) in reader:  # a sentence field's words are its text field's
                terms.setdefault(_TEXT_OF.get(fieldname, fieldname), set()).add(btext.decode("utf-8"))
    return terms


_TEXT_OF = {sentences: name for name, sentences in SENTENCE_FIELDS.items()}


def _leaves(query: wq.Query):
    """The words, phrases and wildcards of a query, inside proximity spans too (Whoosh's
    ``leaves`` stops at a span's OR-group)."""
    if isinstance(query, (wq.Term, wq.Prefix, wq.Wildcard, wq.Phrase)) or not query.children():
        yield query
        return
    for child in query.children():
        yield from _leaves(child)


@dataclass(frozen=True)
class Marks:
    """What to mark in a text: words, and phrases (each occurrence one mark), as analysed words."""

    words: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    forms: frozenset[str] = frozenset()  # #word: these exact forms (lowercase), not their stems

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.forms)


def query_marks(query: wq.Query | None, reader, fields: tuple[str, ...] = MARKED_FIELDS) -> Marks:
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
            if _TEXT_OF.get(leaf.fieldname, leaf.fieldname) in fields:
                phrases.add(tuple(leaf.words))
            continue
        for fieldname, texts in query_terms(leaf, reader).items():
            if fieldname in fields:
                words |= texts
    return Marks(frozenset(words), tuple(sorted(phrases)), frozenset(forms))


def _matches(text: str, marks: Marks) -> list[tuple[int, int]]:
    """(start, end) of each match in ``text``, in order, none overlapping: phrases first, then words."""
    tokens = [(token.text, token.startchar, token.endchar) for token in TEXT_ANALYZER(text, chars=True)]
    if marks.forms:  # #word: the form as written, not its stem
        found_forms = [(start, end) for _, start, end in tokens if text[start:end].lower() in marks.forms]
    else:
        found_forms = []
    found = []
    for phrase in marks.phrases:
        size = len(phrase)
        found += [(tokens[i][1], tokens[i + size - 1][2]) for i in range(len(tokens) - size + 1)
                  if tokens[i][0] == phrase[0] and all(tokens[i + k][0] == phrase[k] for k in range(1, size))]
    found += [(start, end) for word, start, end in tokens if word in marks.words] + found_forms
    found.sort(key=lambda match: (match[0], -match[1]))  # at one start, the longer (a phrase) first
    kept: list[tuple[int, int]] = []
    for start, end in found:
        if not kept or start >= kept[-1][1]:  # a word inside a phrase's match is part of it
            kept.append((start, end))
    return kept


def _html(text: str, matches: list[tuple[int, int]], start: int, end: int) -> str:
    parts, at = [], start
    for begin, finish in matches:
        parts += [escape(text[at:begin]), f'<mark class="match">{escape(text[begin:finish])}</mark>']
        at = finish
    parts.append(escape(text[at:end]))
    return "".join(parts)


MAX_CHARS, SURROUND = 300, 60  # a snippet passage, and the context before its first match


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


def highlight_text(text: str, marks: Marks, *, top: int = 2, whole: bool = False) -> str:
    """HTML of ``text`` (escaped) with each match of ``marks`` in one <mark>: all of it
    (``whole``), or its ``top`` passages with the most matches, in text order; "" if none matches."""
    matches = _matches(text, marks) if marks else []
    if whole:
        return _html(text, matches, 0, len(text))
    best = sorted(_passages(text, matches), key=lambda p: (p[2] - p[3], p[0]))[:top]
    shown = []
    for start, end, first, last in sorted(best):
        start, end = _widened(text, start, end)
        shown.append(_html(text, matches[first:last + 1], start, end))
    return " … ".join(shown)


def snippets(rationale: str, marks: Marks) -> list[str]:
    """The rationale's best passages with the query's matches marked, else its opening."""
    if marks and (marked := highlight_text(rationale, marks)):
        return [marked]
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
