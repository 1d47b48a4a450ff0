"""Marking a query's words in text: snippets for results, whole texts for the case page."""
from __future__ import annotations

from html import escape

from whoosh import highlight
from whoosh import query as wq

from . import config
from .results import Hit
from .schema import MARKED_FIELDS, SCHEMA, SENTENCE_FIELDS, TEXT_ANALYZER


class _WholeWordFragmenter(highlight.ContextFragmenter):
    """Whoosh's context fragments, widened to the spaces around them: a snippet never starts or
    ends inside "8/10" or "L4-5" (Whoosh cuts at its tokens, and "/" or "-" ends one)."""

    def fragment_tokens(self, text, tokens):
        for fragment in super().fragment_tokens(text, tokens):
            start, end = fragment.startchar, fragment.endchar
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            fragment.startchar, fragment.endchar = start, end
            yield fragment


_FORMATTER = highlight.HtmlFormatter(tagname="mark", between=" … ")
_FRAGMENTER = _WholeWordFragmenter(maxchars=300, surround=60)


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


def marked_words(terms: dict[str, set[str]]) -> set[str]:
    """The analysed words to mark in document text."""
    return set().union(*(terms.get(name, set()) for name in MARKED_FIELDS))


def highlight_text(text: str, words: set[str], *, top: int = 2, whole: bool = False) -> str:
    """HTML of ``text`` (escaped) with ``words`` (analysed terms) in <mark>."""
    if not words:
        return escape(text)
    fragmenter = highlight.WholeFragmenter(charlimit=None) if whole else _FRAGMENTER
    marked = highlight.highlight(text, frozenset(words), TEXT_ANALYZER, fragmenter, _FORMATTER, top=top)
    return marked or ("" if not whole else escape(text))


def snippets(rationale: str, words: set[str]) -> list[str]:
    """The rationale's best passages with the query's words marked, else its opening."""
    if words and (marked := highlight_text(rationale, words)):
        return [marked]
    return [escape(rationale[:300] + ("…" if len(rationale) > 300 else ""))]


def with_summary_snippets(hits: list[Hit], terms: dict[str, set[str]]) -> list[Hit]:
    """A hit that matched only in its case summary shows the summary passage, labelled, so the
    reader sees why it is there (summaries are handed in: the index does not store them)."""
    words = terms.get("summary", set())
    unmarked = [hit for hit in hits if words and not any("<mark" in s for s in hit.snippets)]
    if not unmarked:
        return hits
    summaries = config.summaries(hit.slug for hit in unmarked)
    for hit in unmarked:
        if marked := highlight_text(summaries.get(hit.slug, ""), words):
            hit.snippets = [f'<span class="snippet-source">Case summary:</span> {marked}']
    return hits
