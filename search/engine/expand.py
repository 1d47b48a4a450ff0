"""Wildcards, prefixes and the root expander as the words they stand for, within a bound.

Whoosh expands a wildcard by testing a regular expression against every word of its field in
Python, and again at each use (matching, scoring, highlighting): 200 wildcards in one query held
a worker for 16 to 24 seconds. Here each segment's words of a field are read once and kept for
as long as the segment lives (segments.py), sorted and joined into one text: a prefix is a range
found by bisection, and a pattern with a wildcard inside is one scan of that text by a regular
expression, in C, that never backtracks further than one word. A query expands each of its
patterns once, and every pattern's words count against its budget: MAX_EXPANSION words for one
pattern, MAX_QUERY_EXPANSION for the whole query, and the query's time (deadline.py).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.query import spans

from . import deadline
from .query import QueryError

# Each word a pattern stands for is one more posting list to read (about 1.4 ms each at 30,000
# determinations): 14,000 of them took 20 s. So a query's patterns may stand for so many words.
MAX_EXPANSION = 500  # words one pattern may stand for: "me*" is no one's search
MAX_QUERY_EXPANSION = 1500  # words all of a query's patterns together may stand for


@dataclass(frozen=True)
class Words:
    """One segment's words of one field, sorted, and the same words as one text:
    "\\n" + word + "\\n" + word + ... + "\\n", with where each word starts in it."""

    sorted: list[str]
    text: str
    starts: list[int]

    @classmethod
    def of(cls, words: list[str]) -> Words:
        starts, position = [], 1
        for word in words:
            starts.append(position)
            position += len(word) + 1
        return cls(words, "\n" + "\n".join(words) + "\n" if words else "\n", starts)

    def prefixed(self, prefix: str) -> tuple[int, int]:
        """The range of words that start with ``prefix``."""
        low = bisect.bisect_left(self.sorted, prefix)
        return low, bisect.bisect_left(self.sorted, prefix + "\U0010ffff", low)

    def matching(self, pattern: str) -> list[str]:
        """The words the glob ``pattern`` (``*`` any letters, ``?`` one) matches whole."""
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        low, high = self.prefixed(literal)
        if low >= high:
            return []
        if literal + "*" == pattern:
            return self.sorted[low:high]
        end = self.starts[high - 1] + len(self.sorted[high - 1]) + 1
        return _glob(pattern).findall(self.text, self.starts[low] - 1, end)


def _glob(pattern: str) -> re.Pattern:
    """A regular expression finding whole lines the glob matches, each line tried in time linear
    in its length: the parts between stars are found leftmost first and never given back (an atomic
    group), which is exact for a glob, since an earlier part found later only leaves less room."""
    parts = [re.escape(part).replace(r"\?", "[^\n]") for part in pattern.split("*")]
    if len(parts) == 1:
        return re.compile(f"(?<=\n){parts[0]}(?=\n)")
    middle = "".join(f"(?>[^\n]*?{part})" for part in parts[1:-1] if part)
    return re.compile(f"(?<=\n)({parts[0]}{middle}[^\n]*{parts[-1]})(?=\n)")


class Expanded(wq.Or):
    """A pattern as the words it stands for in this index: planned as those words, and marked as
    them. Its words are final: rewriting a query (``apply``) leaves it as it is."""

    def __init__(self, fieldname: str, pattern: str, words: list[str]):
        super().__init__([wq.Term(fieldname, word) for word in words])
        self.fieldname, self.pattern, self.words = fieldname, pattern, words

    def apply(self, fn):
        return self

    def normalize(self):
        return self


@dataclass
class Expander:
    """One query's expansions: each pattern once, all of them within the query's budget."""

    words_of: object  # (fieldname) -> list[Words], one per segment
    done: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    total: int = 0

    def __call__(self, fieldname: str, pattern: str) -> list[str]:
        key = (fieldname, pattern)
        if (known := self.done.get(key)) is not None:
            return known
        deadline.check()
        found: set[str] = set()
        for segment in self.words_of(fieldname):
            found.update(segment.matching(pattern))
            if len(found) > MAX_EXPANSION:
                raise QueryError(f"'{pattern}' matches more than {MAX_EXPANSION:,} different words; "
                                 "give it more letters")
        self.total += len(found)
        if self.total > MAX_QUERY_EXPANSION:
            raise QueryError(f"the wildcards of this search stand for more than {MAX_QUERY_EXPANSION:,} "
                             "different words together; give them more letters, or use fewer")
        self.done[key] = words = sorted(found)
        return words


def glob_of(query: wq.Prefix | wq.Wildcard) -> str:
    return query.text + "*" if isinstance(query, wq.Prefix) else query.text


def expanded(query: wq.Query, expand: Expander, *, in_span: bool = False) -> wq.Query:
    """``query`` with every prefix and wildcard replaced by the words it stands for: inside a
    connector (whose spans cannot walk a pattern) as an OR of those words' spans."""
    if isinstance(query, (wq.Prefix, wq.Wildcard)):
        words = expand(query.fieldname, glob_of(query))
        if not in_span:
            return Expanded(query.fieldname, glob_of(query), words)
        terms = [wq.Term(query.fieldname, word) for word in words]
        if not terms:
            return wq.Term(query.fieldname, glob_of(query))  # matches nothing, as the pattern did
        return terms[0] if len(terms) == 1 else spans.SpanOr(terms)
    if query.children():
        inside = in_span or isinstance(query, spans.SpanQuery)
        return query.apply(lambda child: expanded(child, expand, in_span=inside))
    return query
