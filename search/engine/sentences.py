"""Sentences and paragraphs, found at indexing time, so /s means the same sentence and /p the
same paragraph (as in Westlaw), not "within 20 words".

The text fields hold each word at its number in the text, as for any phrase or /n. Beside
them, the ``breaks`` column (BREAKS_FIELD) holds, for each text field of a document, the
numbers of the words that start a sentence (after ``sentence:<field>``) and a paragraph (after
``paragraph:<field>``), the first word excepted. /s, +s, /p and +p (``SameUnit``) walk the
text field's word positions as /n does and keep the spans that no break cuts, reading each
candidate's breaks from the column. A document costs a few bytes there, where a second copy of
every word at a sentence-coded position cost a third of the index's postings and of writing them.

A sentence ends at ".", "!" or "?" (closing quotes and brackets may follow) before a space
and a capital, a digit or an opening quote, unless the word before the stop is an
abbreviation ("Dr.", "mg.", "e.g.", "i.e.", "No.", "vs.", a single initial...). A paragraph
ends at a line break: the parser joins the lines a paragraph was wrapped over.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict

from whoosh.matching import IntersectionMatcher, NullMatcher
from whoosh.query import spans
from whoosh.util import make_binary_tree

PARAGRAPH = 1 << 20  # sentence_starts' code: paragraph * PARAGRAPH + its sentence's number in it
PARAGRAPH_SLOP = PARAGRAPH // 2
UNITS = ("sentence", "paragraph")  # what /s and /p keep their words within
BREAKS_FIELD = "breaks"  # the column of each document's breaks (schema.SCHEMA)

# Words that end with a stop without ending the sentence (compared lowercased, without the stop).
ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "mx", "prof", "sr", "jr", "st", "mt", "ft", "no", "nos", "vs", "v", "etc",
    "approx", "appt", "apt", "dept", "est", "fig", "figs", "vol", "vols", "pp", "p", "ca", "cf", "al", "inc",
    "co", "corp", "ltd", "llc", "bros", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mon", "tue", "wed", "thu", "fri", "mg", "mcg", "kg", "g", "ml", "l", "cc", "mm", "cm", "in",
    "lb", "lbs", "oz", "hr", "hrs", "min", "mins", "sec", "secs", "wk", "wks", "mo", "mos", "yr", "yrs", "e.g",
    "i.e", "a.m", "p.m", "b.i.d", "t.i.d", "q.i.d", "q.d", "q.h", "p.r.n", "p.o", "h.s", "q.o.d", "u.s", "m.d",
    "d.o", "d.c", "ph.d", "r.n", "p.a", "n.p", "d.p.m", "m.s", "b.s", "o.t", "p.t", "lt", "rt", "bil", "bilat",
    "dx", "hx", "tx", "rx", "sx", "fx", "pt", "pts",
})

_STOP = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
# The letters and stops just before a stop, read backwards (the text before it reversed): one match
# at its start, where searching forwards for the word at the stop tried every position before it.
_WORD_BEFORE_REVERSED = re.compile(r"[A-Za-z.]*")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_LONGEST_WORD = 64  # characters looked at before a stop: longer than any abbreviation by far


def _ends_sentence(text: str, stop: int) -> bool:
    """Whether the stop at ``stop`` ends a sentence, judging by the word before it."""
    if text[stop] != ".":
        return True
    # Only the few characters before the stop: searched from the text's start, each stop rescanned
    # everything before it (a 2 MB rationale took 24 minutes to index). The word is the letters and
    # stops before the stop, from the first letter.
    # A line break just before the stop is skipped, as a search for "word$" skipped it.
    before = text[max(0, stop - _LONGEST_WORD):stop].removesuffix("\n")
    run = _WORD_BEFORE_REVERSED.match(before[::-1])[0]
    name = run[::-1].lstrip(".").lower().rstrip(".")
    if not name:
        return True  # after a number or a bracket: "... 8/10. The"
    return not (name in ABBREVIATIONS or len(name) == 1)


def sentence_starts(text: str) -> tuple[list[int], list[int]]:
    """(the character where each sentence starts, its position code), in text order."""
    starts, codes = [0], [0]
    paragraph = sentence = 0
    breaks = [(m.start(), m.end(), "paragraph") for m in _LINE_BREAK.finditer(text)] if "\n" in text else []
    stops = [(m.start(), m.end(), "sentence") for m in _STOP.finditer(text) if _ends_sentence(text, m.start())]
    for _, end, kind in sorted(breaks + stops):
        if end >= len(text) or end <= starts[-1]:
            continue
        if kind == "paragraph":
            paragraph, sentence = paragraph + 1, 0
        else:
            sentence += 1
        starts.append(end)
        codes.append(paragraph * PARAGRAPH + min(sentence, PARAGRAPH_SLOP - 1))
    return starts, codes


def break_term(field: str, unit: str) -> str:
    """What names, in a ``breaks`` value, the words where ``unit`` (UNITS) starts in ``field``."""
    return f"{unit}:{field}"


def breaks_value(breaks: dict[str, tuple[list[int], list[int]]]) -> str:
    """What the ``breaks`` column holds for a document: text field -> (the numbers of the words
    that start a sentence, those that start a paragraph), as "term number number ..." runs."""
    parts = []
    for field, numbers in breaks.items():
        for unit, starts in zip(UNITS, numbers):
            if starts:
                parts.append(" ".join([break_term(field, unit), *map(str, starts)]))
    return " ".join(parts)


def starts_in(value: bytes, term: bytes) -> list[int]:
    """The word numbers ``term`` names in a ``breaks`` column value, read without the others."""
    at = value.find(term + b" ")
    if at < 0:
        return []
    numbers = []
    for part in value[at + len(term):].split():
        if not part.isdigit():
            break
        numbers.append(int(part))
    return numbers


class SameUnit(spans.SpanNear2):
    """Two span queries on one text field whose spans lie within one sentence or one paragraph
    (``unit``), the first first when ``ordered`` (+s, +p): each side's span lies in one unit (a
    phrase is not cut by a stop) and both in the same. Its spans cover both sides, so it nests
    like /n. Its terms are its sides' only: the breaks are read from their column."""

    def __init__(self, qs, *, field: str, unit: str, ordered: bool = False):
        super().__init__(list(qs), slop=0, ordered=ordered, mindist=0)
        self.field, self.unit = field, unit

    def __repr__(self):
        return f"SameUnit({self.qs!r}, field={self.field!r}, unit={self.unit!r}, ordered={self.ordered})"

    def __eq__(self, other):
        return (other.__class__ is self.__class__ and self.qs == other.qs and self.field == other.field
                and self.unit == other.unit and self.ordered == other.ordered)

    def __hash__(self):
        return super().__hash__() ^ hash((self.field, self.unit))

    def apply(self, fn):
        return self.__class__([fn(q) for q in self.qs], field=self.field, unit=self.unit, ordered=self.ordered)

    def matcher(self, searcher, context=None):
        sides = [q.matcher(searcher, context) for q in self.qs]
        column = searcher.reader().column_reader(BREAKS_FIELD)
        return _SameUnitMatcher(sides, column, break_term(self.field, self.unit).encode("ascii"), self.ordered)


class _SameUnitMatcher(spans.SpanWrappingMatcher):
    def __init__(self, sides, column, term: bytes, ordered: bool):
        self.sides, self.column, self.term, self.ordered = sides, column, term, ordered
        super().__init__(make_binary_tree(IntersectionMatcher, sides))

    def copy(self):
        return self.__class__([side.copy() for side in self.sides], self.column, self.term, self.ordered)

    def replace(self, minquality=0):
        return self if self.is_active() else NullMatcher()

    def _get_spans(self):
        # The numbers of the words that start a unit in the current document (none: it is one).
        starts = starts_in(self.column[self.child.id()], self.term)

        def unit_of(span) -> int | None:
            """The unit a span lies in, None if a start cuts it."""
            unit = bisect_right(starts, span.start)
            return unit if unit == bisect_right(starts, span.end) else None

        by_unit: dict[int | None, list] = defaultdict(list)
        for span in self.sides[1].spans():
            by_unit[unit_of(span)].append(span)
        by_unit.pop(None, None)
        found = set()
        for span in self.sides[0].spans():
            for other in by_unit.get(unit_of(span), ()):
                if not self.ordered or span.start <= other.start:
                    found.add(span.to(other))
        return sorted(found)
