"""Each text read once for what it feeds: its words, its word pairs and where its sentences start.

A request, a rationale or a case summary is indexed as its words, its word pairs
(schema.PAIR_FIELDS) and its sentence and paragraph breaks (the column sentences.BREAKS_FIELD): through
Whoosh's analyzers, each tokenizes and stems the whole text again, one Python generator step
per word and filter, which was most of what indexing cost. Here one pass finds the words, their
stems and the breaks, and each field's postings are made from that pass: the same terms,
frequencies, weights and positions as the field's own analyzer gives (tests/test_analysis.py
compares them on real determinations).

The ID and KEYWORD fields (key, slug, case, drug, the facets) are split the same way without
Whoosh's token objects (``_splitter``). ``indexers(schema)`` names the fields of a writer's schema
this applies to; a field whose analyzer or format is not one of these (an index written before
a change) is indexed by Whoosh as always.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise
from operator import sub
from pickle import dumps

from whoosh.analysis import IDTokenizer, LowercaseFilter, RegexTokenizer, StripFilter
from whoosh.formats import Existence, Frequency, Positions
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

from .schema import PAIR_ANALYZER, TEXT_ANALYZER
from .sentences import PARAGRAPH, breaks_value, sentence_starts

# (text, document number, boost, the pool's postings of the field by term) -> (the field's length,
# how many postings): adds the document's postings to each of its terms' lists, flat
# (whoosh_internals.triples): its document number, weight and encoded value.
Indexer = Callable[[str, int, float, defaultdict[str, list]], tuple[int, int]]

_WORD = TEXT_ANALYZER.items[0].expression  # the tokenizer's pattern: one definition of a word
# The same pattern without its group, so findall gives whole words, a text at a time in C.
_WORDS = re.compile(_WORD.pattern.replace("(", "(?:"), _WORD.flags)
STEMS_KEPT = 200_000


class _Stems(dict):
    """A word as written -> its stem (lowercased, then Porter's), each worked out once: looked up
    a text at a time with ``map``. Forgotten when it holds STEMS_KEPT words."""

    def __missing__(self, word: str) -> str:
        if len(self) >= STEMS_KEPT:
            self.clear()
        found = self[word] = stem(word.lower())
        return found


_STEM_OF = _Stems()


@lru_cache(maxsize=8)  # a document's texts are read for its breaks, then for their words and pairs
def _words(text: str) -> tuple[list[str], list[int], list[int]]:
    """(the stem of each word, the numbers of the words that start a sentence, those that start
    a paragraph), the first word excepted.

    The text is read a sentence at a time (sentences.sentence_starts): a sentence starts after a
    space, never inside a word, so its words are the words of the whole text that start in it. A
    sentence without words starts nothing."""
    starts, codes = sentence_starts(text)
    stems: list[str] = []
    sentences: list[int] = []
    paragraphs: list[int] = []
    find, stem_of = _WORDS.findall, _STEM_OF.__getitem__
    current = 0
    for start, end, code in zip(starts, [*starts[1:], len(text)], codes):
        words = find(text, start, end)
        if not words:
            continue
        if code != current and stems:
            sentences.append(len(stems))
            if code // PARAGRAPH != current // PARAGRAPH:
                paragraphs.append(len(stems))
        current = code
        stems += map(stem_of, words)
    return stems, sentences, paragraphs


def breaks(texts: dict[str, str]) -> bytes:
    """The ``breaks`` column's value for a document's texts (text field -> its text)."""
    return breaks_value({field: _words(text)[1:] for field, text in texts.items() if text}).encode("ascii")


def word_spans(text: str) -> list[tuple[str, int, int, int]]:
    """(stem, first character, end, word number) of each word, as TEXT_ANALYZER gives them with
    ``chars`` and ``positions``: what the highlighter marks by, read without Whoosh's generator chain."""
    return [(_STEM_OF[match.group(0)], match.start(), match.end(), number)
            for number, match in enumerate(_WORD.finditer(text))]


def stems(text: str) -> list[str]:
    """The stems of the text's words, in order: ``schema.analysed`` without Whoosh's generator chain."""
    return list(map(_STEM_OF.__getitem__, _WORDS.findall(text)))


def _encoded(positions: list[int]) -> bytes:
    """``Positions.encode``: the count, then the gaps between positions, pickled."""
    return pack_uint(len(positions)) + dumps([positions[0], *map(sub, positions[1:], positions)], 2)


def _where(terms: list[str], positions) -> dict[str, int | list[int]]:
    """Each term's position, or its positions when it occurs more than once (most occur once: an
    int costs no list)."""
    where: dict[str, int | list[int]] = {}
    get = where.get
    for term, position in zip(terms, positions):
        held = get(term)
        if held is None:
            where[term] = position
        elif held.__class__ is int:
            where[term] = [held, position]
        else:
            held.append(position)
    return where


# Most words occur once in a text: their encoded position, made once per position (up to
# ONE_POSITION_CACHED positions, then forgotten and made again: a few megabytes at most).
_ONE_POSITION: dict[int, bytes] = {}
ONE_POSITION_CACHED = 1 << 16


def _add_positions(where: dict[str, int | list[int]], format: Positions, docnum: int, boost: float,
                   terms: defaultdict[str, list]) -> None:
    field_boost, encode, once = format.field_boost, _encoded, _ONE_POSITION
    single = 1.0 * field_boost * boost
    for term, held in where.items():
        if held.__class__ is int:
            value = once.get(held)
            if value is None:
                if len(once) >= ONE_POSITION_CACHED:
                    once.clear()
                value = once[held] = encode([held])
            posting = (docnum, single, value)
        else:
            posting = (docnum, float(len(held)) * field_boost * boost, encode(held))
        terms[term].extend(posting)


_COUNT: dict[int, bytes] = {}  # pack_uint(count), made once per count
_ONCE = pack_uint(1)


def _add_frequencies(terms_of_text: list[str], format: Frequency, docnum: int, boost: float,
                     terms: defaultdict[str, list]) -> int:
    field_boost, packed = format.field_boost, _COUNT
    once = (docnum, 1.0 * field_boost * boost, _ONCE)  # most terms occur once in a text: one posting made
    if len(terms_of_text) == 1:  # an ID or a one-value facet: no counting
        terms[terms_of_text[0]].extend(once)
        return 1
    counts = Counter(terms_of_text)
    for term, count in counts.items():
        if count == 1:
            terms[term].extend(once)
            continue
        value = packed.get(count)
        if value is None:
            value = packed[count] = pack_uint(count)
        posting = (docnum, float(count) * field_boost * boost, value)
        terms[term].extend(posting)
    return len(counts)


def _pairs(stems: list[str]) -> list[str]:
    """Neighbouring stems joined by a space (BiWordFilter): a one-word text is its word."""
    if len(stems) < 2:
        return list(stems)
    return list(map(" ".join, pairwise(stems)))


def _positions_indexer(format: Positions) -> Indexer:
    """A words field: each word at its number."""
    def index(text: str, docnum: int, boost: float, terms: defaultdict[str, list]) -> tuple[int, int]:
        stems = _words(text)[0]
        where = _where(stems, range(len(stems)))
        _add_positions(where, format, docnum, boost, terms)
        return len(stems), len(where)
    return index


def _pair_indexer(format: Frequency) -> Indexer:
    return _frequency_indexer(format, lambda text: _pairs(_words(text)[0]))


def _splitter(analyzer) -> Callable[[str], list[str]] | None:
    """The terms an analyzer of a single-valued field gives, read without its generator chain: an
    ``IDTokenizer`` (the whole value), or a ``RegexTokenizer`` followed by any of ``StripFilter``
    and ``LowercaseFilter`` (ID, KEYWORD and name fields). None for any other analyzer."""
    items = list(getattr(analyzer, "items", [analyzer]))
    if type(items[0]) is IDTokenizer and len(items) == 1:
        return lambda text: [text]
    if type(items[0]) is not RegexTokenizer or items[0].gaps:
        return None
    expression = items[0].expression
    if expression.groups:
        if expression.pattern != _WORD.pattern:
            return None
        expression = _WORDS
    filters = tuple(type(item) for item in items[1:])
    find = expression.findall
    if filters == ():
        return find
    if filters == (LowercaseFilter,):
        return lambda text: [part.lower() for part in find(text)]
    if filters == (StripFilter, LowercaseFilter):
        return lambda text: [part.strip().lower() for part in find(text)]
    return None


def _frequency_indexer(format: Frequency, split: Callable[[str], list[str]]) -> Indexer:
    def index(text: str, docnum: int, boost: float, terms: defaultdict[str, list]) -> tuple[int, int]:
        words = split(text)
        return len(words), _add_frequencies(words, format, docnum, boost, terms)
    return index


def _existence_indexer(format: Existence, split: Callable[[str], list[str]]) -> Indexer:
    def index(text: str, docnum: int, boost: float, terms: defaultdict[str, list]) -> tuple[int, int]:
        words = set(split(text))
        weight = format.field_boost * boost
        for word in words:
            terms[word].extend((docnum, weight, b""))
        return len(words), len(words)
    return index


# (analyzer, format class, how a field with both is indexed)
_KINDS = ((TEXT_ANALYZER, Positions, _positions_indexer),
          (PAIR_ANALYZER, Frequency, _pair_indexer))


def indexers(schema) -> dict[str, Indexer]:
    """The fields of ``schema`` (a writer's: the index's own) indexed here, and how: the text
    fields from one pass over each text, the others (ID, KEYWORD, names) by ``_splitter``."""
    found = {}
    for name, field in schema.items():
        analyzer = getattr(field, "analyzer", None)
        for kind_analyzer, format_class, make in _KINDS:
            if type(field.format) is format_class and analyzer == kind_analyzer:
                found[name] = make(field.format)
                break
        else:
            split = _splitter(analyzer) if analyzer is not None and field.format is not None else None
            if split is not None and type(field.format) is Frequency:
                found[name] = _frequency_indexer(field.format, split)
            elif split is not None and type(field.format) is Existence:
                found[name] = _existence_indexer(field.format, split)
    return found
