"""Each text read once for the three fields it feeds: its words, its word pairs and its sentences.

A request, a rationale or a case summary is indexed three times (schema.PAIR_FIELDS and
schema.SENTENCE_FIELDS): through Whoosh's analyzers, each of the three tokenizes and stems
the whole text again, one Python generator step per word and filter, which was most of what
indexing cost. Here one pass finds the words and their stems, and each field's postings are
made from that pass: the same terms, frequencies, weights and positions as the field's own
analyzer gives (tests/test_analysis.py compares them on real determinations).

``indexers(schema)`` names the fields of a writer's schema this applies to; a field whose
analyzer or format is not one of these three (an index written before a change) is indexed by
Whoosh as always.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import pairwise

from whoosh.formats import Frequency, Positions
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

from .schema import PAIR_ANALYZER, SENTENCE_ANALYZER, TEXT_ANALYZER
from .sentences import sentence_positions

Posting = tuple[bytes, int, float, bytes]  # (term, frequency, weight, encoded value), as Field.index gives
Indexer = Callable[[str], Iterator[Posting]]

_WORD = TEXT_ANALYZER.items[0].expression  # the tokenizer's pattern: one definition of a word
_stem = lru_cache(maxsize=100_000)(stem)


@lru_cache(maxsize=4)  # the three fields of a text are indexed one after another
def _words(text: str) -> tuple[list[str], list[int]]:
    """(the stem of each word, the character it starts at), in text order."""
    stems, starts = [], []
    for match in _WORD.finditer(text):
        stems.append(_stem(match.group(0).lower()))
        starts.append(match.start())
    return stems, starts


def word_spans(text: str) -> list[tuple[str, int, int, int]]:
    """(stem, first character, end, word number) of each word, as TEXT_ANALYZER gives them with
    ``chars`` and ``positions``: what the highlighter marks by, read without Whoosh's generator chain."""
    return [(_stem(match.group(0).lower()), match.start(), match.end(), number)
            for number, match in enumerate(_WORD.finditer(text))]


def stems(text: str) -> list[str]:
    """The stems of the text's words, in order: ``schema.analysed`` without Whoosh's generator chain."""
    return [_stem(match.group(0).lower()) for match in _WORD.finditer(text)]


def _grouped(terms: list[str], positions: list[int]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for term, position in zip(terms, positions):
        grouped.setdefault(term, []).append(position)
    return grouped


# Most words occur once in a text: their encoded position, made once per position (the first
# ONE_POSITION_CACHED positions: a few megabytes at most).
_ONE_POSITION: dict[int, bytes] = {}
ONE_POSITION_CACHED = 1 << 16


def _positions(grouped: dict[str, list[int]], format: Positions) -> Iterator[Posting]:
    boost, encode, once = format.field_boost, format.encode, _ONE_POSITION
    for term, where in grouped.items():
        if len(where) == 1 and where[0] < ONE_POSITION_CACHED:
            value = once.get(where[0])
            if value is None:
                value = once[where[0]] = encode(where)
        else:
            value = encode(where)
        yield term.encode("utf-8"), len(where), float(len(where)) * boost, value


def _frequencies(terms: list[str], format: Frequency) -> Iterator[Posting]:
    counts: dict[str, int] = {}
    for term in terms:
        counts[term] = counts.get(term, 0) + 1
    boost = format.field_boost
    for term, count in counts.items():
        yield term.encode("utf-8"), count, float(count) * boost, pack_uint(count)


def _pairs(stems: list[str]) -> list[str]:
    """Neighbouring stems joined by a space (BiWordFilter): a one-word text is its word."""
    if len(stems) < 2:
        return list(stems)
    return [f"{first} {second}" for first, second in pairwise(stems)]


def _word_indexer(format: Positions) -> Indexer:
    def index(text: str) -> Iterator[Posting]:
        stems, _ = _words(text)
        return _positions(_grouped(stems, list(range(len(stems)))), format)
    return index


def _pair_indexer(format: Frequency) -> Indexer:
    return lambda text: _frequencies(_pairs(_words(text)[0]), format)


def _sentence_indexer(format: Positions) -> Indexer:
    def index(text: str) -> Iterator[Posting]:
        stems, starts = _words(text)
        return _positions(_grouped(stems, sentence_positions(text, starts)), format)
    return index


# (analyzer, format class, how a field with both is indexed)
_KINDS = ((TEXT_ANALYZER, Positions, _word_indexer), (PAIR_ANALYZER, Frequency, _pair_indexer),
          (SENTENCE_ANALYZER, Positions, _sentence_indexer))


def indexers(schema) -> dict[str, Indexer]:
    """The fields of ``schema`` (a writer's: the index's own) indexed from one pass, and how."""
    found = {}
    for name, field in schema.items():
        for analyzer, format_class, make in _KINDS:
            if type(field.format) is format_class and getattr(field, "analyzer", None) == analyzer:
                found[name] = make(field.format)
                break
    return found
